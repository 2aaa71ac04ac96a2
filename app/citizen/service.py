"""Citizen self-service: follow one's own ticket, then evaluate how it was handled."""

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.auth.actors import Actor, ActorKind
from app.citizen.schemas import CitizenCredentials, CitizenEvaluation
from app.errors import Conflict, NotFound
from app.privacy.masking import same_phone
from app.tickets import service as tickets
from app.tickets.events import record_event
from app.tickets.models import Ticket, TicketEvent
from app.tickets.vocabulary import EVALUABLE_STATUSES, EventKind, TicketStatus

NOT_FOUND = "No ticket matches that number and code or phone."
CITIZEN = Actor(ActorKind.CITIZEN)


def find_own_ticket(session: Session, credentials: CitizenCredentials) -> Ticket:
    """The ticket, when the code or phone proves it is the caller's. One answer for every
    failure, so nobody learns which numbers exist."""
    query = (
        select(Ticket)
        .where(Ticket.number == credentials.number)
        .options(joinedload(Ticket.category))
    )
    ticket = session.scalars(query).one_or_none()
    if ticket is None or not _proves(ticket, credentials):
        raise NotFound(NOT_FOUND)
    return ticket


def _proves(ticket: Ticket, credentials: CitizenCredentials) -> bool:
    if credentials.tracking_code is not None:
        return hmac.compare_digest(credentials.tracking_code, ticket.tracking_code)
    return same_phone(credentials.phone, ticket.reporter_phone)


def public_timeline(session: Session, ticket: Ticket) -> list[TicketEvent]:
    return tickets.public_timeline(session, ticket)


def has_evaluated(session: Session, ticket: Ticket) -> bool:
    query = select(TicketEvent.id).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.CITIZEN_EVALUATED
    )
    return session.scalars(query.limit(1)).first() is not None


def can_evaluate(session: Session, ticket: Ticket) -> bool:
    return _replied(ticket) and not has_evaluated(session, ticket)


def _replied(ticket: Ticket) -> bool:
    """The unit has replied: to this ticket, or to the one it was merged into."""
    merged_and_answered = ticket.status == TicketStatus.MERGED and ticket.reply_text is not None
    return ticket.status in EVALUABLE_STATUSES or merged_and_answered


def evaluate(session: Session, ticket: Ticket, evaluation: CitizenEvaluation) -> None:
    """Record the citizen's evaluation once, after the unit has replied."""
    if not _replied(ticket):
        raise Conflict(
            "The ticket can be evaluated once the unit has replied.", ticket_status=ticket.status
        )
    if has_evaluated(session, ticket):
        raise Conflict("This ticket has been evaluated already.")
    record_event(
        session,
        ticket,
        EventKind.CITIZEN_EVALUATED,
        CITIZEN,
        {
            "satisfaction": evaluation.satisfaction,
            "solved": evaluation.solved,
            "comment": evaluation.comment,
        },
    )
    session.flush()
