"""Starting, stopping, pausing and extending a ticket's clocks; every change is an event.

Deadlines are absolute instants, computed once on the policy's calendar when a clock
starts (or resumes, or is extended), so the sweeper only compares times."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.db import column_values, transient
from app.driver_sql import DriverStatement
from app.identity.actors import SYSTEM, Actor
from app.sla.business_time import WorkingCalendar
from app.sla.catalogue import Catalogue, Policy
from app.sla.models import TicketClock
from app.tickets import changes
from app.tickets.events import record_event, record_events, ticket_event_row
from app.tickets.models import Ticket
from app.vocabulary import ClockKind, ClockState, EventKind

logger = logging.getLogger(__name__)

_CLOCKS: Table = TicketClock.__table__  # type: ignore[assignment]
_INSERT_CLOCK = DriverStatement(insert(_CLOCKS))
# The clocks that warn and breach; the return window only closes.
ALERTING = frozenset({ClockKind.DISPATCH, ClockKind.SIGN, ClockKind.REPLY})
LIVE_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED})
# A unit's own clocks: what each unit gets when the ticket reaches it.
UNIT_CLOCKS = (ClockKind.SIGN, ClockKind.RETURN_WINDOW)


@dataclass(frozen=True)
class Unit:
    """The unit a sign-for clock or a return window belongs to."""

    department_id: int | None = None
    grid_id: int | None = None


class ClockLike(Protocol):
    """What alerts read and write of a clock: a `TicketClock`, or the sweeper's plain row."""

    kind: str
    cycle: int
    state: str
    target: str
    due_at: datetime | None
    warn_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    next_alert_at: datetime | None


def describe(clock: ClockLike) -> dict[str, Any]:
    """A clock as its events carry it."""
    return {
        "clock": clock.kind,
        "cycle": clock.cycle,
        "target": clock.target,
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        "state": clock.state,
    }


def _warn_at(
    calendar: WorkingCalendar, policy: Policy, start: datetime, total: timedelta
) -> datetime | None:
    """The earlier of "ratio of the time elapsed" and "so much business time left", for a
    clock with `total` business time from `start` to its deadline."""
    if total <= timedelta(0):
        return None
    elapsed = total * policy.warn_ratio
    if policy.warn_before_minutes:
        before = timedelta(minutes=policy.warn_before_minutes)
        if before < total:
            elapsed = min(elapsed, total - before)
    # One walk of the calendar: the later the business time, the later the instant.
    return calendar.add(start, elapsed)


def next_alert(clock: ClockLike) -> datetime | None:
    if clock.state != ClockState.RUNNING or clock.kind not in ALERTING:
        return None
    if clock.warned_at is None and clock.warn_at is not None:
        return clock.warn_at
    return clock.due_at if clock.breached_at is None else None


@dataclass(frozen=True)
class Plan:
    """Clocks worked out for a ticket, not yet written."""

    policy: Policy
    calendar: WorkingCalendar
    clocks: list[TicketClock]


def plan(
    ticket: Ticket,
    kinds: Iterable[ClockKind],
    catalogue: Catalogue,
    begins: datetime,
    unit: Unit = Unit(),
) -> Plan | None:
    """The policy's clocks of `kinds` for the ticket's current cycle, starting at `begins`
    (a kind the policy sets no limit for gets no clock); None when no policy applies."""
    policy = catalogue.policy_for(ticket.request_type, ticket.category_id, ticket.priority)
    if policy is None:
        return None
    planned: list[TicketClock] = []
    for kind in kinds:
        target = policy.targets.get(kind)
        if target is None:
            continue
        calendar_id = catalogue.calendar_for(policy, target)
        calendar = catalogue.calendars[calendar_id]
        due = target.due(calendar, begins)
        clock = transient(
            TicketClock,
            ticket_id=ticket.id,
            kind=kind,
            cycle=ticket.cycle,
            state=ClockState.RUNNING,
            policy_id=policy.id,
            calendar_id=calendar_id,
            target=str(target),
            department_id=unit.department_id if kind in UNIT_CLOCKS else None,
            grid_id=unit.grid_id if kind in UNIT_CLOCKS else None,
            started_at=begins,
            due_at=due,
            warn_at=(
                _warn_at(calendar, policy, begins, target.business_time_to(calendar, begins, due))
                if kind in ALERTING
                else None
            ),
            warned_at=None,
            breached_at=None,
            paused_at=None,
            remaining_us=None,
            warn_remaining_us=None,
            stopped_at=None,
            extended_days=0,
            provisional=bool(calendar.uncovered_years(begins, due)),
        )
        clock.next_alert_at = next_alert(clock)
        planned.append(clock)
    return Plan(policy, catalogue.calendars[policy.calendar_id], planned) if planned else None


def save(session: Session, ticket: Ticket, planned: Plan, now: datetime, actor: Actor) -> None:
    """Write the planned clocks with their events; the ticket shows them once
    `refresh_deadlines` read them."""
    record_events(session, write(session, ticket, planned, now, actor))
    _changed(session, ticket)


def write(
    session: Session, ticket: Ticket, planned: Plan, now: datetime, actor: Actor
) -> list[dict[str, Any]]:
    """Write the planned clocks (Core: intake's hot path, which sets them on its ticket
    itself); their timeline rows are the caller's to write, so intake writes all of a new
    ticket's events in one statement."""
    for clock in planned.clocks:
        clock.ticket_id = ticket.id
    _INSERT_CLOCK.execute(session.connection(), [column_values(clock) for clock in planned.clocks])
    started = {
        "policy": planned.policy.name,
        "clocks": [describe(clock) for clock in planned.clocks],
    }
    rows = [ticket_event_row(ticket, EventKind.CLOCK_STARTED, actor, started, now)]
    uncovered = _uncovered_row(ticket, planned.calendar, planned.clocks, now)
    return rows if uncovered is None else [*rows, uncovered]


def start(
    session: Session,
    ticket: Ticket,
    kinds: Iterable[ClockKind],
    catalogue: Catalogue,
    now: datetime,
    actor: Actor,
    unit: Unit = Unit(),
) -> None:
    """Start the policy's clocks of `kinds` now, with their event."""
    planned = plan(ticket, kinds, catalogue, now, unit)
    if planned is not None:
        save(session, ticket, planned, now, actor)


def _report_uncovered(
    session: Session,
    ticket: Ticket,
    calendar: WorkingCalendar,
    clocks: Sequence[TicketClock],
    now: datetime,
) -> None:
    row = _uncovered_row(ticket, calendar, clocks, now)
    if row is not None:
        record_events(session, [row])


def _uncovered_row(
    ticket: Ticket, calendar: WorkingCalendar, clocks: Sequence[TicketClock], now: datetime
) -> dict[str, Any] | None:
    """Never a silent guess: a deadline in a year without the holiday notice is flagged
    provisional, on the timeline (this row) and in the log, until an administrator adds
    the year."""
    provisional = [clock for clock in clocks if clock.provisional and clock.due_at]
    if not provisional:
        return None
    years = sorted(
        set().union(
            *(calendar.uncovered_years(clock.started_at, clock.due_at) for clock in provisional)  # type: ignore[arg-type]
        )
    )
    logger.warning(
        "ticket %s: deadline in %s, which the working-day calendar does not cover yet; "
        "counted with weekends only until the year's holidays are added",
        ticket.number,
        ", ".join(map(str, years)),
    )
    payload = {"years": years, "clocks": [clock.kind for clock in provisional]}
    return ticket_event_row(ticket, EventKind.CALENDAR_NOT_COVERED, SYSTEM, payload, now)


def live(ticket: Ticket, kinds: Iterable[ClockKind] | None = None) -> list[TicketClock]:
    """The ticket's running and paused clocks (of `kinds`)."""
    wanted = set(kinds) if kinds is not None else None
    return [
        clock
        for clock in ticket.clocks
        if clock.state in LIVE_STATES and (wanted is None or clock.kind in wanted)
    ]


def settle_alerts(clock: ClockLike, now: datetime) -> list[tuple[EventKind, datetime]]:
    """Mark the warning and the breach that are due by `now` and not yet recorded; return
    them, each at the instant it happened, for the caller to put on the timeline."""
    happened: list[tuple[EventKind, datetime]] = []
    if clock.state != ClockState.RUNNING or clock.kind not in ALERTING:
        return happened
    if clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= now:
        clock.warned_at = clock.warn_at
        happened.append((EventKind.SLA_WARNED, clock.warn_at))
    if clock.breached_at is None and clock.due_at is not None and clock.due_at <= now:
        clock.breached_at = clock.due_at
        happened.append((EventKind.SLA_BREACHED, clock.due_at))
    clock.next_alert_at = next_alert(clock)
    return happened


def _record_alerts(session: Session, ticket: Ticket, clock: TicketClock, now: datetime) -> None:
    for kind, at in settle_alerts(clock, now):
        record_event(session, ticket, kind, SYSTEM, alert_payload(clock, at), at=at)


def alert_payload(clock: ClockLike, at: datetime) -> dict[str, Any]:
    return describe(clock) | {"at": at.isoformat()}


def stop(
    session: Session,
    ticket: Ticket,
    kinds: Iterable[ClockKind],
    now: datetime,
    actor: Actor,
    outcome: ClockState = ClockState.MET,
) -> list[TicketClock]:
    """Stop the live clocks of `kinds`; a clock stopped after its deadline has its breach
    recorded first, even if no sweep saw it."""
    stopped = live(ticket, kinds)
    if stopped:
        _changed(session, ticket)
    for clock in stopped:
        _record_alerts(session, ticket, clock, now)
        clock.state = outcome
        clock.stopped_at = now
        clock.next_alert_at = None
    if stopped:
        record_event(
            session,
            ticket,
            EventKind.CLOCK_STOPPED,
            actor,
            {
                "outcome": outcome,
                "clocks": [
                    describe(clock) | {"late": clock.breached_at is not None} for clock in stopped
                ],
            },
            at=now,
        )
    return stopped


def _micros(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def pause(
    session: Session, ticket: Ticket, catalogue: Catalogue, now: datetime, actor: Actor
) -> list[TicketClock]:
    """Stop the running clocks, keeping the business time each had left: the return
    window too, or a unit waiting on someone else would lose its right to return."""
    paused = [clock for clock in live(ticket) if clock.state == ClockState.RUNNING]
    if paused:
        _changed(session, ticket)
    for clock in paused:
        _record_alerts(session, ticket, clock, now)
        calendar = catalogue.calendars[clock.calendar_id]
        assert clock.due_at is not None
        clock.remaining_us = max(0, _micros(calendar.between(now, clock.due_at)))
        clock.warn_remaining_us = (
            max(0, _micros(calendar.between(now, clock.warn_at)))
            if clock.warn_at is not None and clock.warned_at is None
            else None
        )
        clock.state = ClockState.PAUSED
        clock.paused_at = now
        clock.due_at = clock.warn_at = clock.next_alert_at = None
    if paused:
        record_event(
            session,
            ticket,
            EventKind.CLOCK_PAUSED,
            actor,
            {
                "clocks": [
                    {"clock": clock.kind, "remaining_seconds": (clock.remaining_us or 0) / 1e6}
                    for clock in paused
                ]
            },
            at=now,
        )
    return paused


def resume(
    session: Session, ticket: Ticket, catalogue: Catalogue, now: datetime, actor: Actor
) -> list[TicketClock]:
    """Run the paused clocks again: each gets back exactly the business time it had left."""
    resumed = [clock for clock in live(ticket) if clock.state == ClockState.PAUSED]
    if resumed:
        _changed(session, ticket)
    for clock in resumed:
        calendar = catalogue.calendars[clock.calendar_id]
        clock.due_at = calendar.add(now, timedelta(microseconds=clock.remaining_us or 0))
        clock.warn_at = (
            calendar.add(now, timedelta(microseconds=clock.warn_remaining_us))
            if clock.warn_remaining_us is not None
            else None
        )
        clock.state = ClockState.RUNNING
        clock.paused_at = None
        clock.remaining_us = clock.warn_remaining_us = None
        clock.provisional = bool(calendar.uncovered_years(now, clock.due_at))
        clock.next_alert_at = next_alert(clock)
    if resumed:
        record_event(
            session,
            ticket,
            EventKind.CLOCK_RESUMED,
            actor,
            {"clocks": [describe(clock) for clock in resumed]},
            at=now,
        )
        # Elapsed-time clocks run on the round-the-clock calendar and are never provisional.
        counted = next((clock for clock in resumed if clock.provisional), resumed[0])
        calendar = catalogue.calendars[counted.calendar_id]
        _report_uncovered(session, ticket, calendar, resumed, now)
    return resumed


def working_day(calendar: WorkingCalendar) -> timedelta:
    if calendar.round_the_clock:
        return timedelta(days=1)
    return timedelta(minutes=sum(end - start for start, end in calendar.periods))


def extend(
    session: Session,
    ticket: Ticket,
    clock: TicketClock,
    working_days: int,
    catalogue: Catalogue,
    now: datetime,
    actor: Actor,
) -> None:
    """Move the clock's deadline by `working_days` of the calendar's working time."""
    calendar = catalogue.calendars[clock.calendar_id]
    assert clock.due_at is not None
    _changed(session, ticket)
    previous = clock.due_at
    clock.due_at = calendar.add(previous, working_day(calendar) * working_days)
    clock.extended_days += working_days
    if clock.warned_at is None and clock.warn_at is not None:
        policy = next((p for p in catalogue.policies if p.id == clock.policy_id), None)
        if policy is not None:
            total = calendar.between(clock.started_at, clock.due_at)
            clock.warn_at = _warn_at(calendar, policy, clock.started_at, total)
    clock.provisional = bool(calendar.uncovered_years(clock.started_at, clock.due_at))
    clock.next_alert_at = next_alert(clock)
    record_event(
        session,
        ticket,
        EventKind.CLOCK_EXTENDED,
        actor,
        describe(clock) | {"previous_due_at": previous.isoformat(), "working_days": working_days},
        at=now,
    )
    _report_uncovered(session, ticket, calendar, [clock], now)


def _changed(session: Session, ticket: Ticket) -> None:
    changes.of(session).clocks_rewritten.add(ticket.id)


def refresh_deadlines(session: Session, ticket: Ticket) -> bool:
    """Read the ticket's clocks again (new ones went in by Core) and copy their deadlines;
    nothing to do when none of its clocks changed in this session. True when some had."""
    if not changes.take(changes.of(session).clocks_rewritten, ticket):
        return False
    found = session.scalars(
        select(TicketClock).where(TicketClock.ticket_id == ticket.id).order_by(TicketClock.id)
    ).all()
    set_committed_value(ticket, "clocks", list(found))
    sync_deadlines(ticket, found)
    return True


def move_to_unit(
    session: Session,
    ticket: Ticket,
    unit: Unit | None,
    catalogue: Catalogue,
    now: datetime,
    actor: Actor,
) -> None:
    """The ticket changes hands: the old unit's clocks are cancelled; a new unit gets its
    own sign-for clock and return window and the centre's dispatch clock is met; with no
    unit (a return) the centre's dispatch clock starts again. The citizen's reply clock
    runs on whatever happens, so moving a ticket about never hides a delay."""
    stop(session, ticket, UNIT_CLOCKS, now, actor, ClockState.CANCELLED)
    if unit is None:
        if not live(ticket, [ClockKind.DISPATCH]):
            start(session, ticket, [ClockKind.DISPATCH], catalogue, now, actor)
        return
    stop(session, ticket, [ClockKind.DISPATCH], now, actor)
    start(session, ticket, UNIT_CLOCKS, catalogue, now, actor, unit)


def sync_deadlines(ticket: Ticket, clocks: Iterable[TicketClock]) -> None:
    """Copy the live clocks' deadlines onto the ticket, where the queue filters and sorts."""
    due: dict[str, datetime | None] = {}
    for clock in clocks:
        if clock.state in LIVE_STATES and clock.kind in ALERTING:
            due[clock.kind] = clock.due_at
    ticket.dispatch_due_at = due.get(ClockKind.DISPATCH)
    ticket.sign_due_at = due.get(ClockKind.SIGN)
    ticket.reply_due_at = due.get(ClockKind.REPLY)
    running = [moment for moment in due.values() if moment is not None]
    ticket.next_due_at = min(running) if running else None
