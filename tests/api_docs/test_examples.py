"""The examples in /docs work: "Try it out" with any of them files a real ticket or makes
a real change in the demo city, as the README promises."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import factories

API = "/api/v1"
Auth = dict[str, dict[str, str]]


def _document(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _intake_examples(client: TestClient) -> dict[str, Any]:
    body = _document(client)["paths"][f"{API}/tickets"]["post"]["requestBody"]
    examples: dict[str, Any] = body["content"]["application/json"]["examples"]
    return examples


def test_every_channel_has_a_named_intake_example(client: TestClient) -> None:
    examples = _intake_examples(client)

    assert set(examples) == {
        "hotline_12345",
        "minsheng_110",
        "photo_report",
        "qr_code",
        "grid_patrol",
        "web",
    }
    assert all(example["value"]["channel"] == name for name, example in examples.items())


@pytest.mark.parametrize(
    "channel", ["hotline_12345", "minsheng_110", "qr_code", "grid_patrol", "web"]
)
def test_an_intake_example_files_a_ticket_as_it_stands(client: TestClient, channel: str) -> None:
    example = _intake_examples(client)[channel]["value"]

    response = client.post(f"{API}/tickets", json=example)

    assert response.status_code == 201, response.text
    assert response.json()["channel"] == channel


def test_the_photo_report_example_files_once_its_photo_is_uploaded(client: TestClient) -> None:
    example = _intake_examples(client)["photo_report"]
    assert "POST /api/v1/photos" in example["description"]
    upload = client.post(
        f"{API}/photos", files=[("files", ("p.jpg", factories.jpeg_bytes(), "image/jpeg"))]
    )
    photo_id = upload.json()[0]["id"]

    as_is = client.post(f"{API}/tickets", json=example["value"])
    with_upload = client.post(f"{API}/tickets", json=example["value"] | {"photos": [photo_id]})

    assert as_is.status_code == 422, as_is.text
    assert with_upload.status_code == 201, with_upload.text


@pytest.mark.parametrize(
    ("schema", "path", "created"),
    [
        ("DepartmentCreate", "/departments", 201),
        ("CategoryCreate", "/categories", 201),
        ("RoutingRuleWrite", "/routing/rules", 201),
        ("SlaPolicyWrite", "/sla-policies", 201),
        ("StaffUserCreate", "/users", 201),
        ("IntegrationClientCreate", "/integration-clients", 201),
    ],
)
def test_an_admin_body_example_is_accepted(
    client: TestClient, auth: Auth, schema: str, path: str, created: int
) -> None:
    [example] = _document(client)["components"]["schemas"][schema]["examples"]

    response = client.post(f"{API}{path}", json=example, headers=auth["admin"])

    assert response.status_code == created, response.text


def test_the_dispatch_example_dispatches(client: TestClient) -> None:
    [example] = _document(client)["components"]["schemas"]["DispatchBody"]["examples"]
    number = client.post(f"{API}/tickets", json=factories.web()).json()["number"]

    response = client.post(f"{API}/tickets/{number}/dispatch", json=example)

    assert response.status_code == 200, response.text
    assert response.json()["assigned_unit"]["code"] == example["lead"]["code"]
