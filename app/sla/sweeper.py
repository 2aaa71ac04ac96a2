"""Finding the warnings and breaches that fell due, and recording each exactly once.

The sweeper reads only the clocks whose `next_alert_at` has passed, through its index, so
its cost follows the number of clocks that are due, not the size of the queue. Clocks are
taken FOR UPDATE SKIP LOCKED: replicas sweeping at once each take different clocks, and a
clock an action is changing is left to that action. Everything it needs is in the
database, so after a restart the first sweep records whatever fell due meanwhile."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.clock import utc_now
from app.db import session_scope
from app.identity.actors import SYSTEM
from app.observability import metrics
from app.periodic import Periodic
from app.sla.clocks import alert_payload, settle_alerts
from app.sla.models import TicketClock
from app.tickets.events import event_row, record_events
from app.vocabulary import EventKind

logger = logging.getLogger(__name__)

_CLOCKS: Table = TicketClock.__table__  # type: ignore[assignment]
_SETTLE = (
    update(_CLOCKS)
    .where(_CLOCKS.c.id == bindparam("clock_id"))
    .values(
        warned_at=bindparam("warned_at"),
        breached_at=bindparam("breached_at"),
        next_alert_at=bindparam("next_alert_at"),
    )
)


@dataclass
class _DueClock:
    """A due clock's row as plain data: building ORM objects for a thousand rows would
    cost the sweep more than its statements do."""

    id: int
    ticket_id: int
    kind: str
    cycle: int
    state: str
    target: str
    due_at: datetime | None
    warn_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    next_alert_at: datetime | None


_DUE_COLUMNS = [getattr(_CLOCKS.c, name) for name in _DueClock.__dataclass_fields__]


@dataclass(frozen=True)
class SweepResult:
    clocks: int
    warnings: int
    breaches: int


def sweep_once(session: Session, now: datetime | None = None, batch: int = 1000) -> SweepResult:
    """Record the alerts of at most `batch` due clocks, in the caller's transaction."""
    now = now or utc_now()
    due = (
        select(*_DUE_COLUMNS)
        .where(_CLOCKS.c.next_alert_at <= now)
        .order_by(_CLOCKS.c.next_alert_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    connection = session.connection()
    settled: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for row in connection.execute(due).mappings():
        clock = _DueClock(**row)
        for kind, at in settle_alerts(clock, now):
            events.append(event_row(clock.ticket_id, kind, SYSTEM, alert_payload(clock, at), at))
        settled.append(
            {
                "clock_id": clock.id,
                "warned_at": clock.warned_at,
                "breached_at": clock.breached_at,
                "next_alert_at": clock.next_alert_at,
            }
        )
    if settled:
        connection.execute(_SETTLE, settled)
    record_events(session, events)
    breaches = sum(1 for event in events if event["kind"] == EventKind.SLA_BREACHED)
    return SweepResult(len(settled), len(events) - breaches, breaches)


def sweep(factory: sessionmaker[Session], batch: int = 1000) -> SweepResult:
    """Sweep until nothing is due, one committed transaction per batch."""
    clocks = warnings = breaches = 0
    while True:
        for session in session_scope(factory):
            result = sweep_once(session, batch=batch)
        clocks, warnings = clocks + result.clocks, warnings + result.warnings
        breaches += result.breaches
        metrics.count_alerts(result.warnings, result.breaches)
        if result.clocks < batch:
            return SweepResult(clocks, warnings, breaches)


def sweeper(factory: sessionmaker[Session], interval: float, batch: int) -> Periodic:
    """Sweeps every `interval` seconds in a thread of its own (start it)."""

    def work() -> bool:
        result = sweep(factory, batch)
        if result.clocks:
            logger.info(
                "SLA sweep: %d warnings, %d breaches recorded", result.warnings, result.breaches
            )
        return False

    return Periodic("sla-sweeper", work, interval)
