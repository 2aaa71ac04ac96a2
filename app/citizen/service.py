"""Citizen self-service: follow one's own ticket, then evaluate how it was handled; before
reporting, see whether the problem is already reported, and join that ticket instead."""

import hmac
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.citizen.schemas import (
    CitizenCredentials,
    CitizenEvaluation,
    MeToo,
    SimilarQuery,
    SimilarTicket,
)
from app.dedup import service as dedup
from app.dedup.gazetteer import segmenter_of
from app.dedup.models import TicketFollower
from app.dedup.places import Gazetteer, PlaceEvidence, locate
from app.dedup.scoring import spoken
from app.dedup.similarity import keys_for_matching, text_for_matching
from app.dedup.words import load_vocabulary
from app.errors import Conflict, NotFound, UnknownReference
from app.geo.crs import to_wgs84
from app.identity.actors import Actor, ActorKind
from app.photos.kinds import UploadKind
from app.photos.models import Photo
from app.privacy.masking import national_phone, same_phone
from app.routing.service import RoutingSnapshot
from app.tickets import service as tickets
from app.tickets.events import record_event
from app.tickets.models import Ticket, TicketAttachment, TicketEvent
from app.tickets.service import mark_changed
from app.vocabulary import (
    EVALUABLE_STATUSES,
    OPEN_STATUSES,
    AttachmentRole,
    EventKind,
    TicketStatus,
)

NOT_FOUND = "No ticket matches that number and code or phone."
CITIZEN = Actor(ActorKind.CITIZEN)


def find_own_ticket(session: Session, credentials: CitizenCredentials) -> Ticket:
    """The ticket, when the code or phone proves it is the caller's. One answer for every
    failure, so nobody learns which numbers exist."""
    query = (
        select(Ticket)
        .where(Ticket.number == credentials.number)
        .options(joinedload(Ticket.category), selectinload(Ticket.attachments))
    )
    ticket = session.scalars(query).one_or_none()
    if ticket is None:
        raise NotFound(NOT_FOUND)
    # A citizen who joined the ticket ("me too") follows it with their phone.
    if not (_proves(ticket, credentials) or follows(session, ticket, credentials.phone)):
        raise NotFound(NOT_FOUND)
    return ticket


def public_upload(session: Session, upload_id: str, kind: UploadKind) -> Photo:
    """A photo or file staff chose to show citizens (a reply's, a public note's), else
    404: the reporter's own photos and staff's internal evidence are never served here."""
    query = (
        select(Photo)
        .join(TicketAttachment, TicketAttachment.photo_id == Photo.id)
        .where(Photo.id == upload_id, Photo.kind == kind, TicketAttachment.is_public)
    )
    upload = session.scalars(query.limit(1)).first()
    if upload is None:
        raise NotFound(f"No public {kind} has id {upload_id!r}.")
    return upload


def reply_attachments(session: Session, ticket: Ticket) -> list[TicketAttachment]:
    """The public photos and files of the reply the citizen reads, once there is one. A
    ticket merged into another reads the reply of the ticket that handled both, so it
    gets that ticket's reply attachments: staff made them public, and nothing else of
    that ticket (its reporter, its notes, its own photos) comes with them."""
    if ticket.reply_text is None:
        return []
    if ticket.parent_id is None:
        attachments = ticket.attachments
    else:
        query = select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.parent_id)
        attachments = list(session.scalars(query.order_by(TicketAttachment.position)))
    return [a for a in attachments if a.is_public and a.role == AttachmentRole.REPLY]


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


SIMILAR_SHOWN = 5


def similar_open_tickets(
    session: Session,
    query: SimilarQuery,
    snapshot: RoutingSnapshot,
    gazetteer: Gazetteer,
    settings: dedup.Settings,
    now: datetime,
) -> list[SimilarTicket]:
    """Open tickets that look like the problem a citizen is about to report, best first,
    scored as intake would score the report; confidential ones are never shown."""
    info = snapshot.categories.get(query.category_code) if query.category_code else None
    if query.category_code and info is None:
        raise UnknownReference(
            f"Category {query.category_code} does not exist.", field="category_code"
        )
    lat = lon = radius = None
    if query.location is not None:
        lat, lon = to_wgs84(query.location.lat, query.location.lon, query.location.crs)
    elif query.address and (found := locate(query.address, gazetteer)) is not None:
        lat, lon, radius = found.lat, found.lon, found.radius_m
    if lat is None or lon is None:
        return []  # nowhere to look: an address the gazetteer does not know
    draft = Ticket(
        id=0,
        category_id=info.id if info else None,
        lat=lat,
        lon=lon,
        location_radius_m=radius,
        reporter_phone=None,
        match_text=text_for_matching(query.description, query.description),
        match_keys=keys_for_matching(
            query.description,
            query.description,
            query.address,
            gazetteer,
            load_vocabulary(),
            segmenter_of(gazetteer, snapshot.categories),
        ),
        created_at=now,
    )
    found_candidates = dedup.find(session, draft, snapshot.categories_by_id, settings)
    likely = [
        c
        for c in found_candidates
        if c.status in OPEN_STATUSES and c.match.score >= settings.flag_score
    ]
    shown = []
    for candidate in likely:
        ticket = session.get(Ticket, candidate.ticket_id)
        if ticket is None or ticket.is_confidential:
            continue
        category = snapshot.categories_by_id.get(ticket.category_id or 0)
        places = candidate.match.places
        shown.append(
            SimilarTicket(
                number=ticket.number,
                status=TicketStatus(ticket.status),
                category=category.name if category else None,
                created_at=ticket.created_at,
                distance_m=round(candidate.match.distance_m)
                if candidate.match.distance_m is not None
                else None,
                score=candidate.match.score,
                contacts=dedup.contacts(session, ticket).count,
                same_place=dedup_reasons_same_place(places),
                words_in_common=list(candidate.match.concepts),
            )
        )
        if len(shown) == SIMILAR_SHOWN:
            break
    return shown


def dedup_reasons_same_place(places: PlaceEvidence | None) -> list[str]:
    if places is None:
        return []
    return [spoken(key) for key in places.same] + [key[2:] for key in places.area]


def me_too(session: Session, body: MeToo, now: datetime) -> Ticket:
    """The citizen joins the open ticket (or the one it was merged into): one more contact,
    a `me_too` event, and their phone may follow it in self-service from now on."""
    ticket = session.scalars(select(Ticket).where(Ticket.number == body.number)).one_or_none()
    if ticket is not None and ticket.parent_id is not None:
        ticket = session.get(Ticket, ticket.parent_id)
    if ticket is None or ticket.is_confidential:
        raise NotFound("No open ticket has that number.")
    if ticket.status not in OPEN_STATUSES:
        raise Conflict(
            f"Ticket {ticket.number} is {ticket.status}: report the problem anew.",
            ticket_status=ticket.status,
        )
    phone = national_phone(body.phone)
    known = session.scalar(
        select(TicketFollower.id).where(
            TicketFollower.ticket_id == ticket.id, TicketFollower.phone == phone
        )
    )
    if known is None and not same_phone(phone, ticket.reporter_phone):
        session.add(TicketFollower(ticket_id=ticket.id, phone=phone, created_at=now))
        session.flush()
        count = dedup.contacts(session, ticket).count
        record_event(session, ticket, EventKind.ME_TOO, CITIZEN, {"contacts": count}, at=now)
        mark_changed(session, ticket, now)
    return ticket


def follows(session: Session, ticket: Ticket, phone: str | None) -> bool:
    if not phone:
        return False
    found = session.scalar(
        select(TicketFollower.id).where(
            TicketFollower.ticket_id == ticket.id,
            TicketFollower.phone == national_phone(phone),
        )
    )
    return found is not None
