"""Statements handed straight to the driver write what Core would write, and fail as Core does."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import insert_ignoring_conflict
from app.driver_sql import DriverStatement
from app.identity.actors import SYSTEM
from app.tickets.events import event_row
from app.tickets.models import Ticket, TicketEvent, TicketNumberCounter
from app.vocabulary import EventKind
from tests import factories

EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
COUNTERS: Table = TicketNumberCounter.__table__  # type: ignore[assignment]
AT = datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC)


def _ticket_id(client: TestClient, session: Session) -> int:
    answer = client.post("/api/v1/tickets", json=factories.web())
    assert answer.status_code == 201, answer.text
    found = session.scalar(select(Ticket.id).where(Ticket.number == answer.json()["number"]))
    assert found is not None
    return found


def _event(ticket_id: int, note: str) -> dict[str, Any]:
    payload = {"说明": "路灯不亮", "note": note, "photos": [1, 2], "urgent": True}
    return event_row(ticket_id, EventKind.URGED, SYSTEM, payload, AT, channel="web")


def _stored(session: Session, note: str) -> list[tuple[Any, ...]]:
    """The event's columns as the database holds them: no type of ours reads them back."""
    connection = session.connection()
    rows = connection.exec_driver_sql(
        "SELECT ticket_id, kind, actor_kind, actor_ref, channel, payload, created_at "
        "FROM ticket_event WHERE kind = 'urged' ORDER BY id"
    ).all()
    return [tuple(row) for row in rows if note in str(row.payload)]


def test_rows_sent_through_the_driver_are_stored_as_core_stores_them(
    client: TestClient, session: Session
) -> None:
    ticket_id = _ticket_id(client, session)
    DriverStatement(insert(EVENTS)).execute(session.connection(), [_event(ticket_id, "driver")])
    session.connection().execute(insert(EVENTS), [_event(ticket_id, "core")])
    (driver,) = _stored(session, "driver")
    (core,) = _stored(session, "core")
    # Same text for the time (so ranges and sorting on it hold) and the same JSON.
    assert driver[:5] == core[:5]
    assert driver[6] == core[6]
    assert str(driver[5]).replace("driver", "core") == str(core[5])
    read = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)).all()
    written = [event for event in read if event.kind == EventKind.URGED]
    assert [event.created_at for event in written] == [AT, AT]
    assert written[0].payload["说明"] == "路灯不亮"


@pytest.mark.parametrize("count", [2, 3, 11])
def test_every_row_of_a_batch_is_written(client: TestClient, session: Session, count: int) -> None:
    """On PostgreSQL a batch is one INSERT of many groups of values, numbered on from the
    first group's ($8 to $14 for the second row of seven columns): each row lands whole."""
    ticket_id = _ticket_id(client, session)
    rows = [_event(ticket_id, f"batch {n}.") for n in range(count)]
    DriverStatement(insert(EVENTS)).execute(session.connection(), rows)
    stored = _stored(session, "batch")
    assert len(stored) == count
    assert all(f"batch {n}." in str(row[5]) for n, row in enumerate(stored))
    assert {row[:5] for row in stored} == {(ticket_id, "urged", "system", None, "web")}


def test_a_returning_insert_gives_the_key_or_none_when_the_row_exists(session: Session) -> None:
    values = {"name": "driver-test", "last_value": 5}
    assert insert_ignoring_conflict(session, COUNTERS, values, ["name"]) == "driver-test"
    assert insert_ignoring_conflict(session, COUNTERS, values | {"last_value": 9}, ["name"]) is None
    stored = session.scalar(select(COUNTERS.c.last_value).where(COUNTERS.c.name == "driver-test"))
    assert stored == 5


def test_a_broken_constraint_raises_what_core_raises(session: Session) -> None:
    nowhere = _event(ticket_id=2_000_000_000, note="orphan")
    with pytest.raises(IntegrityError), session.begin_nested():
        DriverStatement(insert(EVENTS)).execute(session.connection(), [nowhere])
    assert _stored(session, "orphan") == []


def _scratch_table(session: Session, name: str, *columns: Column[Any]) -> Table:
    """A table of the test's own, made inside its transaction, with an id and `columns`."""
    table = Table(name, MetaData(), Column("id", Integer, primary_key=True), *columns)
    table.metadata.create_all(session.connection())
    return table


def test_a_column_default_is_left_to_core(session: Session) -> None:
    notes = _scratch_table(
        session,
        "driver_sql_note",
        Column("body", String(20), nullable=False),
        Column("source", String(20), nullable=False, default="default source"),
    )
    DriverStatement(insert(notes)).execute(session.connection(), [{"body": "first"}])
    stored = session.connection().execute(text("SELECT body, source FROM driver_sql_note")).all()
    assert [tuple(row) for row in stored] == [("first", "default source")]


@pytest.mark.parametrize(
    ("values", "rows", "stored"),
    [
        pytest.param(
            {"body": bindparam("body"), "source": "fixed", "kind": bindparam("kind")},
            [{"body": "one", "kind": "a"}, {"body": "two", "kind": "b"}],
            [("one", "fixed", "a"), ("two", "fixed", "b")],
            id="a-constant-between-values",
        ),
        pytest.param(
            {"body": "fixed", "source": bindparam("source"), "kind": "k"},
            [{"source": "only"}],
            [("fixed", "only", "k")],
            id="one-value-among-constants",
        ),
    ],
)
def test_constants_of_the_statement_keep_their_places(
    session: Session,
    values: dict[str, Any],
    rows: list[dict[str, Any]],
    stored: list[tuple[str, str, str]],
) -> None:
    notes = _scratch_table(
        session,
        "driver_sql_place",
        *(Column(name, String(20), nullable=False) for name in ("body", "source", "kind")),
    )
    DriverStatement(insert(notes).values(values)).execute(session.connection(), rows)
    found = session.connection().execute(
        text("SELECT body, source, kind FROM driver_sql_place ORDER BY id")
    )
    assert [tuple(row) for row in found] == stored


def test_an_in_of_a_list_is_left_to_core(session: Session) -> None:
    """Its placeholders are written per execution, one per item of the list."""
    notes = _scratch_table(session, "driver_sql_kind", Column("kind", String(20), nullable=False))
    session.connection().execute(insert(notes), [{"kind": kind} for kind in "abcd"])
    query = select(notes.c.kind).where(
        notes.c.kind.in_(["b", "d"]), notes.c.id > bindparam("after")
    )
    found = DriverStatement(query.order_by(notes.c.id)).all(session.connection(), {"after": 0})
    assert found == [("b",), ("d",)]


def test_rows_read_through_the_driver_are_the_rows_core_reads(
    client: TestClient, session: Session
) -> None:
    ticket_id = _ticket_id(client, session)
    tickets: Table = Ticket.__table__  # type: ignore[assignment]
    query = select(
        tickets.c.number, tickets.c.status, tickets.c.is_anonymous, tickets.c.created_at
    ).where(tickets.c.id == bindparam("wanted"), tickets.c.version >= 1)
    through_driver = DriverStatement(query).all(session.connection(), {"wanted": ticket_id})
    through_core = [tuple(row) for row in session.execute(query, {"wanted": ticket_id})]
    assert through_driver == through_core
    (number, status, anonymous, created_at) = through_driver[0]
    assert number.startswith("20")
    assert status == "new"
    assert anonymous is False
    assert created_at.tzinfo is not None


def test_a_row_read_by_name_is_the_mapping_core_reads(client: TestClient, session: Session) -> None:
    ticket_id = _ticket_id(client, session)
    tickets: Table = Ticket.__table__  # type: ignore[assignment]
    query = select(tickets.c.number, tickets.c.is_confidential, tickets.c.updated_at).where(
        tickets.c.id == bindparam("wanted")
    )
    statement = DriverStatement(query)

    found = statement.first_mapping(session.connection(), {"wanted": ticket_id})

    core = session.execute(query, {"wanted": ticket_id}).mappings().one()
    assert found == dict(core)
    assert set(found or {}) == {"number", "is_confidential", "updated_at"}
    assert statement.first_mapping(session.connection(), {"wanted": -1}) is None
