"""Dispatch and close need a category: a 409 that says so, and nothing changes."""

from fastapi.testclient import TestClient

from tests import factories
from tests.workflow.helpers import (
    PROBLEM_JSON,
    TICKETS,
    VAGUE,
    Auth,
    act,
    done,
    events,
    read,
    unrouted_ticket,
)

TO_PUBLIC_SECURITY = {"lead": {"kind": "department", "code": "public_security"}}


def test_a_ticket_without_a_category_is_dispatched_only_once_it_has_one(
    client: TestClient,
) -> None:
    number = unrouted_ticket(client)["number"]
    refused = act(client, number, "dispatch", TO_PUBLIC_SECURITY)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert "no category" in refused.json()["detail"]
    assert read(client, number)["status"] == "new"

    named = done(client, number, "dispatch", TO_PUBLIC_SECURITY | {"category_code": "0103"})
    assert named["status"] == "dispatched"
    assert named["category"]["code"] == "0103"
    [corrected] = events(named, "category_corrected")
    assert corrected["payload"]["to"] == "0103"


def test_an_unknown_category_at_dispatch_is_a_422(client: TestClient) -> None:
    number = unrouted_ticket(client)["number"]
    response = act(client, number, "dispatch", TO_PUBLIC_SECURITY | {"category_code": "9999"})
    assert response.status_code == 422, response.text
    assert read(client, number)["status"] == "new"


def test_a_ticket_without_a_category_is_not_closed(client: TestClient, auth: Auth) -> None:
    body = factories.hotline_12345(
        category_code=None,
        description=VAGUE,
        location=None,
        answered_at_once={"answer": "请携带身份证到社区服务中心办理。"},
    )
    number = client.post(TICKETS, json=body, headers=auth["call_centre"]).json()["number"]
    note = {"note": "市民表示无需回访"}
    refused = act(client, number, "close", note)
    assert refused.status_code == 409, refused.text
    assert "category" in refused.json()["detail"]
    assert read(client, number)["status"] == "replied"

    put = client.put(
        f"{TICKETS}/{number}/category", json={"category_code": "0101", "reason": "补充分类"}
    )
    assert put.status_code == 200, put.text
    assert done(client, number, "close", note)["status"] == "closed"


def test_routing_a_new_ticket_by_hand_needs_a_category_too(client: TestClient) -> None:
    number = unrouted_ticket(client)["number"]
    body = TO_PUBLIC_SECURITY | {"reason": "人工派单"}
    refused = client.post(f"{TICKETS}/{number}/route", json=body)
    assert refused.status_code == 409, refused.text
    assert "no category" in refused.json()["detail"]
    assert read(client, number)["status"] == "new"
