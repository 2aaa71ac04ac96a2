"""Taking tickets in, listing the queue and reading one ticket with its timeline."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, and_, bindparam, delete, insert, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement

from app.auth.actors import SYSTEM, Actor
from app.auth.principal import StaffPrincipal
from app.auth.secrets import new_tracking_code
from app.categories import service as categories
from app.categories.models import Category
from app.channels.normalise import TicketDraft
from app.clock import utc_now
from app.db import column_values, insert_ignoring_conflict, transient
from app.dedup.cells import cell_of
from app.dedup.similarity import text_for_matching
from app.driver_sql import DriverStatement
from app.errors import Conflict, Forbidden, NotFound, UnknownReference
from app.geo.crs import Crs, to_wgs84
from app.grids.locator import GridIndex, LocatedGrid
from app.photos import service as photos_service
from app.photos.models import Photo
from app.privacy.disclosure import may_reveal_reporter
from app.routing import service as routing_service
from app.routing.service import RoutingState
from app.sla import clocks
from app.sla.catalogue import Catalogue
from app.sla.models import TicketClock
from app.tickets import scoping
from app.tickets.events import record_event, record_events, ticket_event_row
from app.tickets.models import Ticket, TicketAssistingUnit, TicketAttachment, TicketEvent
from app.tickets.numbering import next_ticket_number
from app.tickets.pagination import Cursor, SortOrder
from app.tickets.vocabulary import (
    ADMIN_ONLY_EVENTS,
    OPEN_STATUSES,
    ClockKind,
    ClockState,
    EventKind,
    Priority,
    TicketStatus,
)
from app.units import service as units
from app.units.models import Department, Grid

GRID_LEVEL_COMMUNITY = 2
GRID_LEVEL_UNIT = 3


@dataclass(frozen=True)
class IntakeResult:
    ticket: Ticket
    created: bool  # False: the channel's external id was already known


@dataclass(frozen=True)
class ParentRef:
    """An open ticket a new one reports again: the new one is written under it at once."""

    id: int
    number: str
    reply_text: str | None


# Asked of a new ticket before it is written: the open ticket to merge it into, if any.
MergeCheck = Callable[[Ticket], ParentRef | None]


@dataclass(frozen=True)
class TicketFilters:
    statuses: Sequence[str] = ()
    channels: Sequence[str] = ()
    request_types: Sequence[str] = ()
    priorities: Sequence[str] = ()
    category_code: str | None = None
    grid_code: str | None = None
    assigned_grid_code: str | None = None
    assigned_department_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None
    overdue: bool | None = None
    warned: bool | None = None
    breached: bool | None = None
    paused: bool | None = None
    supervised: bool | None = None


def _with_everything_shown(*, one: bool = True) -> Any:
    """What a ticket's answer shows, loaded with it. One ticket's few clocks, photos and
    assisting units come joined in its one query (a handful of rows, a third cheaper than
    a query each); a page of the queue reads each collection once for the whole page."""
    collection = joinedload if one else selectinload
    return (
        joinedload(Ticket.category),
        joinedload(Ticket.grid),
        joinedload(Ticket.assigned_grid),
        joinedload(Ticket.assigned_department),
        joinedload(Ticket.parent).load_only(Ticket.number),
        collection(Ticket.attachments),
        collection(Ticket.assisting_units),
        collection(Ticket.clocks),
    )


def _resolve_category(
    session: Session, snapshot: routing_service.RoutingSnapshot, code: str | None
) -> Category | None:
    if code is None:
        return None
    known = snapshot.categories.get(code)
    # The snapshot may not hold a category added in the last seconds: the database decides.
    return _category_from(known) if known else categories.require_category_by_code(session, code)


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
    source: str  # "client" or "photo_exif"


def _locate(draft: TicketDraft, photos: dict[str, Photo]) -> _Location | None:
    if draft.location is not None:
        point = draft.location
        lat, lon = to_wgs84(point.lat, point.lon, point.crs)
        return _Location(lat, lon, point.lat, point.lon, point.crs, "client")
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
        request_type=draft.request_type,
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
        address=draft.address,
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
_INSERT_ASSISTING = DriverStatement(insert(TicketAssistingUnit))


def _id_by_external_id(session: Session, channel: str, external_id: str) -> int | None:
    parameters = {"channel": channel, "external_id": external_id}
    found: int | None = session.connection().execute(_ID_BY_EXTERNAL_ID, parameters).scalar()
    return found


def _load(session: Session, ticket_id: int) -> Ticket:
    query = select(Ticket).where(Ticket.id == ticket_id).options(*_with_everything_shown())
    return session.scalars(query).unique().one()


@dataclass(frozen=True)
class PreparedTicket:
    """A draft with its codes resolved and its routing decided: nothing written yet."""

    category: Category | None
    grid: Grid | None
    photos: dict[str, Photo]
    location: _Location | None
    outcome: routing_service.RoutingOutcome


def _routing_input(
    source: TicketDraft | Ticket,
    category: Category | None,
    grid: Grid | None,
    lat: float | None,
    lon: float | None,
) -> routing_service.TicketToRoute:
    """What routing looks at, from a draft at intake or a ticket being re-routed. A known
    grid wins over the point, as the channel (QR poster, patrol) named it."""
    return routing_service.TicketToRoute(
        channel=source.channel,
        request_type=source.request_type,
        text=f"{source.title} {source.description}",
        address=source.address,
        category_code=category.code if category else None,
        grid_path=grid.path if grid else None,
        lat=lat,
        lon=lon,
    )


def prepare(
    session: Session, draft: TicketDraft, routing: RoutingState, confidence_threshold: float
) -> PreparedTicket:
    """Resolve the draft's codes and decide where it goes; intake and the dry run share it,
    so a dry run tells exactly what intake would do."""
    category = _resolve_category(session, routing.snapshot(session), draft.category_code)
    grid = _resolve_grid(session, draft, routing.locator.index(session))
    photos = _resolve_photos(session, draft)
    location = _locate(draft, photos)
    outcome = routing_service.route(
        session,
        routing,
        _routing_input(
            draft,
            category,
            grid,
            location.lat if location else None,
            location.lon if location else None,
        ),
        threshold=confidence_threshold,
    )
    return PreparedTicket(category, grid, photos, location, outcome)


def take_in(
    session: Session,
    draft: TicketDraft,
    actor: Actor,
    timezone: ZoneInfo,
    routing: RoutingState,
    *,
    catalogue: Catalogue | None = None,
    confidence_threshold: float = routing_service.DEFAULT_CONFIDENCE_THRESHOLD,
    merge_into: MergeCheck | None = None,
) -> IntakeResult:
    """Make `draft` a ticket in the queue, routed to its unit when the rules can tell (else
    left for the dispatch centre), with its `received` and routing events and its clocks
    (when a `catalogue` of SLA policies is given); or return the
    ticket the channel already filed under the same external id (then nothing is written
    but a skipped ticket number).
    A ticket `merge_into` finds a parent for is written merged, without clocks of its own:
    the parent's run for both.

    The hot path of the service: Core statements, and the answer built from what is in
    hand rather than read back."""
    prepared = prepare(session, draft, routing, confidence_threshold)
    category, grid, photos, location, outcome = (
        prepared.category,
        prepared.grid,
        prepared.photos,
        prepared.location,
        prepared.outcome,
    )
    now = utc_now()
    ticket = _new_ticket(
        draft,
        next_ticket_number(session, now, timezone),
        category or _category_of(outcome),
        grid or _grid_of(outcome.grid),
        location,
        now,
    )
    apply_routing(ticket, outcome, now)
    parent = merge_into(ticket) if merge_into is not None else None
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
        return IntakeResult(_load(session, existing_id), created=False)
    ticket.id = ticket_id
    received = {
        "channel": draft.channel,
        "external_id": draft.external_id,
        "location_source": location.source if location else None,
        "photos": len(draft.photos),
    }
    events = [
        ticket_event_row(ticket, EventKind.RECEIVED, actor, received, now),
        _routing_event(ticket, outcome, SYSTEM, now),
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
            created_at=now,
        )
        for position, ref in enumerate(draft.photos)
    ]
    set_committed_value(ticket, "attachments", attachments)
    if attachments:
        _INSERT_ATTACHMENT.execute(session.connection(), [column_values(a) for a in attachments])
    return IntakeResult(ticket, created=True)


def _place_under(ticket: Ticket, parent: ParentRef) -> None:
    ticket.parent_id = parent.id
    ticket.parent = transient(Ticket, id=parent.id, number=parent.number)
    ticket.status = TicketStatus.MERGED
    ticket.reply_text = parent.reply_text


def _plan_clocks(ticket: Ticket, catalogue: Catalogue | None, now: datetime) -> clocks.Plan | None:
    """The citizen's reply clock runs from intake; a routed ticket's unit gets its clocks
    at once, an unrouted one waits on the centre's dispatch clock."""
    if catalogue is None:
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


def _save_assisting_units(session: Session, ticket: Ticket) -> None:
    if ticket.assisting_units:
        for unit in ticket.assisting_units:
            unit.ticket_id = ticket.id
        _INSERT_ASSISTING.execute(
            session.connection(), [column_values(unit) for unit in ticket.assisting_units]
        )


_UNITS_CHANGED = "ticket_units_changed"


def forget_units(session: Session, ticket: Ticket) -> None:
    """Drop the assisting units (the lead unit is the caller's to set); what the session
    holds of the ticket's units is stale until `reload_units`."""
    session.execute(delete(TicketAssistingUnit).where(TicketAssistingUnit.ticket_id == ticket.id))
    session.info[_UNITS_CHANGED] = True


def reload_units(session: Session, ticket: Ticket) -> None:
    """Read the ticket's lead and assisting units again, if this session changed them."""
    if session.info.pop(_UNITS_CHANGED, False):
        session.refresh(ticket, ["assigned_grid", "assigned_department", "assisting_units"])


def mark_changed(session: Session, ticket: Ticket, now: datetime) -> None:
    """The ticket's next version (once per transaction, however many flushes the change
    takes) and its update time: every change to a ticket calls this."""
    changed: set[int] = session.info.setdefault("tickets_changed", set())
    if ticket.id not in changed:
        ticket.version += 1
        changed.add(ticket.id)
    ticket.updated_at = now


def _scoped(query: Select[Ticket], viewer: StaffPrincipal) -> Select[Ticket]:
    condition = scoping.visible_to(viewer)
    return query if condition is None else query.where(condition)


def get_ticket_unscoped(session: Session, number: str) -> Ticket | None:
    """The ticket whoever asks: for callers that check access themselves."""
    query = select(Ticket).where(Ticket.number == number).options(*_with_everything_shown())
    return session.scalars(query).unique().one_or_none()


def get_ticket(session: Session, number: str, viewer: StaffPrincipal) -> Ticket:
    """The ticket, if `viewer` may see it; 404 alike for one that is not there and one
    outside the viewer's scope, so its existence is not revealed."""
    query = select(Ticket).where(Ticket.number == number).options(*_with_everything_shown())
    ticket = session.scalars(_scoped(query, viewer)).unique().one_or_none()
    if ticket is None:
        raise NotFound(f"No ticket has number {number!r}.")
    return ticket


def timeline(session: Session, ticket: Ticket, *, with_admin_events: bool) -> list[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    if not with_admin_events:
        query = query.where(TicketEvent.kind.not_in(ADMIN_ONLY_EVENTS))
    return list(session.scalars(query))


def handles(viewer: StaffPrincipal, ticket: Ticket) -> bool:
    """Whether the viewer's unit is the ticket's lead unit (or a grid above it)."""
    if viewer.department_id is not None:
        return ticket.assigned_department_id == viewer.department_id
    if viewer.grid_path is not None and ticket.assigned_grid is not None:
        return ticket.assigned_grid.path.startswith(viewer.grid_path)
    return False


@dataclass(frozen=True)
class RevealedReporter:
    name: str | None
    phone: str | None


def reveal_reporter(
    session: Session, ticket: Ticket, viewer: StaffPrincipal, reason: str
) -> RevealedReporter:
    """The reporter's full name and phone, written to the timeline: who saw them, when, why."""
    if ticket.is_anonymous:
        raise Conflict("The report is anonymous: no identity was kept.")
    if not may_reveal_reporter(
        viewer, confidential=ticket.is_confidential, viewer_handles_it=handles(viewer, ticket)
    ):
        raise Forbidden("Your role may not see this reporter's identity.")
    record_event(
        session,
        ticket,
        EventKind.REPORTER_REVEALED,
        viewer.actor,
        {"reason": reason, "username": viewer.username, "role": viewer.role},
    )
    session.flush()
    return RevealedReporter(ticket.reporter_name, ticket.reporter_phone)


def _filter_conditions(session: Session, filters: TicketFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for column, values in (
        (Ticket.status, filters.statuses),
        (Ticket.channel, filters.channels),
        (Ticket.request_type, filters.request_types),
        (Ticket.priority, filters.priorities),
    ):
        if values:
            conditions.append(column.in_(values))
    if filters.category_code is not None:
        category = categories.require_category_by_code(session, filters.category_code)
        conditions.append(
            Ticket.category_id.in_(categories.category_and_children_ids(session, category))
        )
    if filters.grid_code is not None:
        grid = units.grid_by_code(session, filters.grid_code, "grid")
        subtree = select(Grid.id).where(Grid.path.startswith(grid.path))
        conditions.append(Ticket.grid_id.in_(subtree))
    if filters.assigned_grid_code is not None:
        grid = units.grid_by_code(session, filters.assigned_grid_code, "assigned_grid")
        conditions.append(Ticket.assigned_grid_id == grid.id)
    if filters.assigned_department_code is not None:
        department_id = units.department_id(
            session, filters.assigned_department_code, "assigned_department"
        )
        conditions.append(Ticket.assigned_department_id == department_id)
    if filters.created_from is not None:
        conditions.append(Ticket.created_at >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(Ticket.created_at < filters.created_to)
    if filters.text:
        conditions.append(
            or_(
                Ticket.title.contains(filters.text, autoescape=True),
                Ticket.description.contains(filters.text, autoescape=True),
            )
        )
    now = utc_now()
    if filters.overdue is not None:
        overdue = and_(Ticket.reply_due_at < now, Ticket.status.in_(OPEN_STATUSES))
        conditions.append(overdue if filters.overdue else ~overdue)
    for wanted, clock_condition in (
        (filters.warned, _warned(now)),
        (filters.breached, _breached(now)),
        (filters.paused, TicketClock.state == ClockState.PAUSED),
    ):
        if wanted is not None:
            has_clock = _has_clock(clock_condition)
            conditions.append(has_clock if wanted else ~has_clock)
    if filters.supervised is not None:
        conditions.append(Ticket.is_supervised.is_(filters.supervised))
    return conditions


def _has_clock(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """A clock of the ticket's current cycle meets `condition`."""
    return (
        select(TicketClock.id)
        .where(TicketClock.ticket_id == Ticket.id, TicketClock.cycle == Ticket.cycle, condition)
        .exists()
    )


def _warned(now: datetime) -> ColumnElement[bool]:
    """Running, past its warning point, not yet past its deadline: about to break."""
    return and_(
        TicketClock.state == ClockState.RUNNING,
        or_(TicketClock.warned_at.is_not(None), TicketClock.warn_at <= now),
        TicketClock.breached_at.is_(None),
        TicketClock.due_at > now,
    )


def _breached(now: datetime) -> ColumnElement[bool]:
    """Broken, whether the sweeper has been by yet or not."""
    return or_(
        TicketClock.breached_at.is_not(None),
        and_(TicketClock.state == ClockState.RUNNING, TicketClock.due_at <= now),
    )


def _due_column(sort: SortOrder) -> Any:
    return Ticket.next_due_at if sort is SortOrder.NEXT_DUE else Ticket.reply_due_at


def _after_cursor(query: Select[Ticket], cursor: Cursor) -> Select[Ticket]:
    if cursor.sort is SortOrder.NEWEST:
        created_at = cursor.created_at
        return query.where(
            or_(
                Ticket.created_at < created_at,
                and_(Ticket.created_at == created_at, Ticket.id < cursor.ticket_id),
            )
        )
    column, due = _due_column(cursor.sort), cursor.due_at
    if due is None:  # already among the tickets without a deadline, which sort last
        return query.where(column.is_(None), Ticket.id > cursor.ticket_id)
    return query.where(
        or_(
            column > due,
            and_(column == due, Ticket.id > cursor.ticket_id),
            column.is_(None),
        )
    )


def list_tickets(
    session: Session,
    viewer: StaffPrincipal,
    filters: TicketFilters,
    sort: SortOrder,
    limit: int,
    cursor: Cursor | None,
) -> tuple[list[Ticket], Cursor | None]:
    """One page of the queue as `viewer` may see it, and the next page's cursor (None on
    the last)."""
    query = _scoped(select(Ticket).where(*_filter_conditions(session, filters)), viewer)
    if cursor is not None:
        query = _after_cursor(query, cursor)
    if sort is SortOrder.NEWEST:
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    else:
        query = query.order_by(_due_column(sort).asc().nulls_last(), Ticket.id.asc())
    query = query.options(*_with_everything_shown(one=False)).limit(limit + 1)
    tickets = list(session.scalars(query).unique())
    if len(tickets) <= limit:
        return tickets, None
    tickets = tickets[:limit]
    return tickets, Cursor.after(tickets[-1], sort)


REROUTABLE_STATUSES = frozenset({TicketStatus.NEW, TicketStatus.DISPATCHED})


@dataclass(frozen=True)
class UnitChoice:
    """A lead unit and its assisting departments, as ids."""

    department_id: int | None
    grid_id: int | None
    assisting_department_ids: tuple[int, ...] = ()

    @classmethod
    def of_codes(
        cls, session: Session, kind: str, code: str, assisting_codes: Sequence[str] = ()
    ) -> "UnitChoice":
        """From a lead unit's kind ("grid" or "department") and code, and the assisting
        departments' codes; a 422 names the code that does not exist."""
        if kind == "department":
            lead: tuple[int | None, int | None] = (units.department_id(session, code, "lead"), None)
        else:
            lead = (None, units.grid_in_force(session, code, "lead").id)
        assisting = tuple(
            dict.fromkeys(
                units.department_id(session, assisting_code, "assist_department_codes")
                for assisting_code in assisting_codes
            )
        )
        # The lead unit does not assist itself; a code named twice counts once.
        return cls(lead[0], lead[1], tuple(unit for unit in assisting if unit != lead[0]))

    @property
    def is_empty(self) -> bool:
        return self.department_id is None and self.grid_id is None


def _unit_label(session: Session, department_id: int | None, grid_id: int | None) -> Any:
    if department_id is not None:
        department = session.get_one(Department, department_id)
        return {"kind": "department", "code": department.code}
    if grid_id is not None:
        return {"kind": "grid", "code": session.get_one(Grid, grid_id).code}
    return None


def _ensure_reroutable(ticket: Ticket) -> None:
    if ticket.status not in REROUTABLE_STATUSES:
        raise Conflict(
            f"The ticket is {ticket.status}: once signed for, it moves by transfer or "
            "return, not by re-routing.",
            ticket_status=ticket.status,
        )


def assign(
    session: Session,
    ticket: Ticket,
    choice: UnitChoice,
    actor: Actor,
    kind: EventKind,
    payload: dict[str, Any],
    *,
    catalogue: Catalogue | None,
    status: TicketStatus | None = None,
    now: datetime | None = None,
) -> None:
    """Give the ticket a new lead unit (and assisting units), with its event; the status
    becomes `status`, by default dispatched (or new when no unit is given). When the lead
    unit changes, the clocks follow it (see `clocks.move_to_unit`)."""
    previous = _unit_label(session, ticket.assigned_department_id, ticket.assigned_grid_id)
    now = now or utc_now()
    lead_changes = (choice.department_id, choice.grid_id) != (
        ticket.assigned_department_id,
        ticket.assigned_grid_id,
    )
    ticket.assigned_department_id = choice.department_id
    ticket.assigned_grid_id = choice.grid_id
    default_status = TicketStatus.NEW if choice.is_empty else TicketStatus.DISPATCHED
    ticket.status = status or default_status
    mark_changed(session, ticket, now)
    forget_units(session, ticket)
    if choice.assisting_department_ids:
        _INSERT_ASSISTING.execute(
            session.connection(),
            [
                {"ticket_id": ticket.id, "department_id": unit, "created_at": now}
                for unit in choice.assisting_department_ids
            ],
        )
    session.flush()
    lead = _unit_label(session, choice.department_id, choice.grid_id)
    record_event(
        session, ticket, kind, actor, payload | {"previous": previous, "lead": lead}, at=now
    )
    if catalogue is not None and (lead_changes or status == TicketStatus.RETURNED):
        unit = None if choice.is_empty else clocks.Unit(choice.department_id, choice.grid_id)
        clocks.move_to_unit(session, ticket, unit, catalogue, now, actor)
        clocks.refresh_deadlines(session, ticket)


def reroute_by_rules(
    session: Session,
    ticket: Ticket,
    routing: RoutingState,
    catalogue: Catalogue | None,
    actor: Actor,
    reason: str,
    threshold: float = routing_service.DEFAULT_CONFIDENCE_THRESHOLD,
) -> routing_service.RoutingOutcome:
    """Run the rules again on the ticket as it stands now, and follow them."""
    _ensure_reroutable(ticket)
    outcome = routing_service.route(
        session,
        routing,
        _routing_input(ticket, ticket.category, ticket.grid, ticket.lat, ticket.lon),
        threshold=threshold,
    )
    choice = UnitChoice(
        outcome.lead_department_id,
        outcome.lead_grid_id,
        tuple(unit for kind, unit in outcome.assisting if kind == "department"),
    )
    payload = outcome.event_payload() | {"reason": reason}
    kind = EventKind.ROUTED if outcome.decision.lead else EventKind.ROUTING_PENDING
    assign(session, ticket, choice, actor, kind, payload, catalogue=catalogue)
    return outcome


def reroute_by_hand(
    session: Session,
    ticket: Ticket,
    choice: UnitChoice,
    catalogue: Catalogue | None,
    actor: Actor,
    reason: str,
) -> None:
    """A dispatcher's own choice of unit, with the reason on the timeline."""
    _ensure_reroutable(ticket)
    payload = {"reason": reason, "by_hand": True}
    assign(session, ticket, choice, actor, EventKind.REROUTED, payload, catalogue=catalogue)


def correct_category(
    session: Session,
    ticket: Ticket,
    category: Category,
    routing: RoutingState,
    catalogue: Catalogue | None,
    actor: Actor,
    reason: str,
) -> None:
    """A corrected category is written to the timeline; while the ticket has not been
    signed for, routing follows the new category at once."""
    previous = ticket.category.code if ticket.category else None
    ticket.category_id = category.id
    mark_changed(session, ticket, utc_now())
    session.flush()
    session.refresh(ticket, ["category"])
    record_event(
        session,
        ticket,
        EventKind.CATEGORY_CORRECTED,
        actor,
        {"from": previous, "to": category.code, "reason": reason},
    )
    if ticket.status in REROUTABLE_STATUSES:
        reroute_by_rules(
            session, ticket, routing, catalogue, SYSTEM, f"category corrected: {reason}"
        )
