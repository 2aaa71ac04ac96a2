"""Bad input gets an answer that says what is wrong: a body that is not JSON, JSON that does
not parse, a number past what the database stores."""

from fastapi.testclient import TestClient

from tests import factories

TICKETS = "/api/v1/tickets"
PROBLEM_JSON = "application/problem+json"


def test_json_that_does_not_parse_is_a_400_saying_why_and_where(client: TestClient) -> None:
    body = b'{"channel": "hotline_12345",, "description": "x"}'

    response = client.post(TICKETS, content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"].endswith("/malformed-json")
    assert problem["detail"] == (
        "The body is not valid JSON: Expecting property name enclosed in double quotes "
        "(at character 29)."
    )


def test_a_form_encoded_intake_body_is_a_415(client: TestClient) -> None:
    form = {key: str(value) for key, value in factories.web().items() if isinstance(value, str)}

    response = client.post(TICKETS, data=form)

    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "application/json" in response.json()["detail"]
    assert client.get(TICKETS).json()["items"] == []


def test_any_json_body_sent_as_plain_text_is_a_415(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.post(
        "/api/v1/categories",
        content=b'{"code": "99", "name": "x"}',
        headers={"Content-Type": "text/plain"} | auth["admin"],
    )

    assert response.status_code == 415, response.text


def test_a_form_where_a_form_is_read_is_still_accepted(client: TestClient) -> None:
    login = {"username": "admin", "password": "demo-admin-password"}
    assert client.post("/api/v1/auth/token", data=login).status_code == 200


def test_an_id_past_what_the_database_stores_is_a_422_not_a_500(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.delete(f"/api/v1/routing/rules/{2**64}", headers=auth["admin"])

    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"] == PROBLEM_JSON
