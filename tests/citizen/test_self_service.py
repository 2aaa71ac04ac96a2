"""A citizen follows their own ticket without an account, then evaluates it."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.config import Settings
from app.ratelimit.limiter import RATE_LIMITER, MemoryRateLimiter
from app.tickets.models import Ticket
from tests import factories
from tests.apps import app_with, set_resource

# A fixed instant, so a test never straddles two rate-limit windows.
MID_MINUTE = datetime(2026, 11, 23, 9, 30, 30, tzinfo=UTC)
LOOKUP = "/api/v1/public/tickets/lookup"
EVALUATION = "/api/v1/public/tickets/evaluation"
Auth = dict[str, dict[str, str]]


@pytest.fixture
def filed(anonymous: TestClient, auth: Auth) -> dict[str, Any]:
    """A 12345 call as the call centre's software filed it: number and tracking code."""
    response = anonymous.post(
        "/api/v1/tickets", json=factories.hotline_12345(), headers=auth["call_centre"]
    )
    assert response.status_code == 201
    ticket: dict[str, Any] = response.json()
    return ticket


def _set_status(session: Session, number: str, status: str) -> None:
    session.execute(update(Ticket).where(Ticket.number == number).values(status=status))
    session.commit()


def test_intake_answers_the_tracking_code_to_read_out(filed: dict[str, Any]) -> None:
    assert len(filed["tracking_code"]) == 8
    assert filed["tracking_code"].isdigit()


def test_number_and_code_show_status_and_public_timeline(
    anonymous: TestClient, filed: dict[str, Any]
) -> None:
    response = anonymous.post(
        LOOKUP, json={"number": filed["number"], "tracking_code": filed["tracking_code"]}
    )
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["number"] == filed["number"]
    assert view["status"] == "dispatched"  # routed at intake
    assert view["category"] == "路灯损坏"
    assert view["can_evaluate"] is False
    assert [event["kind"] for event in view["timeline"]] == ["received", "routed"]
    assert view["timeline"][0]["label"].startswith("已受理")
    assert view["timeline"][1]["label"].startswith("已派单")
    # Nothing internal: no staff, no agent, no call details, no reporter.
    text = str(view)
    for secret in ("agent-07", "rec/", "13812341234", "138****1234", "张"):
        assert secret not in text


def test_number_and_phone_work_in_any_notation(
    anonymous: TestClient, filed: dict[str, Any]
) -> None:
    response = anonymous.post(
        LOOKUP, json={"number": filed["number"], "phone": "+86 138-1234-1234"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("proof", [{"tracking_code": "00000000"}, {"phone": "13900000000"}])
def test_a_wrong_proof_looks_like_no_ticket(
    anonymous: TestClient, filed: dict[str, Any], proof: dict[str, str]
) -> None:
    wrong = anonymous.post(LOOKUP, json={"number": filed["number"]} | proof)
    missing = anonymous.post(LOOKUP, json={"number": "20990101-000001"} | proof)
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json()["detail"] == missing.json()["detail"]


def test_an_anonymous_ticket_opens_with_its_code_only(anonymous: TestClient, auth: Auth) -> None:
    body = factories.hotline_12345(anonymous=True)
    ticket = anonymous.post("/api/v1/tickets", json=body, headers=auth["call_centre"]).json()
    by_phone = anonymous.post(LOOKUP, json={"number": ticket["number"], "phone": "13812341234"})
    by_code = anonymous.post(
        LOOKUP, json={"number": ticket["number"], "tracking_code": ticket["tracking_code"]}
    )
    assert by_phone.status_code == 404
    assert by_code.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"number": "20261123-000001"},
        {"number": "20261123-000001", "tracking_code": "12345678", "phone": "13812341234"},
        {"number": "x", "tracking_code": "12345678"},
        {"number": "20261123-000001", "tracking_code": "1234"},
    ],
)
def test_malformed_lookups_are_422(anonymous: TestClient, body: dict[str, str]) -> None:
    assert anonymous.post(LOOKUP, json=body).status_code == 422


def _evaluation(filed: dict[str, Any], **fields: Any) -> dict[str, Any]:
    proof = {"number": filed["number"], "tracking_code": filed["tracking_code"]}
    return proof | {"satisfaction": "basically_satisfied", "solved": True} | fields


def test_evaluation_waits_for_the_reply(anonymous: TestClient, filed: dict[str, Any]) -> None:
    response = anonymous.post(EVALUATION, json=_evaluation(filed))
    assert response.status_code == 409
    assert "replied" in response.json()["detail"]


def test_evaluation_once_after_the_reply(
    anonymous: TestClient, client: TestClient, session: Session, filed: dict[str, Any]
) -> None:
    _set_status(session, filed["number"], "replied")
    first = anonymous.post(EVALUATION, json=_evaluation(filed, comment="处理及时"))
    assert first.status_code == 200, first.text
    assert first.json()["can_evaluate"] is False
    kinds = [e["kind"] for e in first.json()["timeline"]]
    assert kinds == ["received", "routed", "citizen_evaluated"]
    again = anonymous.post(EVALUATION, json=_evaluation(filed, satisfaction="dissatisfied"))
    assert again.status_code == 409
    staff_view = client.get(f"/api/v1/tickets/{filed['number']}").json()["timeline"]
    [evaluated] = [e for e in staff_view if e["kind"] == "citizen_evaluated"]
    assert evaluated["payload"] == {
        "satisfaction": "basically_satisfied",
        "solved": True,
        "comment": "处理及时",
    }
    assert evaluated["actor"]["kind"] == "citizen"


def test_guessing_codes_is_rate_limited(
    settings: Settings, session_factory: Any, filed: dict[str, Any]
) -> None:
    app = app_with(settings, session_factory, rate_limit_public_per_minute=1000)
    set_resource(app, RATE_LIMITER, MemoryRateLimiter(clock=lambda: MID_MINUTE))
    with TestClient(app) as citizen:
        statuses = [
            citizen.post(
                LOOKUP, json={"number": filed["number"], "tracking_code": f"{guess:08d}"}
            ).status_code
            for guess in range(12)
        ]
    # Ten guesses a minute at one ticket, from any address; then 429 with Retry-After.
    assert statuses[:10] == [404] * 10
    assert statuses[10:] == [429, 429]


def test_public_endpoints_are_rate_limited_per_address(
    settings: Settings, session_factory: Any
) -> None:
    app = app_with(settings, session_factory, rate_limit_public_per_minute=3)
    set_resource(app, RATE_LIMITER, MemoryRateLimiter(clock=lambda: MID_MINUTE))
    with TestClient(app) as citizen:
        responses = [
            citizen.post(LOOKUP, json={"number": f"20990101-00000{i}", "tracking_code": "12345678"})
            for i in range(4)
        ]
    assert [r.status_code for r in responses] == [404, 404, 404, 429]
    assert int(responses[-1].headers["Retry-After"]) >= 1
    assert responses[-1].headers["content-type"].startswith("application/problem+json")


def test_the_citizen_reads_the_units_reply_and_the_steps_on_the_way(
    anonymous: TestClient, filed: dict[str, Any], auth: Auth
) -> None:
    path = f"/api/v1/tickets/{filed['number']}"
    assert anonymous.post(f"{path}/sign", json={}, headers=auth["urban"]).status_code == 200
    replied = anonymous.post(f"{path}/reply", json={"reply": "路灯已更换"}, headers=auth["urban"])
    assert replied.status_code == 200, replied.text

    proof = {"number": filed["number"], "tracking_code": filed["tracking_code"]}
    view = anonymous.post(LOOKUP, json=proof).json()

    assert view["status"] == "replied"
    assert view["reply"] == "路灯已更换"
    assert view["can_evaluate"] is True
    kinds = [event["kind"] for event in view["timeline"]]
    assert kinds == ["received", "routed", "signed", "replied"]  # no clocks, no staff
