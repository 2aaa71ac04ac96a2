"""Working-day calendars as administrators keep them, and deadlines in years they do not
cover yet: flagged, never silently guessed, and recounted when the notice comes."""

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.clock import utc_now
from app.sla.holidays import official_years
from tests import factories

TICKETS = "/api/v1/tickets"
CALENDARS = "/api/v1/calendars"
STANDARD = f"{CALENDARS}/standard"


def test_the_city_calendar_holds_the_official_notices(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    calendars = client.get(CALENDARS, params={"year": 2026}).json()
    assert [calendar["code"] for calendar in calendars] == ["standard", "24x7"]
    standard = calendars[0]
    assert standard["periods"] == [[540, 720], [810, 1080]]
    assert 2026 in standard["covered_years"]
    days = {day["day"]: day for day in standard["days"]}
    assert days["2026-02-17"]["is_working"] is False  # Spring Festival
    assert days["2026-02-14"]["is_working"] is True  # a Saturday worked to make up for it
    assert days["2026-10-01"]["is_working"] is False  # National Day
    assert calendars[1]["round_the_clock"] is True


def test_an_administrator_sets_and_clears_a_day(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    admin = auth["admin"]
    path = f"{STANDARD}/days/2026-12-24"
    set_ = client.put(path, json={"is_working": False, "name": "防汛调休"}, headers=admin)
    assert set_.status_code == 200, set_.text
    days = client.get(STANDARD, params={"year": 2026}).json()["days"]
    assert {"day": "2026-12-24", "is_working": False, "name": "防汛调休"} in days
    assert client.delete(path, headers=admin).status_code == 204
    assert client.delete(path, headers=admin).status_code == 404


def test_the_round_the_clock_calendar_has_no_holidays(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.put(
        f"{CALENDARS}/24x7/days/2026-12-24",
        json={"is_working": False, "name": "x"},
        headers=auth["admin"],
    )
    assert response.status_code == 409


def test_a_notice_with_a_day_of_another_year_is_refused(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    body = {"days": [{"day": "2028-01-01", "is_working": False, "name": "元旦"}]}
    response = client.put(f"{STANDARD}/years/2027", json=body, headers=auth["admin"])
    assert response.status_code == 422
    assert "2028-01-01" in response.json()["detail"]


def _reply(ticket: dict[str, Any]) -> dict[str, Any]:
    return next(clock for clock in ticket["clocks"] if clock["clock"] == "reply")


# A city's own notice for 2027 (the State Council's is not out yet): five weekdays of
# Spring Festival off, one Saturday worked.
NOTICE_2027 = [
    *({"day": f"2027-02-{day:02d}", "is_working": False, "name": "春节"} for day in range(8, 13)),
    {"day": "2027-02-20", "is_working": True, "name": "春节调休"},
]


def test_a_deadline_in_an_uncovered_year_is_provisional_until_the_notice_comes(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    if 2027 in official_years():
        pytest.skip("the installed holiday package already has the 2027 notice")
    admin = auth["admin"]
    long_policy = {"name": "长期整治", "category_code": "0101", "reply_target": "120wd"}
    assert client.post("/api/v1/sla-policies", json=long_policy, headers=admin).status_code == 201
    ticket = client.post(TICKETS, json=factories.hotline_12345()).json()
    reply = _reply(ticket)
    assert datetime.fromisoformat(reply["due_at"]).year == 2027
    assert reply["provisional"] is True
    detail = client.get(f"{TICKETS}/{ticket['number']}").json()
    alert = next(e for e in detail["timeline"] if e["kind"] == "calendar_not_covered")
    assert alert["payload"] == {"years": [2027], "clocks": ["reply"]}
    assert client.get(STANDARD).json()["provisional_clocks"] >= 1

    published = client.put(f"{STANDARD}/years/2027", json={"days": NOTICE_2027}, headers=admin)

    assert published.status_code == 200, published.text
    assert published.json()["clocks_recomputed"] >= 1
    after = client.get(f"{TICKETS}/{ticket['number']}").json()
    recounted = _reply(after)
    assert recounted["provisional"] is False
    # Four more days off than the weekly rule knew: the deadline moves past them.
    moved = datetime.fromisoformat(recounted["due_at"]) - datetime.fromisoformat(reply["due_at"])
    assert moved >= timedelta(days=4)
    assert after["deadlines"]["reply_due_at"] == recounted["due_at"]
    assert after["version"] == ticket["version"]  # no one's If-Match breaks for it
    event = next(e for e in after["timeline"] if e["kind"] == "clock_recomputed")
    previous = datetime.fromisoformat(event["payload"]["previous_due_at"])
    assert previous == datetime.fromisoformat(reply["due_at"])
    assert 2027 in client.get(STANDARD).json()["covered_years"]


def test_migrate_says_when_next_years_notice_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'calendar.db'}")
    main(["migrate"])
    out = capsys.readouterr().out
    next_year = utc_now().year + 1
    missing = next_year not in official_years()
    assert (f"no holiday notice for {next_year} yet" in out) is missing
    assert "holiday notices for" in out
    assert str(date.today().year) in out
