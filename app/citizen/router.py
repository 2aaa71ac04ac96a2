"""HTTP for citizens, without an account: rate limited so numbers cannot be enumerated."""

from fastapi import APIRouter, Depends, Request

from app.auth.actors import ActorKind
from app.citizen import service
from app.citizen.schemas import (
    CitizenCredentials,
    CitizenEvaluation,
    CitizenTicketView,
    MeToo,
    MeTooAnswer,
    PublicEvent,
    SimilarQuery,
    SimilarTickets,
)
from app.clock import utc_now
from app.dedup import service as dedup
from app.dedup.gazetteer import gazetteer_for
from app.dependencies import ResourcesDep, SessionDep
from app.observability.requests import note_actor, note_ticket
from app.ratelimit.dependencies import enforce, per_address
from app.tickets.models import Ticket
from app.tickets.vocabulary import PUBLIC_EVENTS, EventKind

router = APIRouter(
    prefix="/public/tickets",
    tags=["citizens"],
    dependencies=[Depends(per_address("public", lambda s: s.rate_limit_public_per_minute))],
)

# Guesses at one ticket's code are limited whatever addresses they come from.
ATTEMPTS_PER_TICKET_PER_MINUTE = 10


def _own_ticket(session: SessionDep, credentials: CitizenCredentials, request: Request) -> Ticket:
    enforce(request, "public-ticket", credentials.number, ATTEMPTS_PER_TICKET_PER_MINUTE)
    ticket = service.find_own_ticket(session, credentials)
    note_actor(ActorKind.CITIZEN)  # for the request's log line: a citizen proved it is theirs
    note_ticket(ticket.number)
    return ticket


def _view(session: SessionDep, ticket: Ticket) -> CitizenTicketView:
    return CitizenTicketView(
        number=ticket.number,
        status=ticket.status,
        title=ticket.title,
        category=ticket.category.name if ticket.category else None,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        reply_due_at=ticket.reply_due_at,
        reply=ticket.reply_text,
        can_evaluate=service.can_evaluate(session, ticket),
        timeline=[
            PublicEvent(
                kind=event.kind, label=PUBLIC_EVENTS[EventKind(event.kind)], at=event.created_at
            )
            for event in service.public_timeline(session, ticket)
        ],
    )


@router.post("/lookup", summary="Follow one's own ticket: number plus tracking code or phone")
def lookup(body: CitizenCredentials, request: Request, session: SessionDep) -> CitizenTicketView:
    """Status and what happened when; no staff names, no internal notes. POST, so the phone
    number never appears in a URL or an access log."""
    return _view(session, _own_ticket(session, body, request))


@router.post("/evaluation", summary="Evaluate how one's ticket was handled (once)")
def evaluate(body: CitizenEvaluation, request: Request, session: SessionDep) -> CitizenTicketView:
    ticket = _own_ticket(session, body, request)
    service.evaluate(session, ticket, body)
    return _view(session, ticket)


@router.post(
    "/similar",
    summary="Already reported? Open tickets nearby that look like the same problem",
    responses={422: {"description": "Neither a location nor an address; an unknown category"}},
)
def similar(body: SimilarQuery, session: SessionDep, resources: ResourcesDep) -> SimilarTickets:
    """For the citizen app and the QR page, before a report is filed: the open tickets near
    the point (or the address) that the duplicate score takes for the same problem, best
    first, with public fields only. The citizen may join one ("me too") instead of filing."""
    routing = resources.routing
    gazetteer = gazetteer_for(routing.locator.index(session), resources.settings.places_file)
    found = service.similar_open_tickets(
        session,
        body,
        routing.snapshot(session),
        gazetteer,
        dedup.dedup_settings(resources.settings),
        utc_now(),
    )
    return SimilarTickets(tickets=found)


@router.post(
    "/me-too",
    summary="Join an open ticket: the problem is reported once more",
    responses={
        404: {"description": "No open ticket has that number"},
        409: {"description": "The ticket is no longer open"},
    },
)
def me_too(body: MeToo, request: Request, session: SessionDep) -> MeTooAnswer:
    """Counted as one more contact on the ticket (or the ticket it was merged into), with a
    `me_too` event; the phone then follows it: `lookup` with the number and this phone shows
    its status and the unit's reply once there is one. Joining twice counts once."""
    enforce(request, "public-ticket", body.number, ATTEMPTS_PER_TICKET_PER_MINUTE)
    ticket = service.me_too(session, body, utc_now())
    return MeTooAnswer(
        number=ticket.number,
        status=ticket.status,
        contacts=dedup.contacts(session, ticket).count,
    )
