"""Keeping the rollups: the counts of timeline rows added in feed order (`count`, run by the
follower of the event feed, app/stats/follower.py), and all of them computed again from
the event log (`rebuild`, the `hotline rebuild-stats` command).

Both run `tally.apply` over each ticket's rows in timeline order, so they agree exactly;
tests/stats/test_rollup.py checks it after a random sequence of actions. Each count lands
in `stat_day` (the full bucket) and, summed per unit, in `stat_unit_day` and
`stat_unit_month`, which reports by unit and rankings read."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import add
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from app.categories.models import Category
from app.driver_sql import DriverStatement
from app.events import service as events
from app.stats.models import (
    StatProgress,
    StatTicket,
    stat_day,
    stat_place,
    stat_unit_day,
    stat_unit_month,
)
from app.stats.tally import (
    COUNTED_KINDS,
    COUNTERS,
    PLACE,
    Bucket,
    Count,
    TicketState,
    apply,
)
from app.tickets.models import Ticket, TicketEvent
from app.units.models import Department, Grid

_KEY = ("day", "unit_kind", "unit_code", "category", "channel", "request_type")
_COLUMNS = (*_KEY, *COUNTERS)
_STATES: Table = StatTicket.__table__  # type: ignore[assignment]
_PROGRESS: Table = StatProgress.__table__  # type: ignore[assignment]
_EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
PROGRESS_ID = 1
_INDEX = {name: index for index, name in enumerate(COUNTERS)}
# The rebuild adds what it has summed to the table whenever it holds this many buckets.
_REBUILD_BUCKETS = 100_000
_REBUILD_STATES = 5_000
# Committed rows still without a place in the feed are given theirs this many at a time.
_REBUILD_SEQUENCE = 10_000


def _upsert(dialect: str, table: Table, key: list[str], added: Sequence[str]) -> Insert:
    """INSERT rows, or on a key already there add `added` columns to it (replace the rest)."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    values = {
        column.name: (table.c[column.name] + statement.excluded[column.name])
        if column.name in added
        else statement.excluded[column.name]
        for column in table.columns
        if column.name not in key
    }
    upsert: Insert = statement.on_conflict_do_update(index_elements=key, set_=values)
    return upsert


# The upserts run by SQLite's driver directly (app/driver_sql.py): a batch's thousand rows
# would otherwise cost more in Core's parameter handling than in the database.
@cache
def _add_counts(dialect: str) -> DriverStatement:
    """INSERT a bucket's counts, or add them to the bucket's row."""
    return DriverStatement(_upsert(dialect, stat_day, list(_KEY), COUNTERS))


@cache
def _add_unit_counts(dialect: str, table: Table) -> DriverStatement:
    key = [table.c[0].name, "unit_kind", "unit_code"]
    return DriverStatement(_upsert(dialect, table, key, COUNTERS))


@cache
def _add_places(dialect: str) -> DriverStatement:
    return DriverStatement(
        _upsert(dialect, stat_place, ["day", "grid_code", "category"], ["received"])
    )


@cache
def _save_states(dialect: str) -> DriverStatement:
    return DriverStatement(_upsert(dialect, _STATES, ["ticket_id"], ()))


def _bucket_rows(sums: Mapping[Bucket, list[int]]) -> list[dict[str, Any]]:
    """One row per bucket, in key order (concurrent transactions lock rows in one order)."""
    return [
        dict(zip(_COLUMNS, (*bucket, *values), strict=True))
        for bucket, values in sorted(sums.items())
    ]


def _sum(sums: dict[Bucket, list[int]], counts: Iterable[Count]) -> None:
    """Add counts up per bucket (a place's under its own key: see `_add`)."""
    for bucket, counter, n in counts:
        values = sums.get(bucket)
        if values is None:
            values = sums[bucket] = [0] * len(COUNTERS)
        values[_INDEX[counter]] += n


def _month(day: date) -> date:
    return day.replace(day=1)


def _unit_rows(
    sums: Mapping[Bucket, list[int]], period: Callable[[date], date]
) -> list[dict[str, Any]]:
    """The units' buckets summed per unit and period (its first day), in key order."""
    totals: dict[tuple[date, str, str], list[int]] = {}
    for (day, kind, code, *_), values in sums.items():
        key = (period(day), kind, code)
        total = totals.get(key)
        totals[key] = list(values) if total is None else list(map(add, total, values))
    return [
        {"period": first, "unit_kind": kind, "unit_code": code}
        | dict(zip(COUNTERS, values, strict=True))
        for (first, kind, code), values in sorted(totals.items())
    ]


def _add(connection: Connection, sums: Mapping[Bucket, list[int]]) -> None:
    """Add summed counts to the rollups: units' buckets to `stat_day` and, per unit, to
    `stat_unit_day` and `stat_unit_month`; places' (tickets reported in a grid) to
    `stat_place`."""
    dialect = connection.dialect.name
    units = {bucket: values for bucket, values in sums.items() if bucket[1] != PLACE}
    places = sorted(
        (bucket[0], bucket[2], bucket[3], values[_INDEX["received"]])
        for bucket, values in sums.items()
        if bucket[1] == PLACE
    )
    if units:
        _add_counts(dialect).execute(connection, _bucket_rows(units))
        for table, period in ((stat_unit_day, _same_day), (stat_unit_month, _month)):
            rows = [{table.c[0].name: row.pop("period")} | row for row in _unit_rows(units, period)]
            _add_unit_counts(dialect, table).execute(connection, rows)
    if places:
        _add_places(dialect).execute(
            connection,
            [
                {"day": day, "grid_code": grid, "category": category, "received": received}
                for day, grid, category, received in places
            ],
        )


def _same_day(day: date) -> date:
    return day


def first_state(payload: Mapping[str, Any], fallback: TicketState | None = None) -> TicketState:
    """A ticket's state at its `received` row, which names its channel, request type and
    category (rows written before statistics existed lack the last two: `fallback`)."""
    return TicketState(
        channel=str(payload.get("channel") or (fallback.channel if fallback else "")),
        request_type=str(
            payload.get("request_type") or (fallback.request_type if fallback else "")
        ),
        category=str(
            payload["category"] or ""
            if "category" in payload
            else (fallback.category if fallback else "")
        ),
    )


def _states_now(connection: Connection, ticket_ids: Sequence[int]) -> dict[int, TicketState]:
    """The states of tickets with rows counted before; for a ticket taken in before the
    statistics existed, one read from the ticket as it is (until `rebuild`)."""
    found = {
        ticket_id: TicketState.from_json(state)
        for ticket_id, state in connection.execute(
            select(_STATES.c.ticket_id, _STATES.c.state).where(_STATES.c.ticket_id.in_(ticket_ids))
        )
    }
    missing = [ticket_id for ticket_id in ticket_ids if ticket_id not in found]
    if missing:
        found |= _states_of_tickets(connection, missing)
    return found


def _states_of_tickets(connection: Connection, ticket_ids: list[int]) -> dict[int, TicketState]:
    rows = connection.execute(
        select(
            Ticket.id,
            Ticket.channel,
            Ticket.request_type,
            Category.code,
            Department.code.label("department"),
            Grid.code.label("grid"),
        )
        .outerjoin(Category, Category.id == Ticket.category_id)
        .outerjoin(Department, Department.id == Ticket.assigned_department_id)
        .outerjoin(Grid, Grid.id == Ticket.assigned_grid_id)
        .where(Ticket.id.in_(ticket_ids))
    )
    states = {}
    for ticket_id, channel, request_type, category, department, grid in rows:
        unit = ("department", department) if department else ("grid", grid) if grid else ("", "")
        states[ticket_id] = TicketState(channel, request_type, category or "", unit=unit)
    return states


def count(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Add the counts of timeline rows (in feed order: each ticket's in its timeline's) to
    the rollups, in the caller's transaction."""
    counted = [row for row in rows if row["kind"] in COUNTED_KINDS]
    if not counted:
        return
    # A ticket whose first row here is `received` is new: it has no state to read.
    new: set[int] = set()
    seen: set[int] = set()
    for row in counted:
        if row["ticket_id"] not in seen:
            seen.add(row["ticket_id"])
            if row["kind"] == "received":
                new.add(row["ticket_id"])
    old = [ticket_id for ticket_id in seen if ticket_id not in new]
    states = _states_now(connection, old) if old else {}
    sums: dict[Bucket, list[int]] = {}
    for row in counted:
        ticket_id = row["ticket_id"]
        if row["kind"] == "received" and ticket_id in new and ticket_id not in states:
            states[ticket_id] = first_state(row["payload"])
        state = states.get(ticket_id)
        if state is not None:
            _sum(sums, apply(state, row["kind"], row["payload"], row["created_at"]))
    _add(connection, sums)
    _save_states(connection.dialect.name).execute(
        connection,
        [
            {"ticket_id": ticket_id, "state": states[ticket_id].to_json()}
            for ticket_id in sorted(states)
        ],
    )


def progress(connection: Connection, *, wait: bool) -> int | None:
    """The feed place counted up to, its row locked for this transaction; None when
    another transaction holds it and `wait` is false."""
    query = select(_PROGRESS.c.feed_position).where(_PROGRESS.c.id == PROGRESS_ID)
    locked = query.with_for_update() if wait else query.with_for_update(skip_locked=True)
    position: int | None = connection.execute(locked).scalar_one_or_none()
    return position


def counted_up_to(connection: Connection, position: int) -> None:
    connection.execute(
        update(_PROGRESS).where(_PROGRESS.c.id == PROGRESS_ID).values(feed_position=position)
    )


@dataclass(frozen=True)
class Rebuilt:
    tickets: int
    events: int
    buckets: int


def rebuild(session: Session) -> Rebuilt:
    """Throw the rollups away and count every ticket's rows again, in the caller's
    transaction (readers see the old figures until it commits): every row with a place in
    the feed, after giving the committed rows still waiting theirs; the follower goes on
    from the feed's head."""
    connection = session.connection()
    progress(connection, wait=True)  # the follower waits until this commits
    while events.sequence(session, _REBUILD_SEQUENCE):
        pass
    head = events.head(session)
    for table in (stat_day, stat_unit_day, stat_unit_month, stat_place, _STATES):
        connection.execute(delete(table))
    query = (
        select(
            _EVENTS.c.ticket_id,
            _EVENTS.c.kind,
            _EVENTS.c.payload,
            _EVENTS.c.created_at,
            Ticket.channel,
            Ticket.request_type,
            Category.code,
            Grid.code,
        )
        .join(Ticket, Ticket.id == _EVENTS.c.ticket_id)
        .outerjoin(Category, Category.id == Ticket.category_id)
        .outerjoin(Grid, Grid.id == Ticket.grid_id)
        .where(_EVENTS.c.kind.in_(sorted(COUNTED_KINDS)), _EVENTS.c.feed_position <= head)
        .order_by(_EVENTS.c.ticket_id, _EVENTS.c.id)
    )
    sums: dict[Bucket, list[int]] = {}
    states: list[dict[str, Any]] = []
    current: int | None = None
    state: TicketState | None = None
    tickets = rows = 0
    save = _save_states(connection.dialect.name)
    stream = connection.execute(query.execution_options(yield_per=10_000))
    for ticket_id, kind, payload, created_at, channel, request_type, category, grid in stream:
        rows += 1
        if kind == "received" and "grid" not in payload:
            payload = payload | {"grid": grid}  # a row written before statistics existed
        if ticket_id != current:
            if state is not None and current is not None:
                states.append({"ticket_id": current, "state": state.to_json()})
            current, tickets = ticket_id, tickets + 1
            fallback = TicketState(channel, request_type, category or "")
            state = first_state(payload, fallback) if kind == "received" else fallback
        assert state is not None
        _sum(sums, apply(state, kind, payload, created_at))
        if len(sums) >= _REBUILD_BUCKETS:
            _add(connection, sums)
            sums = {}
        if len(states) >= _REBUILD_STATES:
            save.execute(connection, states)
            states = []
    if state is not None and current is not None:
        states.append({"ticket_id": current, "state": state.to_json()})
    _add(connection, sums)
    save.execute(connection, states)
    counted_up_to(connection, head)
    buckets = connection.execute(select(func.count()).select_from(stat_day)).scalar_one()
    return Rebuilt(tickets=tickets, events=rows, buckets=buckets)
