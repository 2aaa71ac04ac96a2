"""The sweeper: each warning and each breach recorded once, whatever happens."""

import threading
from collections import Counter
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine, create_session_factory
from app.sla.models import TicketClock
from app.sla.sweeper import sweep, sweep_once, sweeper
from app.tickets.models import Ticket, TicketEvent
from tests import factories

TICKETS = "/api/v1/tickets"
HOUR = timedelta(hours=1)


def _file(api: TestClient) -> str:
    response = api.post(TICKETS, json=factories.hotline_12345())
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def _reply_clock(session: Session, number: str) -> TicketClock:
    return session.scalars(
        select(TicketClock)
        .join(Ticket, Ticket.id == TicketClock.ticket_id)
        .where(Ticket.number == number, TicketClock.kind == "reply")
        .execution_options(populate_existing=True)
    ).one()


def _move(session: Session, clock: TicketClock, warn_at: datetime, due_at: datetime) -> None:
    """Put the clock's warning and deadline where the test needs them, as time would."""
    session.execute(
        update(TicketClock)
        .where(TicketClock.id == clock.id)
        .values(warn_at=warn_at, due_at=due_at, next_alert_at=min(warn_at, due_at))
    )
    session.commit()
    session.expire_all()


def _alerts(session: Session, number: str) -> list[tuple[str, datetime]]:
    """The reply clock's alerts: the one the tests move. (The ticket's sign-for clock warns
    two working hours after intake, which a test's later sweep may reach, or not, by the
    hour the suite runs at.)"""
    rows = session.execute(
        select(TicketEvent.kind, TicketEvent.created_at, TicketEvent.payload)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(Ticket.number == number, TicketEvent.kind.in_(["sla_warned", "sla_breached"]))
        .order_by(TicketEvent.id)
    )
    return [(kind, at) for kind, at, payload in rows if payload["clock"] == "reply"]


def test_a_clock_past_its_deadline_warns_and_breaches_once_at_the_moments_they_happened(
    client: TestClient, session: Session
) -> None:
    number = _file(client)
    clock = _reply_clock(session, number)
    now = utc_now()
    # A fortnight overdue always holds working time, whatever the hour the suite runs at,
    # so the business time left is below zero (an hour ago may lie in the lunch break).
    warn_at, due_at = now - timedelta(days=15), now - timedelta(days=14)
    _move(session, clock, warn_at, due_at)

    result = sweep_once(session, now)
    session.commit()

    assert (result.warnings, result.breaches) == (1, 1)
    assert _alerts(session, number) == [("sla_warned", warn_at), ("sla_breached", due_at)]
    assert sweep_once(session, now).clocks == 0  # nothing is due twice
    detail = client.get(f"{TICKETS}/{number}").json()
    reply = next(c for c in detail["clocks"] if c["clock"] == "reply")
    assert reply["warned"]
    assert reply["breached"]
    assert reply["remaining_seconds"] < 0


def test_a_warning_comes_first_and_the_breach_at_the_deadline(
    client: TestClient, session: Session
) -> None:
    number = _file(client)
    clock = _reply_clock(session, number)
    now = utc_now()
    _move(session, clock, now - HOUR, now + HOUR)

    assert sweep_once(session, now).warnings == 1
    session.commit()
    assert [kind for kind, _ in _alerts(session, number)] == ["sla_warned"]
    # Still running: the next thing it waits for is its deadline.
    assert _reply_clock(session, number).next_alert_at == now + HOUR
    listed = client.get(TICKETS, params={"warned": "true"}).json()["items"]
    assert number in [ticket["number"] for ticket in listed]

    later = now + 2 * HOUR
    assert sweep_once(session, later).breaches == 1  # and, by the hour, the sign-for warning
    session.commit()
    assert [kind for kind, _ in _alerts(session, number)] == ["sla_warned", "sla_breached"]
    assert _reply_clock(session, number).next_alert_at is None


def test_a_clock_that_is_not_due_is_not_touched(client: TestClient, session: Session) -> None:
    number = _file(client)
    assert sweep_once(session, utc_now()).clocks == 0
    assert _alerts(session, number) == []


def test_a_deadline_missed_between_sweeps_is_recorded_by_the_action_that_stops_it(
    client: TestClient, session: Session, auth: dict[str, dict[str, str]]
) -> None:
    number = _file(client)  # routed to urban_management: its handler signs and replies
    urban = auth["urban"]
    assert client.post(f"{TICKETS}/{number}/sign", json={}, headers=urban).status_code == 200
    clock = _reply_clock(session, number)
    now = utc_now()
    _move(session, clock, now - 2 * HOUR, now - HOUR)

    replied = client.post(f"{TICKETS}/{number}/reply", json={"reply": "已修复"}, headers=urban)

    assert replied.status_code == 200, replied.text
    kinds = [event["kind"] for event in replied.json()["timeline"]]
    assert kinds.count("sla_breached") == 1
    stopped = next(
        event
        for event in replied.json()["timeline"]
        if event["kind"] == "clock_stopped" and event["payload"]["clocks"][0]["clock"] == "reply"
    )
    assert stopped["payload"]["clocks"][0]["late"] is True
    assert sweep_once(session, utc_now()).clocks == 0  # the sweeper has nothing left to add


def test_the_sweep_reads_only_due_clocks_through_its_index(session: Session, backend: str) -> None:
    query = "SELECT id FROM ticket_clock WHERE next_alert_at <= :now ORDER BY next_alert_at"
    if backend == "sqlite":
        plan = session.execute(text(f"EXPLAIN QUERY PLAN {query}"), {"now": utc_now()}).all()
        details = " ".join(str(row[-1]) for row in plan)
    else:
        session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny test table
        plan = session.execute(text(f"EXPLAIN {query}"), {"now": utc_now()}).all()
        details = " ".join(row[0] for row in plan)
    assert "ix_ticket_clock_next_alert_at" in details


def _due_clocks(engine: Engine, api: TestClient, count: int) -> list[str]:
    """`count` committed tickets whose clocks are all past their deadlines."""
    numbers = [_file(api) for _ in range(count)]
    past = utc_now() - HOUR
    with engine.begin() as connection:
        connection.execute(
            update(TicketClock)
            .where(TicketClock.state == "running", TicketClock.kind != "return_window")
            .values(warn_at=past - HOUR, due_at=past, next_alert_at=past - HOUR)
        )
    return numbers


def _count_alerts(engine: Engine) -> Counter[tuple[int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.payload).where(
                TicketEvent.kind.in_(["sla_warned", "sla_breached"])
            )
        )
        return Counter(
            (ticket_id, f"{kind}:{payload['clock']}") for ticket_id, kind, payload in rows
        )


def test_sweepers_running_at_once_never_record_an_alert_twice(
    committing_client: TestClient, engine: Engine, settings: Settings
) -> None:
    _due_clocks(engine, committing_client, 30)
    with engine.connect() as connection:
        due = connection.scalar(
            select(func.count(TicketClock.id)).where(TicketClock.next_alert_at.is_not(None))
        )
    assert due is not None
    assert due >= 30
    # Four replicas, each with its own engine, as after a restart: all they need is stored.
    factories_ = [create_session_factory(_twin(settings)) for _ in range(4)]
    barrier = threading.Barrier(len(factories_))
    errors: list[BaseException] = []

    def run(factory: sessionmaker[Session]) -> None:
        try:
            barrier.wait()
            sweep(factory, batch=7)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(factory,)) for factory in factories_]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    alerts = _count_alerts(engine)
    assert sum(alerts.values()) == 2 * due  # a warning and a breach per due clock
    assert set(alerts.values()) == {1}  # none of them twice


def _twin(settings: Settings) -> Engine:
    """Another process's engine on the same database."""
    return create_db_engine(settings)


def test_the_server_sweeps_by_itself(committing_client: TestClient, engine: Engine) -> None:
    _due_clocks(engine, committing_client, 2)
    worker = sweeper(create_session_factory(engine), interval=0.05, batch=100)
    worker.start()
    try:
        deadline = utc_now() + timedelta(seconds=20)
        while sum(_count_alerts(engine).values()) < 4 and utc_now() < deadline:
            threading.Event().wait(0.05)
    finally:
        worker.stop()
    assert sum(_count_alerts(engine).values()) >= 4
