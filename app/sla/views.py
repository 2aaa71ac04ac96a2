"""A ticket's clocks as the queue and the detail show them."""

from collections.abc import Iterable
from datetime import datetime

from app.sla.catalogue import Catalogue
from app.sla.models import TicketClock
from app.tickets.schemas import ClockRead
from app.vocabulary import ClockState


def _remaining_seconds(
    clock: TicketClock, catalogue: Catalogue, now: datetime | None
) -> float | None:
    if now is None:
        return None
    if clock.state == ClockState.PAUSED:
        return (clock.remaining_us or 0) / 1e6
    calendar = catalogue.calendars.get(clock.calendar_id)
    if clock.state != ClockState.RUNNING or clock.due_at is None or calendar is None:
        return None
    return calendar.between(now, clock.due_at).total_seconds()


def _passed(clock: TicketClock, moment: datetime | None, now: datetime | None) -> bool:
    """True before the sweeper has been by: the view tells the truth at once."""
    return (
        now is not None
        and clock.state == ClockState.RUNNING
        and moment is not None
        and moment <= now
    )


def clock_reads(
    clocks: Iterable[TicketClock], catalogue: Catalogue, now: datetime | None
) -> list[ClockRead]:
    """`now` None: without the business time left (see `tickets.views.read`)."""
    return [
        ClockRead(
            clock=clock.kind,
            cycle=clock.cycle,
            state=clock.state,
            target=clock.target,
            started_at=clock.started_at,
            due_at=clock.due_at,
            remaining_seconds=_remaining_seconds(clock, catalogue, now),
            warned=clock.warned_at is not None or _passed(clock, clock.warn_at, now),
            breached=clock.breached_at is not None or _passed(clock, clock.due_at, now),
            paused=clock.state == ClockState.PAUSED,
            provisional=clock.provisional,
            extended_days=clock.extended_days,
            stopped_at=clock.stopped_at,
        )
        for clock in clocks
    ]
