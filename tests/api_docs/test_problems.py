"""Every error an operation may answer is in the document, as problem+json with the one
Problem schema: what a generated client needs to read each refusal."""

import json
from typing import Any

from fastapi.testclient import TestClient

PROBLEM = "#/components/schemas/Problem"
GRID_MAP_REJECTED = "#/components/schemas/GridMapRejectedRead"


def _operations(client: TestClient) -> list[tuple[str, dict[str, Any]]]:
    document = client.get("/openapi.json").json()
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_error_is_problem_json_with_the_shared_schema(anonymous: TestClient) -> None:
    wrong = []
    for name, operation in _operations(anonymous):
        for status, response in operation["responses"].items():
            if int(status) < 400 or name == "GET /readyz":
                continue
            if name.split(" ")[1].startswith("/open311/"):
                continue  # Open311 answers its errors in its own format, by its specification
            content = response.get("content", {})
            schema = content.get("application/problem+json", {}).get("schema", {})
            # The grid import's 422 is a Problem with the map's `problems`.
            shared = schema.get("$ref") in (PROBLEM, GRID_MAP_REJECTED)
            if list(content) != ["application/problem+json"] or not shared:
                wrong.append((name, status))

    assert wrong == []


def test_fastapis_own_validation_error_is_gone(anonymous: TestClient) -> None:
    document = anonymous.get("/openapi.json").json()

    assert "HTTPValidationError" not in json.dumps(document)
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert problem["properties"]["errors"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/FieldProblem"
    }


def test_secured_operations_list_401_and_paths_that_name_something_404(
    anonymous: TestClient,
) -> None:
    for name, operation in _operations(anonymous):
        if operation.get("security"):
            assert "401" in operation["responses"], name
        if "{" in name:
            assert "404" in operation["responses"], name
        if "requestBody" in operation:
            assert {"413", "422"} <= set(operation["responses"]), name
