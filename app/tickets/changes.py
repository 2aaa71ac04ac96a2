"""What a session wrote about its tickets behind their ORM objects' backs.

Core statements (assisting units rewritten, clocks written) leave the session's ORM
objects stale until they are read again. Each such write marks its ticket here, the
readers that bring the objects up to date (`tickets.service.reload_units`,
`sla.clocks.refresh_deadlines`) take the marks, and the answer is refused
(`StaleTicket`) while a mark is left: a forgotten reload is an error, not a stale answer.
"""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.tickets.models import Ticket

_KEY = "ticket_changes"


class StaleTicket(RuntimeError):
    """An answer was about to show a ticket whose units or clocks were rewritten unread."""


@dataclass
class TicketChanges:
    """One session's marks, by ticket id."""

    # Tickets whose version this session raised (once, however many flushes a change takes).
    versioned: set[int] = field(default_factory=set)
    units_rewritten: set[int] = field(default_factory=set)
    clocks_rewritten: set[int] = field(default_factory=set)


def of(session: Session) -> TicketChanges:
    changes = session.info.get(_KEY)
    if changes is None:
        changes = session.info[_KEY] = TicketChanges()
    assert isinstance(changes, TicketChanges)
    return changes


def take(marks: set[int], ticket: Ticket) -> bool:
    """Whether `ticket` was marked in `marks`; the mark is gone afterwards."""
    if ticket.id in marks:
        marks.discard(ticket.id)
        return True
    return False


def all_read_again(session: Session) -> None:
    """Every object of the session was expired: each is read afresh, marks and all."""
    found = of(session)
    found.units_rewritten.clear()
    found.clocks_rewritten.clear()


def ensure_shown(session: Session, ticket: Ticket) -> None:
    """Raise when `ticket` has units or clocks rewritten that its object does not show."""
    changes = of(session)
    if ticket.id in changes.units_rewritten or ticket.id in changes.clocks_rewritten:
        raise StaleTicket(
            f"Ticket {ticket.number} was changed by Core statements and not read again: "
            "call tickets.service.reload_units / sla.clocks.refresh_deadlines first."
        )
