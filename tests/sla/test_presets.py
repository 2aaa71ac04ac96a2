"""Limits in elapsed time and calendar days ("24eh", "7cd"), and the Beijing preset that
counts in them: emergencies, utilities and everything else side by side."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.service import SYSTEM_EDITOR
from app.clock import FrozenClock
from app.sla import presets
from app.sla.catalogue import SLA
from app.sla.targets import Target
from tests import factories
from tests.apps import resources
from tests.workflow.helpers import Auth, Json, live_clock

POLICIES = "/api/v1/sla-policies"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_5PM = datetime(2026, 12, 4, 17, tzinfo=SHANGHAI)


def _due(ticket: Json, kind: str) -> datetime:
    return datetime.fromisoformat(live_clock(ticket, kind)["due_at"])


@pytest.mark.parametrize("text", ["90em", "24eh", "7cd", "120cd"])
def test_elapsed_and_calendar_day_targets_are_limits(text: str) -> None:
    assert str(Target.parse(text)) == text
    assert Target.parse(text).elapsed


@pytest.mark.parametrize("text", ["0cd", "121cd", "7d", "24 eh", "2ehh"])
def test_malformed_targets_are_refused(client: TestClient, auth: Auth, text: str) -> None:
    body = {"name": "x", "reply_target": text}
    response = client.post(POLICIES, json=body, headers=auth["admin"])
    assert response.status_code == 422, response.text


def test_elapsed_limits_run_through_nights_and_weekends_on_the_office_calendar(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    policy = {
        "name": "按自然日",
        "category_code": factories.STREET_LIGHT,
        "calendar_code": "standard",
        "sign_target": "4h",
        "reply_target": "7cd",
        "return_window_target": "24eh",
    }
    assert client.post(POLICIES, json=policy, headers=auth["admin"]).status_code == 201
    clock.set(FRIDAY_5PM)
    ticket = client.post("/api/v1/tickets", json=factories.hotline_12345()).json()
    # The end of the 7th calendar day after the day of receipt, weekends included.
    assert _due(ticket, "reply") == datetime(2026, 12, 12, 0, tzinfo=SHANGHAI)
    assert _due(ticket, "return_window") == datetime(2026, 12, 5, 17, tzinfo=SHANGHAI)
    # Business hours still count for the limits written so: 1 h on Friday, 3 on Monday.
    assert _due(ticket, "sign") == datetime(2026, 12, 7, 12, tzinfo=SHANGHAI)


def test_the_beijing_preset_sets_the_local_standards_limits(
    client: TestClient, auth: Auth, session: Session, clock: FrozenClock
) -> None:
    loaded = presets.load_preset(session, "beijing", SYSTEM_EDITOR)
    session.flush()
    resources(client.app)[SLA].forget()  # as the API does after an edit
    assert loaded.created == ["beijing-general", "beijing-utilities", "beijing-emergency"]
    assert {"general", "complaint", "emergency"} <= set(loaded.disabled)
    clock.set(FRIDAY_5PM)

    def filed(**overrides: object) -> Json:
        body = factories.hotline_12345(location=None, address=None, **overrides)
        response = client.post("/api/v1/tickets", json=body)
        assert response.status_code == 201, response.text
        ticket: Json = response.json()
        return ticket

    general = filed(category_code=None, description="你好，我想咨询一下相关情况")
    assert _due(general, "dispatch") == datetime(2026, 12, 5, 17, tzinfo=SHANGHAI)
    assert _due(general, "reply") == datetime(2026, 12, 12, 0, tzinfo=SHANGHAI)
    water = filed(category_code="0601", description="小区停水一天了")
    assert _due(water, "reply") == datetime(2026, 12, 5, 17, tzinfo=SHANGHAI)
    emergency = filed(category_code="0702", description="楼道里燃气泄漏", priority="emergency")
    assert _due(emergency, "reply") == datetime(2026, 12, 4, 19, tzinfo=SHANGHAI)
    policies = {p["name"]: p for p in client.get(POLICIES, headers=auth["admin"]).json()}
    assert policies["beijing-utilities"]["category_code"] == "06"
    assert policies["general"]["enabled"] is False

    again = presets.load_preset(session, "beijing", SYSTEM_EDITOR)
    assert again.created == []
    assert again.disabled == []
    assert again.updated == ["beijing-general", "beijing-utilities", "beijing-emergency"]
