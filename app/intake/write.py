"""Intake's write: a draft's codes resolved, the ticket located and routed, then the ticket,
its events, its clocks, its photos and its units written in the intake's transaction.

The hot path of the service. Its INSERTs are Core statements handed to the driver
(app.driver_sql), and the ticket it answers with is made from what it wrote (app.db.transient),
not read back: `write` returns that ticket, whole (its clocks, photos and units set on it),
and the answer is built from nothing else.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.secrets import new_tracking_code
from app.categories import service as categories
from app.categories.models import Category
from app.channels.normalise import Answer, TicketDraft
from app.clock import utc_now
from app.db import column_values, insert_ignoring_conflict, transient
from app.dedup.cells import cell_of
from app.dedup.gazetteer import gazetteer_for, segmenter_of
from app.dedup.places import QR_POSTER_REACH_M, Gazetteer, locate
from app.dedup.similarity import keys_for_matching, text_for_matching
from app.dedup.words import load_vocabulary
from app.driver_sql import DriverStatement
from app.errors import UnknownReference
from app.geo.crs import Crs, to_wgs84
from app.grids.locator import GridIndex, LocatedGrid
from app.identity.actors import SYSTEM, Actor
from app.photos import service as photos_service
from app.photos.models import Photo
from app.routing import service as routing_service
from app.routing.service import RoutingState
from app.sla import clocks
from app.sla.catalogue import Catalogue
from app.tickets import service as tickets
from app.tickets.events import answer_payload, record_events, ticket_event_row
from app.tickets.models import Ticket, TicketAssistingUnit, TicketAttachment
from app.tickets.numbering import next_ticket_number
from app.units import service as units
from app.units.models import Department, Grid
from app.vocabulary import (
    Channel,
    ClockKind,
    EventKind,
    Priority,
    RequestType,
    TicketStatus,
)

GRID_LEVEL_COMMUNITY = 2
GRID_LEVEL_UNIT = 3


@dataclass(frozen=True)
class Written:
    """What `write` did: the ticket as written (or as found), to answer with."""

    ticket: Ticket
    created: bool  # False: the channel's external id was already known


@dataclass(frozen=True)
class ParentRef:
    """An open ticket a new one reports again: the new one is written under it at once."""

    id: int
    number: str
    reply_text: str | None


def _resolve_category(
    session: Session, snapshot: routing_service.RoutingSnapshot, code: str | None
) -> Category | None:
    if code is None:
        return None
    known = snapshot.categories.get(code)
    if known is None:
        # The snapshot may not hold a category added in the last seconds: the database decides.
        return categories.filing_category(session, code)
    if known.retired_at is not None:
        replacement_code, replacement_name = known.replacement or (None, None)
        categories.raise_retired(code, known.retired_at, replacement_code, replacement_name)
    return _category_from(known)


def _resolve_grid(session: Session, draft: TicketDraft, index: GridIndex | None) -> Grid | None:
    if draft.community_code is not None:
        code, level, field = draft.community_code, GRID_LEVEL_COMMUNITY, "community_code"
    elif draft.grid_code is not None:
        code, level, field = draft.grid_code, GRID_LEVEL_UNIT, "grid_code"
    else:
        return None
    kind = "community" if level == GRID_LEVEL_COMMUNITY else "unit grid"
    known = index.by_code.get(code) if index is not None else None
    # The index may not hold a grid changed in the last seconds: the database decides.
    grid = _grid_of(known) or units.grid_in_force(session, code, field, kind)
    if grid.level != level:
        raise UnknownReference(f"No {kind} has code {code!r}.", field=field)
    return grid


def _resolve_photos(session: Session, draft: TicketDraft) -> dict[str, Photo]:
    wanted = [ref.photo_id for ref in draft.photos]
    found = photos_service.get_photos(session, wanted)
    missing = [photo_id for photo_id in wanted if photo_id not in found]
    if missing:
        raise UnknownReference(
            f"Photo {missing[0]} was never uploaded; POST it to /api/v1/photos first.",
            field="photos",
            missing=missing,
        )
    return found


@dataclass(frozen=True)
class _Location:
    lat: float
    lon: float
    source_lat: float
    source_lon: float
    source_crs: Crs
    source: str  # "client", "photo_exif" or "address"
    radius_m: float | None = None  # "address": how far from the point the place may lie


def _locate(draft: TicketDraft, photos: dict[str, Photo]) -> _Location | None:
    if draft.location is not None:
        point = draft.location
        lat, lon = to_wgs84(point.lat, point.lon, point.crs)
        reach = QR_POSTER_REACH_M if draft.channel == Channel.QR_CODE else None
        return _Location(lat, lon, point.lat, point.lon, point.crs, "client", reach)
    for ref in draft.photos:
        photo = photos[ref.photo_id]
        if photo.exif_lat is not None and photo.exif_lon is not None:
            # A phone's GPS writes WGS-84 into EXIF.
            return _Location(
                photo.exif_lat,
                photo.exif_lon,
                photo.exif_lat,
                photo.exif_lon,
                Crs.WGS84,
                "photo_exif",
            )
    return None


def _new_ticket(
    draft: TicketDraft,
    request_type: str,
    number: str,
    category: Category | None,
    grid: Grid | None,
    location: _Location | None,
    now: datetime,
) -> Ticket:
    priority = draft.priority or (category.default_priority if category else Priority.NORMAL)
    return transient(
        Ticket,
        number=number,
        channel=draft.channel,
        external_id=draft.external_id,
        request_type=request_type,
        category_id=category.id if category else None,
        category=category,
        priority=priority,
        title=draft.title,
        description=draft.description,
        reporter_name=draft.reporter_name,
        reporter_phone=draft.reporter_phone,
        is_anonymous=draft.anonymous,
        is_confidential=draft.confidential,
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        source_lat=location.source_lat if location else None,
        source_lon=location.source_lon if location else None,
        source_crs=location.source_crs if location else None,
        geo_cell=cell_of(location.lat, location.lon) if location else None,
        match_text=text_for_matching(draft.title, draft.description),
        match_keys=None,
        location_radius_m=location.radius_m if location else None,
        address=draft.address,
        agent_summary=draft.agent_summary,
        community_code=draft.community_code,
        grid_id=grid.id if grid else None,
        grid=grid,
        assigned_grid=None,
        assigned_department=None,
        parent=None,
        status=TicketStatus.NEW,
        cycle=1,
        urge_count=0,
        is_supervised=False,
        reply_text=None,
        reply_kb_article=None,
        next_due_at=None,
        version=1,
        tracking_code=new_tracking_code(),
        channel_data=draft.channel_data,
        created_at=now,
        updated_at=now,
    )


_TICKETS: Table = Ticket.__table__  # type: ignore[assignment]
_ATTACHMENTS: Table = TicketAttachment.__table__  # type: ignore[assignment]
# Intake statements, built once (Core on the session's connection: no ORM on the hot path).
_ID_BY_EXTERNAL_ID = select(_TICKETS.c.id).where(
    _TICKETS.c.channel == bindparam("channel"), _TICKETS.c.external_id == bindparam("external_id")
)
_INSERT_ATTACHMENT = DriverStatement(insert(_ATTACHMENTS))


def _id_by_external_id(session: Session, channel: str, external_id: str) -> int | None:
    parameters = {"channel": channel, "external_id": external_id}
    found: int | None = session.connection().execute(_ID_BY_EXTERNAL_ID, parameters).scalar()
    return found


@dataclass(frozen=True)
class PreparedTicket:
    """A draft with its codes resolved and its routing decided: nothing written yet."""

    category: Category | None
    grid: Grid | None
    photos: dict[str, Photo]
    location: _Location | None
    outcome: routing_service.RoutingOutcome
    request_type: str  # as sent, else the category's default, the channel's, a complaint
    match_keys: str = ""


def _locate_address(draft: TicketDraft, gazetteer: Gazetteer) -> _Location | None:
    """An address without a point, matched to the gazetteer: the place's point, and how far
    the place reaches, so the duplicate search can find the ticket and it others."""
    if not draft.address:
        return None
    found = locate(draft.address, gazetteer)
    if found is None:
        return None
    return _Location(
        found.lat, found.lon, found.lat, found.lon, Crs.WGS84, "address", found.radius_m
    )


def prepare(
    session: Session,
    draft: TicketDraft,
    routing: RoutingState,
    confidence_threshold: float,
    places_file: Path | None = None,
    channel_request_types: Mapping[Channel, RequestType] | None = None,
) -> PreparedTicket:
    """Resolve the draft's codes and decide where it goes; intake and the dry run share it,
    so a dry run tells exactly what intake would do. A draft without a request type takes
    its category's default, else its channel's (`channel_request_types`), else complaint."""
    snapshot = routing.snapshot(session)
    category = _resolve_category(session, snapshot, draft.category_code)
    if not draft.request_type_given:
        known = snapshot.categories.get(category.code) if category else None
        by_channel = (channel_request_types or {}).get(Channel(draft.channel))
        default = (known.default_request_type if known else None) or by_channel
        if default:
            draft = replace(draft, request_type=default)
    index = routing.locator.index(session)
    grid = _resolve_grid(session, draft, index)
    photos = _resolve_photos(session, draft)
    location = _locate(draft, photos)
    outcome = routing_service.route(
        session,
        routing,
        tickets.routing_input(
            draft,
            category,
            grid,
            location.lat if location else None,
            location.lon if location else None,
        ),
        threshold=confidence_threshold,
    )
    # Routing goes by a device's point, else by the names in the address (a community's
    # centre would pick one of its unit grids at random); the duplicate search by either.
    gazetteer = gazetteer_for(index, places_file)
    location = location or _locate_address(draft, gazetteer)
    keys = keys_for_matching(
        draft.title,
        draft.description,
        draft.address,
        gazetteer,
        load_vocabulary(),
        segmenter_of(gazetteer, snapshot.categories),
    )
    return PreparedTicket(category, grid, photos, location, outcome, draft.request_type, keys)


def draft_ticket(
    session: Session, draft: TicketDraft, prepared: PreparedTicket, timezone: ZoneInfo
) -> Ticket:
    """The ticket `draft` becomes, numbered and routed: nothing of it is written yet but
    its number."""
    now = utc_now()
    outcome = prepared.outcome
    ticket = _new_ticket(
        draft,
        prepared.request_type,
        next_ticket_number(session, now, timezone),
        prepared.category or _category_of(outcome),
        prepared.grid or _grid_of(outcome.grid),
        prepared.location,
        now,
    )
    ticket.match_keys = prepared.match_keys or None
    if draft.answered is None:
        apply_routing(ticket, outcome, now)
    else:
        # Answered during the call: the routing's unit is not needed, its map version is
        # still worth keeping for the ticket's place.
        ticket.grid_map_version_id = outcome.map_version_id
        ticket.status = TicketStatus.REPLIED
        ticket.reply_text = draft.answered.text
        ticket.reply_kb_article = draft.answered.kb_article
    return ticket


def write(
    session: Session,
    ticket: Ticket,
    draft: TicketDraft,
    prepared: PreparedTicket,
    actor: Actor,
    catalogue: Catalogue,
    parent: ParentRef | None,
) -> Written:
    """Put `ticket` in the queue with its `received` and routing events, its clocks, its
    photos and its assisting units; or find the ticket the channel already filed under the
    same external id (then nothing is written but a skipped ticket number). A ticket with
    a `parent` is written merged under it, without clocks of its own: the parent's run for
    both."""
    now = ticket.created_at
    if parent is not None:
        _place_under(ticket, parent)
    planned = _plan_clocks(ticket, catalogue, now) if parent is None else None
    ticket_id = insert_ignoring_conflict(
        session, _TICKETS, column_values(ticket), ["channel", "external_id"]
    )
    if ticket_id is None:
        # The channel filed this external id before (or a concurrent request just did and
        # has committed). A re-post is rare: it pays for the work above rather than every
        # new ticket paying a lookup first; the only trace is a skipped ticket number.
        existing_id = _id_by_external_id(session, draft.channel, draft.external_id or "")
        assert existing_id is not None
        return Written(tickets.load_ticket(session, existing_id), created=False)
    ticket.id = ticket_id
    location, outcome, photos = prepared.location, prepared.outcome, prepared.photos
    received = {
        "channel": draft.channel,
        "external_id": draft.external_id,
        "location_source": location.source if location else None,
        "photos": len(draft.photos),
        # What the statistics file the ticket under (app/stats/tally.py).
        "request_type": ticket.request_type,
        "category": ticket.category.code if ticket.category else None,
        "grid": ticket.grid.code if ticket.grid else None,
    }
    events = [
        ticket_event_row(ticket, EventKind.RECEIVED, actor, received, now),
        _routing_event(ticket, outcome, SYSTEM, now)
        if draft.answered is None
        else _answered_event(ticket, draft.answered, actor, now),
    ]
    if _routed(ticket, outcome):
        _save_assisting_units(session, ticket)
    if planned is not None:
        events += clocks.write(session, ticket, planned, now, SYSTEM)
        set_committed_value(ticket, "clocks", planned.clocks)
    # Every line in one statement: intake is the service's hot path.
    record_events(session, events)
    attachments = [
        transient(
            TicketAttachment,
            ticket_id=ticket_id,
            photo_id=ref.photo_id,
            photo=photos[ref.photo_id],
            role=ref.role,
            position=position,
            is_public=False,
            created_at=now,
        )
        for position, ref in enumerate(draft.photos)
    ]
    set_committed_value(ticket, "attachments", attachments)
    if attachments:
        _INSERT_ATTACHMENT.execute(session.connection(), [column_values(a) for a in attachments])
    return Written(ticket, created=True)


def _place_under(ticket: Ticket, parent: ParentRef) -> None:
    ticket.parent_id = parent.id
    ticket.parent = transient(Ticket, id=parent.id, number=parent.number)
    ticket.status = TicketStatus.MERGED
    ticket.reply_text = parent.reply_text


def _plan_clocks(ticket: Ticket, catalogue: Catalogue, now: datetime) -> clocks.Plan | None:
    """The citizen's reply clock runs from intake; a routed ticket's unit gets its clocks
    at once, an unrouted one waits on the centre's dispatch clock, and one answered during
    the call has nothing left to wait for."""
    if ticket.status == TicketStatus.REPLIED:
        return None
    if ticket.status == TicketStatus.DISPATCHED:
        unit = clocks.Unit(ticket.assigned_department_id, ticket.assigned_grid_id)
        kinds: tuple[ClockKind, ...] = (ClockKind.REPLY, *clocks.UNIT_CLOCKS)
    else:
        unit, kinds = clocks.Unit(), (ClockKind.DISPATCH, ClockKind.REPLY)
    planned = clocks.plan(ticket, kinds, catalogue, now, unit)
    if planned is not None:
        clocks.sync_deadlines(ticket, planned.clocks)
    return planned


def _category_of(outcome: routing_service.RoutingOutcome) -> Category | None:
    return _category_from(outcome.category) if outcome.category else None


def _category_from(info: routing_service.CategoryInfo) -> Category:
    return transient(
        Category, id=info.id, code=info.code, name=info.name, default_priority=info.default_priority
    )


def _grid_of(located: LocatedGrid | None) -> Grid | None:
    if located is None:
        return None
    return transient(
        Grid,
        id=located.grid_id,
        code=located.code,
        name=located.name,
        level=located.level,
        path=located.path,
    )


def apply_routing(ticket: Ticket, outcome: routing_service.RoutingOutcome, now: datetime) -> None:
    """Put the routing outcome on the ticket: its map version, its lead unit, its
    assisting units, and the dispatched status when a unit was found."""
    ticket.grid_map_version_id = outcome.map_version_id
    if outcome.lead_department_id is not None and outcome.decision.lead is not None:
        code = outcome.decision.lead.code
        name = outcome.snapshot.departments[code][1]
        ticket.assigned_department_id = outcome.lead_department_id
        ticket.assigned_department = transient(
            Department, id=outcome.lead_department_id, code=code, name=name
        )
    elif outcome.lead_grid_id is not None and outcome.index is not None:
        ticket.assigned_grid_id = outcome.lead_grid_id
        ticket.assigned_grid = _grid_of(outcome.index.by_id[outcome.lead_grid_id])
    else:
        return
    ticket.status = TicketStatus.DISPATCHED
    names = {
        department_id: (code, name)
        for code, (department_id, name) in (outcome.snapshot.departments.items())
    }
    assisting = [
        transient(
            TicketAssistingUnit,
            department_id=unit_id,
            department=transient(
                Department, id=unit_id, code=names[unit_id][0], name=names[unit_id][1]
            ),
            created_at=now,
        )
        for kind, unit_id in outcome.assisting
        if kind == "department"
    ]
    set_committed_value(ticket, "assisting_units", assisting)


def _routed(ticket: Ticket, outcome: routing_service.RoutingOutcome) -> bool:
    """Whether the ticket went to the unit routing chose (not when it was merged instead)."""
    return outcome.decision.lead is not None and ticket.status == TicketStatus.DISPATCHED


def _routing_event(
    ticket: Ticket, outcome: routing_service.RoutingOutcome, actor: Actor, now: datetime
) -> dict[str, Any]:
    """The timeline row of the routing decision: where the ticket went, or that it waits."""
    kind = EventKind.ROUTED if _routed(ticket, outcome) else EventKind.ROUTING_PENDING
    return ticket_event_row(ticket, kind, actor, outcome.event_payload(), now)


def _answered_event(ticket: Ticket, answer: Answer, actor: Actor, now: datetime) -> dict[str, Any]:
    payload = answer_payload(answer.text, answer.kb_article)
    return ticket_event_row(ticket, EventKind.ANSWERED_AT_ONCE, actor, payload, now)


def _save_assisting_units(session: Session, ticket: Ticket) -> None:
    if ticket.assisting_units:
        for unit in ticket.assisting_units:
            unit.ticket_id = ticket.id
        tickets.add_assisting_units(
            session, [column_values(unit) for unit in ticket.assisting_units]
        )
