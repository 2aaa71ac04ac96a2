"""Following the event feed: the rollups count each timeline row once it has its place in
the feed (app/events/service.py), in feed order, so nothing slows the request that wrote
the row and every row is counted exactly once.

A pass locks the progress row (`stat_progress`, FOR UPDATE SKIP LOCKED: one follower
counts at a time, whichever server it runs in), reads up to `batch` rows after the place
counted up to, counts them (app/stats/rollup.py `count`) and moves the place on, all in
one transaction: a pass that fails counts nothing. Batches make it cheap: a thousand rows
are one read, one upsert per rollup table and one of the tickets' states. Reports see a
row's figures within `stats_poll_seconds` of its commit (and the sequencer's pass)."""

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import session_scope
from app.driver_sql import DriverStatement
from app.events import service as events
from app.periodic import Periodic
from app.stats import rollup
from app.tickets.models import TicketEvent

BATCH = 1000
_EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
_ROW_KEYS = ("feed_position", "ticket_id", "kind", "payload", "created_at")
# The rows of a pass after the place counted up to, in feed order; run by the driver
# (app/driver_sql.py), which reads a thousand rows for less than Core's result does. Rows
# of kinds not counted (notes, urges, warnings, ...) are read too and passed over by
# `rollup.count`: asking for the counted kinds takes an IN of a list, which Core runs.
_NEXT_ROWS = DriverStatement(
    select(*(_EVENTS.c[key] for key in _ROW_KEYS))
    .where(
        _EVENTS.c.feed_position > bindparam("after"),
        _EVENTS.c.feed_position <= bindparam("head"),
    )
    .order_by(_EVENTS.c.feed_position)
    .limit(bindparam("batch"))
)


def follow(session: Session, batch: int = BATCH) -> int:
    """Count the rows among the next `batch` placed in the feed since the last pass, in
    the caller's transaction; how many rows it read (fewer than `batch`: it reached the
    feed's head, or another follower is counting)."""
    connection = session.connection()
    after = rollup.progress(connection, wait=False)
    if after is None:
        return 0
    head = events.head(session)
    if head <= after:
        return 0
    found = _NEXT_ROWS.all(connection, {"after": after, "head": head, "batch": batch})
    rows = [dict(zip(_ROW_KEYS, row, strict=True)) for row in found]
    # Fewer than a batch: every row up to the head is here.
    up_to = rows[-1]["feed_position"] if len(rows) == batch else head
    rollup.count(connection, rows)
    rollup.counted_up_to(connection, up_to)
    return len(rows)


def catch_up(session: Session, batch: int = BATCH) -> int:
    """Place the committed rows in the feed and count them all, in the caller's
    transaction: for the tests, the demo's history, and a command that must leave
    current figures. How many rows were read."""
    while events.sequence(session, batch):
        pass
    total = 0
    while (read := follow(session, batch)) == batch:
        total += read
    return total + read


def follow_once(factory: sessionmaker[Session], batch: int = BATCH) -> int:
    """A follower's pass: place the committed rows in the feed and count them, a batch a
    committed transaction, until caught up; how many rows were read."""
    total = 0
    while True:
        for session in session_scope(factory):
            events.sequence(session, batch)
            read = follow(session, batch)
        total += read
        if read < batch:
            return total


def follower(factory: sessionmaker[Session], interval: float) -> Periodic:
    """Follows the feed every `interval` seconds in a thread of its own (start it)."""

    def work() -> bool:
        follow_once(factory)
        return False

    return Periodic("stats-follower", work, interval)
