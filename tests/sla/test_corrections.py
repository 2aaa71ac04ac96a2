"""Holiday notices corrected after tickets started: every running or paused clock the
change moves is recounted, with an event each, and suspending pauses the return window."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.sla.holidays import official_years
from tests.workflow.helpers import (
    Auth,
    Json,
    department_ticket,
    done,
    events,
    live_clock,
    read,
)

STANDARD = "/api/v1/calendars/standard"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YEAR = {"day": "2027-01-01", "is_working": False, "name": "元旦"}
JAN_4 = {"day": "2027-01-04", "is_working": False, "name": "元旦调休"}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _local(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _reply_due(ticket: Json) -> datetime:
    return _at(live_clock(ticket, "reply")["due_at"])


@pytest.fixture
def uncovered_2027() -> None:
    if 2027 in official_years():
        pytest.skip("the installed holiday package already has the 2027 notice")


@pytest.mark.usefixtures("uncovered_2027")
def test_a_year_published_again_moves_running_and_paused_deadlines(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    admin = auth["admin"]
    clock.set(_local(2026, 12, 21, 10))  # a Monday
    running = department_ticket(client)  # a complaint: 15 working days
    # Weekends only are known in 2027: 1 January counts as a working day.
    assert _reply_due(running) == _local(2027, 1, 11, 18)
    assert live_clock(running, "reply")["provisional"] is True
    suspended = department_ticket(client)
    done(client, suspended["number"], "sign", {}, auth["urban"])
    done(client, suspended["number"], "suspend", {"reason": "等待供电公司停电检修"}, auth["urban"])

    first = client.put(f"{STANDARD}/years/2027", json={"days": [NEW_YEAR]}, headers=admin)
    assert first.status_code == 200, first.text
    assert first.json()["clocks_recomputed"] >= 2
    after_first = read(client, running["number"])
    assert _reply_due(after_first) == _local(2027, 1, 12, 18)
    assert live_clock(after_first, "reply")["provisional"] is False
    paused = read(client, suspended["number"])
    assert live_clock(paused, "reply")["state"] == "paused"
    assert live_clock(paused, "reply")["provisional"] is False
    [paused_event] = events(paused, "clock_recomputed")
    assert _at(paused_event["payload"]["due_if_resumed_now"]) == _local(2027, 1, 12, 18)

    # The city corrects its notice: 4 January is off too.
    again = client.put(f"{STANDARD}/years/2027", json={"days": [NEW_YEAR, JAN_4]}, headers=admin)
    assert again.json()["clocks_recomputed"] >= 2
    after_again = read(client, running["number"])
    assert _reply_due(after_again) == _local(2027, 1, 13, 18)
    assert after_again["deadlines"]["reply_due_at"] == live_clock(after_again, "reply")["due_at"]
    recomputed = events(after_again, "clock_recomputed")
    assert [
        _at(e["payload"]["previous_due_at"]) for e in recomputed if e["payload"]["clock"] == "reply"
    ] == [
        _local(2027, 1, 11, 18),
        _local(2027, 1, 12, 18),
    ]
    resumed = done(client, suspended["number"], "resume", {}, auth["urban"])
    assert _reply_due(resumed) == _local(2027, 1, 13, 18)


def test_changing_one_day_moves_the_deadlines_past_it_and_clearing_it_moves_them_back(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    admin = auth["admin"]
    clock.set(_local(2026, 12, 1, 10))  # a Tuesday
    ticket = department_ticket(client)
    due = _reply_due(ticket)
    assert due == _local(2026, 12, 22, 18)  # the 15th working day after 1 December
    sign_due = live_clock(ticket, "sign")["due_at"]

    path = f"{STANDARD}/days/2026-12-10"
    set_ = client.put(path, json={"is_working": False, "name": "防汛"}, headers=admin)
    assert set_.status_code == 200, set_.text
    assert set_.json()["clocks_recomputed"] >= 1
    moved = read(client, ticket["number"])
    assert _reply_due(moved) == _local(2026, 12, 23, 18)
    assert live_clock(moved, "sign")["due_at"] == sign_due  # due before the day: unmoved
    [event] = events(moved, "clock_recomputed")
    assert event["payload"]["clock"] == "reply"
    assert _at(event["payload"]["previous_due_at"]) == due

    cleared = client.delete(path, headers=admin)
    assert cleared.status_code == 204
    assert int(cleared.headers["Clocks-Recomputed"]) >= 1
    assert _reply_due(read(client, ticket["number"])) == due


def test_suspending_pauses_the_return_window(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    clock.set(_local(2026, 12, 1, 10))
    ticket = department_ticket(client)
    number = ticket["number"]
    done(client, number, "sign", {}, auth["urban"])
    window_due = _at(live_clock(ticket, "return_window")["due_at"])
    suspended = done(client, number, "suspend", {"reason": "等待产权单位确认"}, auth["urban"])
    assert live_clock(suspended, "return_window")["state"] == "paused"

    clock.set(window_due + timedelta(days=7))  # long past the window as first set
    resumed = done(client, number, "resume", {}, auth["urban"])
    window = live_clock(resumed, "return_window")
    assert window["state"] == "running"
    assert _at(window["due_at"]) > clock.set(window_due + timedelta(days=7))
    returned = done(client, number, "return", {"reason": "不属于本单位职责"}, auth["urban"])
    assert returned["status"] == "returned"
