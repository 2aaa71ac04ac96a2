"""Calls answered during the call (zhijie banjie): filed already replied by the call
channels, or answered by the call centre once intake had routed the ticket, before any unit
signed for it."""

import pytest
from fastapi.testclient import TestClient

from tests import factories
from tests.workflow.helpers import (
    LIVE,
    PROBLEM_JSON,
    TICKETS,
    Auth,
    Json,
    act,
    department_ticket,
    done,
    events,
    kinds,
    read,
)

ANSWER = "办理居住证需携带身份证和租房合同到社区服务中心。"
KB = "/api/v1/kb/articles"


@pytest.fixture
def article(client: TestClient, auth: Auth) -> str:
    """An article in force that agents may cite: its id, as a call's `kb_article` names it."""
    written = client.post(
        KB,
        json={
            "question": "怎么办理居住证？",
            "answer": ANSWER,
            "owner_department": "urban_management",
        },
        headers=auth["admin"],
    )
    assert written.status_code == 201, written.text
    return str(written.json()["id"])


def _citations(client: TestClient, auth: Auth, article: str) -> int:
    count: int = client.get(f"{KB}/{article}", headers=auth["dispatcher"]).json()["citations"]
    return count


@pytest.mark.parametrize("channel_body", [factories.hotline_12345, factories.minsheng_110])
def test_a_call_answered_during_the_call_is_filed_replied_and_never_dispatched(
    client: TestClient, auth: Auth, channel_body: type[dict[str, object]], article: str
) -> None:
    body = channel_body(
        request_type="consultation",
        answered_at_once={"answer": ANSWER, "kb_article": article},
    )
    response = client.post(TICKETS, json=body, headers=auth["call_centre"])
    assert response.status_code == 201, response.text
    filed = response.json()
    assert filed["status"] == "replied"
    assert filed["reply"] == ANSWER
    assert filed["reply_kb_article"] == article
    assert _citations(client, auth, article) == 1  # the article answered one call
    # The street-light call would have gone to urban management: answered, it goes nowhere.
    assert filed["assigned_unit"] is None
    assert filed["clocks"] == []
    assert set(filed["deadlines"].values()) == {None}

    ticket = read(client, filed["number"])
    assert kinds(ticket)[:2] == ["received", "answered_at_once"]
    assert "routed" not in kinds(ticket)
    [answered] = events(ticket, "answered_at_once")
    assert answered["payload"] == {"reply": ANSWER, "kb_article": article}
    # The city still calls the citizen back, then closes.
    assert {"return-visit", "close"} <= set(ticket["allowed_actions"])
    assert "dispatch" not in ticket["allowed_actions"]
    visited = done(
        client, filed["number"], "return-visit", {"satisfaction": "satisfied", "solved": True}
    )
    assert visited["status"] == "visited"
    assert done(client, filed["number"], "close")["status"] == "closed"


def test_an_answer_without_an_article_keeps_no_article(client: TestClient, auth: Auth) -> None:
    body = factories.hotline_12345(answered_at_once={"answer": ANSWER})
    filed = client.post(TICKETS, json=body, headers=auth["call_centre"]).json()
    assert filed["reply_kb_article"] is None
    [answered] = events(read(client, filed["number"]), "answered_at_once")
    assert answered["payload"] == {"reply": ANSWER}


@pytest.mark.parametrize(
    "body",
    [
        factories.web(answered_at_once={"answer": ANSWER}),
        factories.hotline_12345(answered_at_once={"answer": ""}),
        factories.hotline_12345(answered_at_once={"kb_article": "kb-1"}),
        factories.hotline_12345(answered_at_once={"answer": ANSWER, "kb_article": "999999"}),
    ],
    ids=["not-a-call-channel", "empty-answer", "no-answer", "no-such-article"],
)
def test_an_answer_at_intake_is_only_a_call_channels_and_never_empty(
    client: TestClient, auth: Auth, body: Json
) -> None:
    response = client.post(TICKETS, json=body, headers=auth["call_centre"])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


def test_the_call_centre_answers_a_routed_ticket_before_the_unit_signs_for_it(
    client: TestClient, auth: Auth, article: str
) -> None:
    ticket = department_ticket(client)
    number = ticket["number"]
    assert "answer-at-once" in read(client, number, auth["call_centre"])["allowed_actions"]
    body = {"reply": ANSWER, "kb_article": article}
    answered = done(client, number, "answer-at-once", body, auth["call_centre"])
    assert answered["status"] == "replied"
    assert answered["reply_kb_article"] == article
    assert _citations(client, auth, article) == 1
    assert answered["assigned_unit"] is None
    assert {c["clock"]: c["state"] for c in answered["clocks"] if c["state"] not in LIVE} == {
        "reply": "met",
        "sign": "cancelled",
        "return_window": "cancelled",
    }
    assert not [c for c in answered["clocks"] if c["state"] in LIVE]
    [event] = events(read(client, number), "answered_at_once")
    assert event["payload"]["kb_article"] == article
    assert event["payload"]["previous"]["code"] == "urban_management"
    # The unit no longer holds it.
    gone = client.get(f"{TICKETS}/{number}", headers=auth["urban"])
    assert gone.status_code == 404


def test_a_ticket_a_unit_signed_for_is_the_units_to_answer(client: TestClient, auth: Auth) -> None:
    number = department_ticket(client)["number"]
    done(client, number, "sign", {}, auth["urban"])
    refused = act(client, number, "answer-at-once", {"reply": ANSWER}, auth["call_centre"])
    assert refused.status_code == 409, refused.text
    assert refused.json()["ticket_status"] == "signed"
