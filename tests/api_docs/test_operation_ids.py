"""Operation ids read as method names in a generated client: camelCase, one per operation."""

import re
from typing import Any

from fastapi.testclient import TestClient

CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)*")


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for path in document["paths"].values() for operation in path.values()]


def test_every_operation_id_is_camel_case_and_unique(anonymous: TestClient) -> None:
    ids = [
        operation["operationId"] for operation in _operations(anonymous.get("/openapi.json").json())
    ]

    assert [name for name in ids if not CAMEL_CASE.fullmatch(name)] == []
    assert len(ids) == len(set(ids))


def test_the_main_operations_have_the_names_a_client_expects(anonymous: TestClient) -> None:
    paths = anonymous.get("/openapi.json").json()["paths"]

    assert paths["/api/v1/tickets"]["post"]["operationId"] == "createTicket"
    assert paths["/api/v1/tickets"]["get"]["operationId"] == "listTickets"
    assert paths["/api/v1/tickets/{number}"]["get"]["operationId"] == "getTicket"
    assert paths["/api/v1/tickets/{number}/dispatch"]["post"]["operationId"] == "dispatchTicket"
    assert paths["/api/v1/tickets/{number}/request-extension"]["post"]["operationId"] == (
        "requestExtension"
    )


def test_every_tag_is_described(anonymous: TestClient) -> None:
    document = anonymous.get("/openapi.json").json()
    described = {tag["name"]: tag.get("description") for tag in document["tags"]}
    used = {tag for operation in _operations(document) for tag in operation.get("tags", [])}

    assert used <= set(described)
    assert all(described[tag] for tag in used)
