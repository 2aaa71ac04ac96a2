"""Already reported? A citizen sees the open tickets of the same problem nearby, with public
fields only, and joins one ("me too") instead of filing a new report."""

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.ratelimit.limiter import RATE_LIMITER, MemoryRateLimiter
from tests import factories
from tests.apps import app_with, set_resource

SIMILAR = "/api/v1/public/tickets/similar"
ME_TOO = "/api/v1/public/tickets/me-too"
LOOKUP = "/api/v1/public/tickets/lookup"
MID_MINUTE = datetime(2026, 11, 23, 9, 30, 30, tzinfo=UTC)
Auth = dict[str, dict[str, str]]
# 20 m from the call's point (gcj02 27.33, 118.12), as the citizen app sends it.
NEARBY = {"lat": 27.33018, "lon": 118.12, "crs": "gcj02"}
LAMP_CALL = "市民来电反映：建安大道88号阳光花园门口路灯不亮已经三天了，晚上出行很不方便。"


def _file(client: TestClient, auth: Auth, **overrides: Any) -> dict[str, Any]:
    body = factories.hotline_12345(description=LAMP_CALL) | overrides
    response = client.post("/api/v1/tickets", json=body, headers=auth["call_centre"])
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


def _ask(client: TestClient, **body: Any) -> Any:
    query = {"location": NEARBY, "category_code": "0101", "description": "阳光花园门口的路灯坏了"}
    return client.post(SIMILAR, json=query | body)


def test_the_same_problem_nearby_is_shown_with_public_fields_only(
    anonymous: TestClient, auth: Auth
) -> None:
    filed = _file(anonymous, auth)
    response = _ask(anonymous)
    assert response.status_code == 200, response.text
    [shown] = response.json()["tickets"]
    assert shown["number"] == filed["number"]
    assert shown["category"] == "路灯损坏"
    assert shown["distance_m"] < 50
    assert shown["contacts"] == 1
    assert "路灯" in shown["words_in_common"]
    text = str(shown)
    for private in ("张三", "13812341234", "138****1234", "agent-07", "阳光花园门口路灯不亮已经"):
        assert private not in text


def test_another_problem_or_another_house_number_is_not_shown(
    anonymous: TestClient, auth: Auth
) -> None:
    _file(anonymous, auth)
    noise = _ask(anonymous, category_code="0201", description="工地晚上施工太吵了")
    assert noise.json()["tickets"] == []
    other_number = _ask(anonymous, description="建安大道12号门口路灯坏了")
    assert other_number.json()["tickets"] == []


def test_a_confidential_report_is_never_shown(anonymous: TestClient, auth: Auth) -> None:
    _file(anonymous, auth, confidential=True)
    assert _ask(anonymous).json()["tickets"] == []


def test_without_a_place_the_question_is_refused(anonymous: TestClient) -> None:
    response = anonymous.post(SIMILAR, json={"description": "路灯坏了"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    unknown = _ask(anonymous, category_code="9999")
    assert unknown.status_code == 422


def test_me_too_counts_a_contact_and_the_citizen_reads_the_outcome(
    anonymous: TestClient, auth: Auth
) -> None:
    filed = _file(anonymous, auth)
    joined = anonymous.post(ME_TOO, json={"number": filed["number"], "phone": "13900001111"})
    assert joined.status_code == 200, joined.text
    assert joined.json() == {"number": filed["number"], "status": "dispatched", "contacts": 2}
    again = anonymous.post(ME_TOO, json={"number": filed["number"], "phone": "139 0000 1111"})
    assert again.json()["contacts"] == 2  # the same citizen counts once

    staff = anonymous.get(f"/api/v1/tickets/{filed['number']}", headers=auth["dispatcher"])
    assert staff.json()["contacts"]["channels"] == {"hotline_12345": 1, "me_too": 1}
    assert "me_too" in [event["kind"] for event in staff.json()["timeline"]]

    path = f"/api/v1/tickets/{filed['number']}"
    assert anonymous.post(f"{path}/sign", json={}, headers=auth["urban"]).status_code == 200
    anonymous.post(f"{path}/reply", json={"reply": "路灯已修复"}, headers=auth["urban"])
    view = anonymous.post(LOOKUP, json={"number": filed["number"], "phone": "13900001111"})
    assert view.status_code == 200, view.text
    assert view.json()["reply"] == "路灯已修复"
    assert "me_too" in [event["kind"] for event in view.json()["timeline"]]


def test_me_too_on_a_ticket_no_longer_open_is_refused(anonymous: TestClient, auth: Auth) -> None:
    filed = _file(anonymous, auth)
    path = f"/api/v1/tickets/{filed['number']}"
    anonymous.post(f"{path}/invalidate", json={"reason": "test_call"}, headers=auth["dispatcher"])
    response = anonymous.post(ME_TOO, json={"number": filed["number"], "phone": "13900001111"})
    assert response.status_code == 409
    missing = anonymous.post(ME_TOO, json={"number": "20990101-000001", "phone": "13900001111"})
    assert missing.status_code == 404


def test_already_reported_is_rate_limited_per_address(
    settings: Settings, session_factory: Any
) -> None:
    app = app_with(settings, session_factory, rate_limit_public_per_minute=2)
    set_resource(app, RATE_LIMITER, MemoryRateLimiter(clock=lambda: MID_MINUTE))
    with TestClient(app) as citizen:
        statuses = [_ask(citizen).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
