"""The dispatcher's queue by its clocks: about to break, broken, stopped, under
supervision, and the soonest deadline of any clock first."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.clock import utc_now
from tests import factories
from tests.workflow.helpers import (
    TICKETS,
    Auth,
    department_ticket,
    done,
    file_ticket,
    live_clock,
    move_clock,
    read,
)


def _numbers(client: TestClient, **params: Any) -> list[str]:
    response = client.get(TICKETS, params=params | {"limit": 200})
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]


def test_clock_filters_find_broken_warned_paused_and_supervised_tickets(
    client: TestClient, session: Session, auth: Auth
) -> None:
    breached, warned, paused, supervised, calm = (
        department_ticket(client)["number"] for _ in range(5)
    )
    now = utc_now()
    move_clock(
        session,
        breached,
        "reply",
        # A fortnight overdue always holds working time, whatever the hour of the run.
        warn_at=now - timedelta(days=15),
        due_at=now - timedelta(days=14),
    )
    move_clock(session, warned, "reply", warn_at=now - timedelta(minutes=10))
    done(client, paused, "sign", {}, auth["urban"])
    done(client, paused, "suspend", {"reason": "等待检测报告"}, auth["urban"])
    done(client, supervised, "supervise", {"note": "列入督办"}, auth["supervisor"])
    mine = {breached, warned, paused, supervised, calm}

    def listed(**params: Any) -> set[str]:
        return set(_numbers(client, **params)) & mine

    assert listed(breached="true") == {breached}
    assert listed(breached="false") == mine - {breached}
    assert listed(warned="true") == {warned}
    assert listed(warned="false") == mine - {warned}
    assert listed(paused="true") == {paused}
    assert listed(paused="false") == mine - {paused}
    assert listed(supervised="true") == {supervised}
    assert listed(supervised="false") == mine - {supervised}
    assert listed(breached="false", warned="false", paused="false", supervised="false") == {calm}

    # The ticket itself tells the same, before any sweep has been by.
    broken = live_clock(read(client, breached), "reply")
    assert (broken["breached"], broken["warned"]) == (True, True)
    assert broken["remaining_seconds"] < 0
    about_to = live_clock(read(client, warned), "reply")
    assert (about_to["breached"], about_to["warned"]) == (False, True)
    assert not live_clock(read(client, calm), "reply")["warned"]


def test_next_due_puts_the_soonest_deadline_of_any_clock_first(client: TestClient) -> None:
    def filed(priority: str) -> str:
        ticket = file_ticket(client, factories.hotline_12345(priority=priority))
        assert ticket["priority"] == priority
        number: str = ticket["number"]
        return number

    normal, done_with, emergency, urgent = (
        filed(p) for p in ("normal", "normal", "emergency", "urgent")
    )
    finished = done(client, done_with, "invalidate", {"reason": "test_call"})
    assert finished["deadlines"]["next_due_at"] is None
    tickets = {number: read(client, number) for number in (emergency, urgent, normal)}
    # Sign-for is due first for each: 30 min on the 24 x 7 calendar, 1 h and 4 h of
    # office hours; never the later reply deadline.
    for ticket in tickets.values():
        assert ticket["deadlines"]["next_due_at"] == ticket["deadlines"]["sign_due_at"]
    mine = {normal, done_with, emergency, urgent}
    ordered = [number for number in _numbers(client, sort="next_due") if number in mine]
    assert ordered == [emergency, urgent, normal, done_with]
