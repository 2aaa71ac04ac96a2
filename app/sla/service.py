"""Administrators' edits of calendars and SLA policies, checked before they are kept.

Publishing a year's holiday notice also puts right the deadlines that were counted
provisionally in that year, each with an event on its ticket."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, extract, func, select, update
from sqlalchemy.orm import Session

from app.audit.service import AuditKind, Editor, fields_of
from app.categories import service as categories
from app.categories.models import Category
from app.clock import utc_now
from app.errors import Conflict, NotFound, UnknownReference, UnprocessableContent
from app.identity.actors import Actor
from app.sla.business_time import WorkingCalendar
from app.sla.catalogue import working_calendar
from app.sla.clocks import LIVE_STATES, describe, next_alert, sync_deadlines
from app.sla.models import CalendarDay, CalendarYear, SlaPolicy, TicketClock, WorkCalendar
from app.sla.schemas import CalendarDayWrite, CalendarYearDay, SlaPolicyWrite
from app.tickets.events import event_row, record_events
from app.tickets.models import Ticket
from app.vocabulary import ClockState, EventKind


def get_calendar(session: Session, code: str) -> WorkCalendar:
    calendar = session.scalars(select(WorkCalendar).where(WorkCalendar.code == code)).one_or_none()
    if calendar is None:
        raise NotFound(f"No calendar has code {code!r}.")
    return calendar


def list_calendars(session: Session) -> list[WorkCalendar]:
    return list(session.scalars(select(WorkCalendar).order_by(WorkCalendar.id)))


def days_of(session: Session, calendar: WorkCalendar, year: int | None) -> list[CalendarDay]:
    query = select(CalendarDay).where(CalendarDay.calendar_id == calendar.id)
    if year is not None:
        query = query.where(extract("year", CalendarDay.day) == year)
    return list(session.scalars(query.order_by(CalendarDay.day)))


def years_of(session: Session, calendar: WorkCalendar) -> list[int]:
    query = select(CalendarYear.year).where(CalendarYear.calendar_id == calendar.id)
    return sorted(session.scalars(query))


def provisional_clocks(session: Session, calendar: WorkCalendar) -> int:
    query = select(func.count(TicketClock.id)).where(
        TicketClock.calendar_id == calendar.id,
        TicketClock.provisional,
        TicketClock.state.in_(LIVE_STATES),
    )
    return session.scalar(query) or 0


def _working_calendar(session: Session, calendar: WorkCalendar) -> WorkingCalendar:
    overrides = {day.day: day.is_working for day in days_of(session, calendar, None)}
    return working_calendar(calendar, overrides, frozenset(years_of(session, calendar)))


def _refuse_round_the_clock(calendar: WorkCalendar) -> None:
    if calendar.round_the_clock:
        raise Conflict(f"Calendar {calendar.code} runs 24 x 7: it has no holidays to set.")


def _day_fields(found: CalendarDay | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"day": found.day, "is_working": found.is_working, "name": found.name}


def _year_days(session: Session, calendar: WorkCalendar, year: int) -> dict[str, Any]:
    days = days_of(session, calendar, year)
    return {"year": year, "days": [_day_fields(day) for day in days]}


@dataclass(frozen=True)
class DaySet:
    day: CalendarDay
    clocks_recomputed: int


def set_day(
    session: Session, calendar: WorkCalendar, day: date, body: CalendarDayWrite, editor: Editor
) -> DaySet:
    """Make `day` a holiday or a moved working day, and recount every running or paused
    clock that the change moves."""
    _refuse_round_the_clock(calendar)
    previous = _working_calendar(session, calendar)
    found = session.scalars(
        select(CalendarDay).where(CalendarDay.calendar_id == calendar.id, CalendarDay.day == day)
    ).one_or_none()
    before = _day_fields(found)
    if found is None:
        found = CalendarDay(calendar_id=calendar.id, day=day)
        session.add(found)
    found.is_working = body.is_working
    found.name = body.name
    calendar.updated_at = utc_now()
    session.flush()
    editor.record(session, AuditKind.CALENDAR, "set_day", calendar.code, before, _day_fields(found))
    after = _working_calendar(session, calendar)
    recomputed = _recount_clocks(session, calendar, previous, after, {day}, editor.actor)
    return DaySet(found, recomputed)


def delete_day(session: Session, calendar: WorkCalendar, day: date, editor: Editor) -> int:
    """The day follows the weekly rule again; returns how many clocks that moved."""
    previous = _working_calendar(session, calendar)
    found = session.scalars(
        select(CalendarDay).where(CalendarDay.calendar_id == calendar.id, CalendarDay.day == day)
    ).one_or_none()
    if found is None:
        raise NotFound(f"Calendar {calendar.code} has nothing set for {day.isoformat()}.")
    before = _day_fields(found)
    session.delete(found)
    calendar.updated_at = utc_now()
    session.flush()
    editor.record(session, AuditKind.CALENDAR, "delete_day", calendar.code, before, None)
    after = _working_calendar(session, calendar)
    return _recount_clocks(session, calendar, previous, after, {day}, editor.actor)


def _days_of_year(year: int) -> set[date]:
    first = date(year, 1, 1)
    return {first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)}


@dataclass(frozen=True)
class Published:
    year: int
    days: int
    clocks_recomputed: int


def publish_year(
    session: Session,
    calendar: WorkCalendar,
    year: int,
    days: list[CalendarYearDay],
    editor: Editor,
) -> Published:
    """Replace the year's holidays and moved working days with the notice, mark the year
    covered, and recount every running or paused clock the notice moves (the first
    notice, or a corrected one), and every provisional one."""
    _refuse_round_the_clock(calendar)
    strays = [entry.day.isoformat() for entry in days if entry.day.year != year]
    if strays:
        raise UnprocessableContent(f"Days outside {year}: {', '.join(strays)}.", field="days")
    if len({entry.day for entry in days}) != len(days):
        raise UnprocessableContent("A day is listed twice.", field="days")
    before = _working_calendar(session, calendar)
    published_before = _year_days(session, calendar, year)
    session.execute(
        delete(CalendarDay).where(
            CalendarDay.calendar_id == calendar.id, extract("year", CalendarDay.day) == year
        )
    )
    session.add_all(
        CalendarDay(
            calendar_id=calendar.id, day=entry.day, is_working=entry.is_working, name=entry.name
        )
        for entry in days
    )
    now = utc_now()
    if year not in years_of(session, calendar):
        session.add(
            CalendarYear(calendar_id=calendar.id, year=year, source="admin", created_at=now)
        )
    calendar.updated_at = now
    session.flush()
    after = _working_calendar(session, calendar)
    touched = _days_of_year(year)
    recomputed = _recount_clocks(session, calendar, before, after, touched, editor.actor)
    editor.record(
        session,
        AuditKind.CALENDAR,
        "publish_year",
        calendar.code,
        published_before,
        _year_days(session, calendar, year),
    )
    return Published(year, len(days), recomputed)


def _changed_days(before: WorkingCalendar, after: WorkingCalendar, days: set[date]) -> list[date]:
    return sorted(day for day in days if before.is_working_day(day) != after.is_working_day(day))


def _recount_clocks(
    session: Session,
    calendar: WorkCalendar,
    before: WorkingCalendar,
    after: WorkingCalendar,
    touched: set[date],
    actor: Actor,
) -> int:
    """Put right every live clock on `calendar` that the change from `before` to `after`
    moves (`touched`: the days the change may have altered), each with a
    `clock_recomputed` event; returns how many.

    A running clock keeps the business time it had left as counted before, now counted on
    the calendar as it is; a paused clock keeps the business time it has left (that is
    what it resumes with), and its `provisional` mark follows the deadline it would get
    if resumed now. Provisional clocks are always looked at: the year may now be covered."""
    now = utc_now()
    changed = _changed_days(before, after, touched)
    # A deadline before the first changed day (local midnight, at the earliest in UTC) is
    # not moved by it.
    moved_from = (
        datetime.combine(changed[0], time(), after.timezone) - timedelta(days=1)
        if changed
        else None
    )
    affected = TicketClock.provisional | (TicketClock.state == ClockState.PAUSED)
    if moved_from is not None:
        affected = affected | (TicketClock.due_at > max(now, moved_from))
    clocks = session.scalars(
        select(TicketClock).where(
            TicketClock.calendar_id == calendar.id,
            TicketClock.state.in_(LIVE_STATES),
            affected,
        )
    ).all()
    events: list[dict[str, Any]] = []
    for clock in clocks:
        payload = (
            _recount_running(clock, before, after, now)
            if clock.state == ClockState.RUNNING
            else _recount_paused(clock, before, after, now)
        )
        if payload is not None:
            events.append(
                event_row(clock.ticket_id, EventKind.CLOCK_RECOMPUTED, actor, payload, now)
            )
    session.flush()
    record_events(session, events)
    _resync_tickets(session, {event["ticket_id"] for event in events})
    return len(events)


def _recount_running(
    clock: TicketClock, before: WorkingCalendar, after: WorkingCalendar, now: datetime
) -> dict[str, Any] | None:
    """The clock's event payload when its deadline or its provisional mark changed."""
    assert clock.due_at is not None
    previous, was_provisional = clock.due_at, clock.provisional
    due = _recount(before, after, now, previous)
    provisional = bool(after.uncovered_years(clock.started_at, due))
    if due == previous and provisional == was_provisional:
        return None
    clock.due_at = due
    if clock.warned_at is None and clock.warn_at is not None:
        clock.warn_at = _recount(before, after, now, clock.warn_at)
    clock.provisional = provisional
    clock.next_alert_at = next_alert(clock)
    return describe(clock) | {
        "previous_due_at": previous.isoformat(),
        "provisional": provisional,
    }


def _recount_paused(
    clock: TicketClock, before: WorkingCalendar, after: WorkingCalendar, now: datetime
) -> dict[str, Any] | None:
    left = timedelta(microseconds=clock.remaining_us or 0)
    due_before, due_after = before.add(now, left), after.add(now, left)
    provisional = bool(after.uncovered_years(now, due_after))
    if due_before == due_after and provisional == clock.provisional:
        return None
    clock.provisional = provisional
    return describe(clock) | {
        "remaining_seconds": left.total_seconds(),
        "due_if_resumed_now": due_after.isoformat(),
        "previous_due_if_resumed_now": due_before.isoformat(),
        "provisional": provisional,
    }


def _recount(
    before: WorkingCalendar, after: WorkingCalendar, now: datetime, moment: datetime
) -> datetime:
    if moment <= now:
        return moment
    return after.add(now, before.between(now, moment))


def _resync_tickets(session: Session, ticket_ids: set[int]) -> None:
    """Copy the new deadlines onto the tickets, without a new version: no one's action
    changed them, so no one's If-Match should fail for it."""
    if not ticket_ids:
        return
    by_ticket: dict[int, list[TicketClock]] = defaultdict(list)
    for clock in session.scalars(
        select(TicketClock).where(
            TicketClock.ticket_id.in_(ticket_ids), TicketClock.state.in_(LIVE_STATES)
        )
    ):
        by_ticket[clock.ticket_id].append(clock)
    for ticket_id, clocks in by_ticket.items():
        deadlines = Ticket()
        sync_deadlines(deadlines, clocks)
        session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(
                dispatch_due_at=deadlines.dispatch_due_at,
                sign_due_at=deadlines.sign_due_at,
                reply_due_at=deadlines.reply_due_at,
                next_due_at=deadlines.next_due_at,
            )
            .execution_options(synchronize_session=False)
        )


# --- Policies ---


def list_policies(session: Session) -> list[SlaPolicy]:
    return list(session.scalars(select(SlaPolicy).order_by(SlaPolicy.id)))


def category_code(session: Session, category_id: int) -> str:
    return session.get_one(Category, category_id).code


def calendar_code(session: Session, calendar_id: int) -> str:
    return session.get_one(WorkCalendar, calendar_id).code


def get_policy(session: Session, policy_id: int) -> SlaPolicy:
    policy = session.get(SlaPolicy, policy_id)
    if policy is None:
        raise NotFound(f"No SLA policy has id {policy_id}.")
    return policy


def _apply(session: Session, policy: SlaPolicy, body: SlaPolicyWrite) -> None:
    category_id = None
    if body.category_code is not None:
        category_id = categories.require_category_by_code(session, body.category_code).id
    calendar = session.scalars(
        select(WorkCalendar).where(WorkCalendar.code == body.calendar_code)
    ).one_or_none()
    if calendar is None:
        raise UnknownReference(
            f"No calendar has code {body.calendar_code!r}.", field="calendar_code"
        )
    taken = session.scalars(
        select(SlaPolicy.id).where(SlaPolicy.name == body.name, SlaPolicy.id != policy.id)
    ).first()
    if taken is not None:
        raise Conflict(f"Another policy is named {body.name!r}.")
    policy.name = body.name
    policy.request_type = body.request_type
    policy.category_id = category_id
    policy.priority = body.priority
    policy.calendar_id = calendar.id
    policy.dispatch_target = body.dispatch_target
    policy.sign_target = body.sign_target
    policy.reply_target = body.reply_target
    policy.return_window_target = body.return_window_target
    policy.warn_ratio = body.warn_ratio
    policy.warn_before_minutes = body.warn_before_minutes
    policy.max_extension_days = body.max_extension_days
    policy.enabled = body.enabled
    policy.updated_at = utc_now()


def create_policy(session: Session, body: SlaPolicyWrite, editor: Editor) -> SlaPolicy:
    """A new policy, recorded in the audit log; it applies to clocks started from now on."""
    policy = SlaPolicy(created_at=utc_now())
    _apply(session, policy, body)
    session.add(policy)
    session.flush()
    editor.record(session, AuditKind.SLA_POLICY, "create", str(policy.id), None, fields_of(policy))
    return policy


def update_policy(
    session: Session, policy: SlaPolicy, body: SlaPolicyWrite, editor: Editor
) -> SlaPolicy:
    """Clocks already running keep the deadlines they were given; new clocks follow.
    Recorded in the audit log."""
    before = fields_of(policy)
    _apply(session, policy, body)
    session.flush()
    editor.record(
        session, AuditKind.SLA_POLICY, "update", str(policy.id), before, fields_of(policy)
    )
    return policy


def delete_policy(session: Session, policy: SlaPolicy, editor: Editor) -> None:
    used = session.scalars(select(TicketClock.id).where(TicketClock.policy_id == policy.id)).first()
    if used is not None:
        raise Conflict(
            "Tickets' clocks were set by this policy; disable it (enabled: false) instead."
        )
    before = fields_of(policy)
    session.delete(policy)
    session.flush()
    editor.record(session, AuditKind.SLA_POLICY, "delete", str(policy.id), before, None)
