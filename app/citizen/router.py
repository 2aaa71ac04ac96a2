"""HTTP for citizens, without an account: rate limited so numbers cannot be enumerated."""

from collections.abc import Iterable

from fastapi import APIRouter, Depends, Request, Response

from app.citizen import service
from app.citizen.schemas import (
    CitizenCredentials,
    CitizenEvaluation,
    CitizenTicketView,
    MeToo,
    MeTooAnswer,
    PublicEvent,
    PublicFile,
    PublicPhoto,
    SimilarQuery,
    SimilarTickets,
)
from app.clock import utc_now
from app.dedup import service as dedup
from app.dedup.gazetteer import gazetteer_for
from app.dependencies import ResourcesDep, SessionDep, SettingsDep, enforce, per_address
from app.errors import problem_responses
from app.identity.actors import ActorKind
from app.observability.requests import note_actor, note_ticket
from app.photos.kinds import UploadKind
from app.photos.schemas import pixels
from app.photos.serving import (
    FILE_CONTENT,
    IMAGE_CONTENT,
    MISSING_BYTES,
    file_response,
    photo_response,
)
from app.routing.service import ROUTING
from app.tickets.models import Ticket, TicketAttachment, TicketEvent
from app.vocabulary import PUBLIC_EVENTS, EventKind

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


PUBLIC_PHOTOS = "/api/v1/public/photos"
PUBLIC_FILES = "/api/v1/public/files"


def _photo(attachment: TicketAttachment) -> PublicPhoto:
    photo = attachment.photo
    width, height = pixels(photo)
    return PublicPhoto(
        url=f"{PUBLIC_PHOTOS}/{photo.id}",
        content_type=photo.content_type,
        width=width,
        height=height,
    )


def _file(attachment: TicketAttachment) -> PublicFile:
    file = attachment.photo
    return PublicFile(
        url=f"{PUBLIC_FILES}/{file.id}", content_type=file.content_type, size_bytes=file.size_bytes
    )


def _split(attachments: Iterable[TicketAttachment]) -> tuple[list[PublicPhoto], list[PublicFile]]:
    photos, files = [], []
    for attachment in attachments:
        if attachment.photo.kind == UploadKind.FILE:
            files.append(_file(attachment))
        else:
            photos.append(_photo(attachment))
    return photos, files


def _event(event: TicketEvent, public: dict[str, TicketAttachment]) -> PublicEvent:
    shown = PublicEvent(
        kind=event.kind, label=PUBLIC_EVENTS[EventKind(event.kind)], at=event.created_at
    )
    if event.kind == EventKind.PUBLIC_NOTE_ADDED:
        shown.text = event.payload.get("text")
        ids = [*event.payload.get("photos", []), *event.payload.get("files", [])]
        shown.photos, shown.files = _split(public[i] for i in ids if i in public)
    return shown


def _view(session: SessionDep, ticket: Ticket) -> CitizenTicketView:
    public = {a.photo_id: a for a in ticket.attachments if a.is_public}
    reply_photos, reply_files = _split(service.reply_attachments(session, ticket))
    return CitizenTicketView(
        number=ticket.number,
        status=ticket.status,
        title=ticket.title,
        category=ticket.category.name if ticket.category else None,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        reply_due_at=ticket.reply_due_at,
        reply=ticket.reply_text,
        reply_photos=reply_photos,
        reply_files=reply_files,
        can_evaluate=service.can_evaluate(session, ticket),
        timeline=[_event(event, public) for event in service.public_timeline(session, ticket)],
    )


_NO_SUCH_TICKET = problem_responses(
    (404, "No ticket has that number with that tracking code or phone"),
    (429, "Too many attempts at this ticket; see Retry-After"),
)


uploads_router = APIRouter(
    prefix="/public",
    tags=["citizens"],
    dependencies=[Depends(per_address("public", lambda s: s.rate_limit_public_per_minute))],
)


@uploads_router.get(
    "/photos/{photo_id}",
    summary="A photo staff showed the citizen (a reply's, a public note's), metadata removed",
    response_class=Response,
    responses={
        200: {"content": IMAGE_CONTENT},
        **problem_responses((404, "No public photo has that id"), MISSING_BYTES),
    },
)
def public_photo(photo_id: str, session: SessionDep, settings: SettingsDep) -> Response:
    """No credentials: the id is a content hash nobody can guess, given in the citizen's
    own view, and only photos staff made public are served."""
    photo = service.public_upload(session, photo_id, UploadKind.PHOTO)
    return photo_response(session, settings, photo)


@uploads_router.get(
    "/files/{file_id}",
    summary="A file staff offered the citizen (a reply's, a public note's), as a download",
    response_class=Response,
    responses={
        200: {"content": FILE_CONTENT},
        **problem_responses((404, "No public file has that id"), MISSING_BYTES),
    },
)
def public_file(file_id: str, session: SessionDep, settings: SettingsDep) -> Response:
    """As for photos: only files staff made public, found by the id in the citizen's own
    view. Named by its id, not by the name staff uploaded it under."""
    file = service.public_upload(session, file_id, UploadKind.FILE)
    return file_response(session, settings, file, show_name=False)


@router.post(
    "/lookup",
    summary="Follow one's own ticket: number plus tracking code or phone",
    responses=_NO_SUCH_TICKET,
)
def look_up_own_ticket(
    body: CitizenCredentials, request: Request, session: SessionDep
) -> CitizenTicketView:
    """Status and what happened when; no staff names, no internal notes. POST, so the phone
    number never appears in a URL or an access log."""
    return _view(session, _own_ticket(session, body, request))


@router.post(
    "/evaluation",
    summary="Evaluate how one's ticket was handled (once)",
    responses={**_NO_SUCH_TICKET, **problem_responses((409, "Already evaluated, or not replied"))},
)
def evaluate_own_ticket(
    body: CitizenEvaluation, request: Request, session: SessionDep
) -> CitizenTicketView:
    ticket = _own_ticket(session, body, request)
    service.evaluate(session, ticket, body)
    return _view(session, ticket)


@router.post(
    "/similar",
    summary="Already reported? Open tickets nearby that look like the same problem",
    responses={422: {"description": "Neither a location nor an address; an unknown category"}},
)
def find_similar_tickets(
    body: SimilarQuery, session: SessionDep, resources: ResourcesDep
) -> SimilarTickets:
    """For the citizen app and the QR page, before a report is filed: the open tickets near
    the point (or the address) that the duplicate score takes for the same problem, best
    first, with public fields only. The citizen may join one ("me too") instead of filing."""
    routing = resources[ROUTING]
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
