"""Intake's own route (app.auth.json_route) takes in and refuses exactly what
FastAPI's handler does: a plain JSON body goes the intake route's way, any other JSON
media type FastAPI's."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import factories

TICKETS = "/api/v1/tickets"
INTAKE_ROUTE = "application/json"
# FastAPI reads any application/*+json body as JSON; the intake route leaves it to it.
FASTAPI_ROUTE = "application/vnd.hotline+json"
MEDIA_TYPES = [INTAKE_ROUTE, "application/json; charset=utf-8", FASTAPI_ROUTE]


@pytest.fixture(params=MEDIA_TYPES)
def media_type(request: pytest.FixtureRequest) -> str:
    chosen: str = request.param
    return chosen


def _post(client: TestClient, body: Any, media_type: str) -> Any:
    content = json.dumps(body, ensure_ascii=False).encode()
    return client.post(TICKETS, content=content, headers={"content-type": media_type})


def test_a_hotline_call_is_the_same_ticket_whichever_json_type_it_came_as(
    client: TestClient, media_type: str
) -> None:
    body = factories.hotline_12345()
    response = _post(client, body, media_type)

    assert response.status_code == 201, response.text
    ticket = response.json()
    assert response.headers["location"] == f"{TICKETS}/{ticket['number']}"
    assert ticket["external_id"] == body["external_id"]
    assert ticket["status"] == "dispatched"
    assert ticket["assigned_unit"]["code"] == "urban_management"
    assert ticket["category"] == {"code": "0101", "name": "路灯损坏"}
    assert ticket["reporter"] == {"name": "张*", "phone": "138****1234"}
    assert ticket["channel_data"]["call_started_at"] == "2026-11-23T09:15:00+08:00"
    assert ticket["location"]["lat"] != body["location"]["lat"]  # GCJ-02 made WGS-84
    assert {clock["clock"] for clock in ticket["clocks"]} == {"reply", "sign", "return_window"}
    assert client.get(f"{TICKETS}/{ticket['number']}").json()["title"] == ticket["title"]


def test_a_re_post_answers_the_first_ticket_whichever_json_type_it_came_as(
    client: TestClient, media_type: str
) -> None:
    body = factories.grid_patrol()
    first = _post(client, body, INTAKE_ROUTE)
    again = _post(client, body, media_type)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


@pytest.mark.parametrize(
    "body",
    [
        factories.web(colour="red"),
        factories.web(description="路灯\x00坏了"),
        factories.web(anonymous="perhaps", description=42),
        factories.web(channel="fax"),
        factories.web(location={"lat": 91, "lon": 118}),
        ["not", "an", "object"],
    ],
    ids=["unknown field", "NUL", "wrong types", "unknown channel", "latitude", "array"],
)
def test_a_bad_body_gets_fastapis_own_answer_on_the_intake_route(
    client: TestClient, body: Any
) -> None:
    by_intake_route = _post(client, body, INTAKE_ROUTE)
    by_fastapi = _post(client, body, FASTAPI_ROUTE)

    assert by_intake_route.status_code == 422
    assert by_intake_route.json() == by_fastapi.json()
    assert client.get(TICKETS).json()["items"] == []


def test_malformed_json_gets_fastapis_own_answer_on_the_intake_route(client: TestClient) -> None:
    content = b'{"channel": "web", '
    answers = [
        client.post(TICKETS, content=content, headers={"content-type": media_type})
        for media_type in (INTAKE_ROUTE, FASTAPI_ROUTE)
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()


@pytest.mark.parametrize(
    "body", [factories.web(), ["not", "a", "ticket"]], ids=["valid body", "invalid body"]
)
def test_the_intake_route_refuses_a_call_without_credentials(
    anonymous: TestClient, body: Any
) -> None:
    response = _post(anonymous, body, INTAKE_ROUTE)

    assert response.status_code == 401
    assert "X-API-Key" in response.json()["detail"]
