"""The queue and the ticket in it: listing, reading one ticket with its timeline, and
assigning it to its units (by hand or by the rules again). Intake (app.intake) writes
new tickets."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import IO, Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, bindparam, delete, insert, literal_column, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from app import exports
from app.audit.service import AuditKind, record_change
from app.categories import service as categories
from app.categories.models import Category
from app.clock import utc_now
from app.driver_sql import DriverStatement
from app.errors import Conflict, Forbidden, NotFound, UnknownReference, UnprocessableContent
from app.identity.actors import SYSTEM, Actor
from app.identity.principal import Principal, StaffPrincipal
from app.photos.kinds import UploadKind
from app.photos.models import Photo
from app.privacy.disclosure import may_reveal_reporter
from app.routing import service as routing_service
from app.routing.service import RoutingState
from app.sla import clocks
from app.sla.catalogue import Catalogue
from app.sla.models import TicketClock
from app.tickets import changes, counting, scoping, search
from app.tickets.candidates import DuplicateCandidate
from app.tickets.events import record_event
from app.tickets.models import (
    OPEN_TICKETS_SQL,
    Ticket,
    TicketAssistingUnit,
    TicketAttachment,
    TicketEvent,
)
from app.tickets.pagination import Cursor, SortOrder
from app.units import service as units
from app.units.models import Department, Grid
from app.vocabulary import (
    ADMIN_ONLY_EVENTS,
    OPEN_STATUSES,
    PUBLIC_EVENTS,
    AttachmentRole,
    ClockState,
    EventKind,
    TicketStatus,
)


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
    urged: bool | None = None
    suspected_duplicate: bool | None = None


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


_INSERT_ASSISTING = DriverStatement(insert(TicketAssistingUnit))


# One ticket with everything its answer shows, by id or by number: built once, as every
# action and every read of a ticket's detail starts with one (building the options alone
# cost a tenth of an action).
_BY_ID = select(Ticket).where(Ticket.id == bindparam("id")).options(*_with_everything_shown())
_BY_NUMBER = (
    select(Ticket).where(Ticket.number == bindparam("number")).options(*_with_everything_shown())
)


def load_ticket(session: Session, ticket_id: int) -> Ticket:
    """The ticket with everything its answer shows."""
    return session.scalars(_BY_ID, {"id": ticket_id}).unique().one()


_UPLOAD_FIELD: dict[str, str] = {UploadKind.PHOTO: "photos", UploadKind.FILE: "files"}


def attach_uploads(
    session: Session,
    ticket: Ticket,
    upload_ids: Sequence[str],
    kind: UploadKind,
    role: AttachmentRole,
    public: bool,
    now: datetime,
) -> list[str]:
    """Attach uploaded photos or files (`kind`) to the ticket as staff's evidence (`role`);
    one already attached in that role stays as it was. The ids attached, in order; 422
    naming those never uploaded as that kind."""
    wanted = list(dict.fromkeys(upload_ids))
    if not wanted:
        return []
    found = session.scalars(select(Photo).where(Photo.id.in_(wanted), Photo.kind == kind))
    uploads = {upload.id: upload for upload in found}
    missing = [upload_id for upload_id in wanted if upload_id not in uploads]
    if missing:
        field = _UPLOAD_FIELD[kind]
        other = session.scalar(select(Photo.kind).where(Photo.id == missing[0]))
        detail = (
            f"{missing[0]} is a {other}, not a {kind}: list it under {_UPLOAD_FIELD[other]}."
            if other is not None
            else f"{kind.capitalize()} {missing[0]} was never uploaded; POST it to "
            f"/api/v1/{field} first."
        )
        raise UnknownReference(detail, field=field, missing=missing)
    held = {(attachment.photo_id, attachment.role) for attachment in ticket.attachments}
    position = max((attachment.position for attachment in ticket.attachments), default=-1)
    for upload_id in wanted:
        if (upload_id, role) in held:
            continue
        position += 1
        ticket.attachments.append(
            TicketAttachment(
                ticket_id=ticket.id,
                photo_id=upload_id,
                photo=uploads[upload_id],
                role=role,
                position=position,
                is_public=public,
                created_at=now,
            )
        )
    return wanted


def add_assisting_units(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write assisting-unit rows (ticket_id, department_id, created_at)."""
    _INSERT_ASSISTING.execute(session.connection(), rows)


class Routable(Protocol):
    """What routing reads of a ticket: a draft at intake, or a ticket being re-routed."""

    @property
    def channel(self) -> str: ...
    @property
    def request_type(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def address(self) -> str | None: ...


def routing_input(
    source: Routable,
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


def forget_units(session: Session, ticket: Ticket) -> None:
    """Drop the assisting units (the lead unit is the caller's to set); what the session
    holds of the ticket's units is stale until `reload_units` (app.tickets.changes)."""
    session.execute(delete(TicketAssistingUnit).where(TicketAssistingUnit.ticket_id == ticket.id))
    changes.of(session).units_rewritten.add(ticket.id)


def reload_units(session: Session, ticket: Ticket) -> None:
    """Read the ticket's lead and assisting units again, if this session changed them."""
    if changes.take(changes.of(session).units_rewritten, ticket):
        session.refresh(ticket, ["assigned_grid", "assigned_department", "assisting_units"])


def mark_changed(session: Session, ticket: Ticket, now: datetime) -> None:
    """The ticket's next version (once per transaction, however many flushes the change
    takes) and its update time: every change to a ticket calls this."""
    versioned = changes.of(session).versioned
    if ticket.id not in versioned:
        ticket.version += 1
        versioned.add(ticket.id)
    ticket.updated_at = now


def _scoped(query: Select[Ticket], viewer: Principal) -> Select[Ticket]:
    condition = scoping.visible_to(viewer)
    return query if condition is None else query.where(condition)


def get_ticket_unscoped(session: Session, number: str) -> Ticket | None:
    """The ticket whoever asks: for callers that check access themselves."""
    return session.scalars(_BY_NUMBER, {"number": number}).unique().one_or_none()


def get_ticket(session: Session, number: str, viewer: Principal) -> Ticket:
    """The ticket, if `viewer` may see it; 404 alike for one that is not there and one
    outside the viewer's scope, so its existence is not revealed."""
    query = _scoped(_BY_NUMBER, viewer)
    ticket = session.scalars(query, {"number": number}).unique().one_or_none()
    if ticket is None:
        raise NotFound(f"No ticket has number {number!r}.")
    return ticket


class TimelineLine(NamedTuple):
    """One line of a ticket's timeline, as its answer shows it."""

    kind: str
    created_at: datetime
    actor_kind: str
    actor_ref: str | None
    channel: str | None
    payload: dict[str, Any]


def _timeline_statement(*, with_admin_events: bool) -> DriverStatement:
    event = TicketEvent.__table__.c
    query = (
        select(*(event[name] for name in TimelineLine._fields))
        .where(event.ticket_id == bindparam("ticket"))
        .order_by(event.id)
    )
    if not with_admin_events:
        # One comparison a kind rather than NOT IN: the driver takes plain parameters only.
        query = query.where(*(event.kind != kind for kind in sorted(ADMIN_ONLY_EVENTS)))
    return DriverStatement(query)


# Built once and read as plain rows: every answer with a ticket's detail reads its timeline,
# and loading it as ORM objects cost more than the rest of its queries together.
_TIMELINE = {admin: _timeline_statement(with_admin_events=admin) for admin in (False, True)}


def timeline(session: Session, ticket: Ticket, *, with_admin_events: bool) -> list[TimelineLine]:
    """The ticket's timeline, oldest first; the events only admins see left out unless
    `with_admin_events`."""
    rows = _TIMELINE[with_admin_events].all(session.connection(), {"ticket": ticket.id})
    return [TimelineLine(*row) for row in rows]


def public_timeline(session: Session, ticket: Ticket) -> list[TicketEvent]:
    """What the citizen may see happen: the public kinds of event only."""
    query = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(PUBLIC_EVENTS))
        .order_by(TicketEvent.id)
    )
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
    session: Session, ticket: Ticket, viewer: StaffPrincipal, reason: str, address: str | None
) -> RevealedReporter:
    """The reporter's full name and phone, written to the timeline and the audit log (who
    saw them, when, why, from which address; never the identity itself)."""
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
    record_change(
        session,
        viewer,
        kind=AuditKind.REPORTER_REVEAL,
        action="reveal",
        object_code=ticket.number,
        before=None,
        after={"reason": reason, "role": viewer.role, "confidential": ticket.is_confidential},
        address=address,
    )
    session.flush()
    return RevealedReporter(ticket.reporter_name, ticket.reporter_phone)


def _filter_conditions(session: Session, filters: TicketFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.statuses:
        # Written out, not bound: PostgreSQL's planner sees which statuses (and that open
        # ones imply the open tickets' index) in a prepared statement's generic plan too.
        statuses: BindParameter[list[str]] = bindparam(
            "statuses",
            [str(status) for status in filters.statuses],
            expanding=True,
            literal_execute=True,
        )
        conditions.append(Ticket.status.in_(statuses))
        if _is_sqlite(session) and OPEN_STATUSES.issuperset(filters.statuses):
            # SQLite proves no IN list implies another: it says so in the index's words.
            # (PostgreSQL does, and the repeated term would make it think the statuses'
            # tickets fewer by the open tickets' share, and sort a deep page's thousands.)
            conditions.append(_OPEN_TICKETS)
    for column, values in (
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
        # The subtree's grids as a list of ids: PostgreSQL guessed a street's 36 grids to be
        # 3 from the path's LIKE, and took each grid's signed tickets by a bitmap of every
        # signed ticket, then sorted them (80 ms), rather than walking the status's newest.
        subtree = session.scalars(select(Grid.id).where(Grid.path.startswith(grid.path)))
        conditions.append(Ticket.grid_id.in_(subtree.all()))
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
    now = utc_now()
    if filters.overdue is not None:
        overdue = and_(Ticket.reply_due_at < now, _OPEN_TICKETS)
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
    if filters.urged is not None:
        conditions.append(Ticket.urge_count > 0 if filters.urged else Ticket.urge_count == 0)
    if filters.suspected_duplicate is not None:
        suspected = (
            select(DuplicateCandidate.id)
            .where(
                DuplicateCandidate.ticket_id == Ticket.id,
                DuplicateCandidate.status == "suggested",
            )
            .exists()
        )
        conditions.append(suspected if filters.suspected_duplicate else ~suspected)
    return conditions


# The open tickets' partial index is taken only for a query that names them in its words.
_OPEN_TICKETS: ColumnElement[bool] = literal_column(f"ticket.{OPEN_TICKETS_SQL}")


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _sqlite_index_hint(session: Session, filters: TicketFilters, sort: SortOrder) -> str | None:
    """The index SQLite is told to read a screen through, where its statistics mislead it.
    They are sampled (`PRAGMA analysis_limit`): every status, unit, channel or category
    looks like a thousand tickets, so a status's index looked cheaper than the walk of the
    open tickets by deadline (and then sorted 50,000 of them). Only for screens with no
    filter that an index searches better (a text, a unit, a grid, a channel)."""
    if (
        not _is_sqlite(session)
        or filters.text
        or filters.grid_code is not None
        or filters.assigned_grid_code is not None
        or filters.assigned_department_code is not None
        or filters.channels
    ):
        return None
    newest_of_all = sort is SortOrder.NEWEST and not filters.statuses
    if filters.category_code is not None:
        # A group's categories each give their tickets in order, together they do not: a
        # month of a group's tickets was sorted whole for each page (8,000 at a million
        # tickets, a year's ten times that), where a walk newest first finds a page within
        # a few hundred. One category's own index gives the order itself.
        if newest_of_all and not filters.overdue and _is_group(session, filters.category_code):
            return "ix_ticket_created_at_id"
        return None
    open_statuses = bool(filters.statuses) and OPEN_STATUSES.issuperset(filters.statuses)
    if sort is SortOrder.DUE_SOONEST and (open_statuses or filters.overdue):
        return "ix_ticket_open_reply_due_at"  # the page in deadline order, no sort
    if newest_of_all and filters.overdue:
        # Open tickets are the latest ones: walked newest first, a page of overdue ones
        # is found within a few hundred, where their index's range is sorted whole.
        return "ix_ticket_created_at_id"
    return None


def _is_group(session: Session, code: str) -> bool:
    category = categories.require_category_by_code(session, code)
    return len(categories.category_and_children_ids(session, category)) > 1


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
    """The rows after the cursor's, in the sort's order. The first condition alone bounds
    the walk of an index on (..., sort column): the page 200 pages in starts where it
    starts, rather than after the 10,000 rows before it."""
    if cursor.sort is SortOrder.NEWEST:
        created_at = cursor.created_at
        return query.where(
            Ticket.created_at <= created_at,
            or_(Ticket.created_at < created_at, Ticket.id < cursor.ticket_id),
        )
    column, due = _due_column(cursor.sort), cursor.due_at
    if due is None:  # already among the tickets without a deadline, which sort last
        return query.where(Ticket.id > cursor.ticket_id)
    return query.where(column >= due, or_(column > due, Ticket.id > cursor.ticket_id))


def _rows(session: Session, query: Select[Ticket], wanted: int) -> list[Ticket]:
    query = query.options(*_with_everything_shown(one=False)).limit(wanted)
    return list(session.scalars(query).unique())


@dataclass(frozen=True)
class QueuePage:
    tickets: list[Ticket]
    next_cursor: Cursor | None  # None on the last page
    # A text too short for the search index was looked for among this many newest only.
    text_searched_newest: int | None


@dataclass(frozen=True)
class _Selection:
    conditions: list[ColumnElement[bool]]
    searched_newest: int | None


def _selection(session: Session, viewer: Principal, filters: TicketFilters) -> _Selection:
    """The tickets of the queue that `viewer` sees and `filters` choose, as conditions."""
    conditions = _filter_conditions(session, filters)
    scope = scoping.visible_to(viewer)
    if scope is not None:
        conditions.append(scope)
    wanted = (filters.text or "").strip()
    if not wanted:
        return _Selection(conditions, None)
    text_search = search.condition(session, wanted)
    return _Selection([*conditions, text_search.condition], text_search.searched_newest)


def export_window(filters: TicketFilters, max_days: int, now: datetime) -> TicketFilters:
    """The filters with their creation window bounded: at most `max_days` long (422 for
    a longer one), ending at `created_to` or now, starting `max_days` before when open.
    Without `created_to` the window stays open at its end, so a ticket taken in this very
    instant is in it."""
    end = filters.created_to or now
    start = filters.created_from or end - timedelta(days=max_days)
    if end - start > timedelta(days=max_days):
        raise UnprocessableContent(
            f"An export covers at most {max_days} days of tickets; created_from to "
            f"created_to spans {(end - start).days}.",
            field="created_from",
        )
    return replace(filters, created_from=start)


# Deadlines and changes of exported tickets lie within this much of the window and today.
_INSTANTS_AROUND = timedelta(days=400)
EXPORT_HEADER = (
    "number",
    "created_at",
    "channel",
    "request_type",
    "category",
    "category_name",
    "priority",
    "status",
    "assigned_department",
    "assigned_grid",
    "grid",
    "address",
    "title",
    "reply_due_at",
    "updated_at",
)


def export_table(
    session: Session,
    viewer: Principal,
    filters: TicketFilters,
    format_: exports.ExportFormat,
    local_zone: ZoneInfo,
) -> IO[bytes]:
    """Every ticket `viewer` sees and `filters` choose, newest first, one row each (no
    reporter's name or number), as a file at its start. For CSV the database writes the
    cells where it can: instants as local time (app.exports.local_time_text) and text with
    formulas quoted (app.exports.formula_safe), so the rows go out as they are read."""
    selection = _selection(session, viewer, filters)
    connection = session.connection()
    instants: dict[str, Any] = {
        "created_at": Ticket.created_at,
        "reply_due_at": Ticket.reply_due_at,
        "updated_at": Ticket.updated_at,
    }
    texts_ready = False
    if format_ is exports.ExportFormat.CSV:
        today = utc_now().date()
        since = filters.created_from.date() if filters.created_from else today
        around = (since - _INSTANTS_AROUND, today + _INSTANTS_AROUND)
        local = {
            name: exports.local_time_text(column, local_zone, connection.dialect.name, around)
            for name, column in instants.items()
        }
        if all(text is not None for text in local.values()):
            instants = {name: text.label(name) for name, text in local.items() if text is not None}
            texts_ready = True
    query = _export_query(selection, instants, texts_ready)
    if texts_ready:
        return exports.csv_file(connection, query, EXPORT_HEADER)
    # Core rows, read in blocks (a server-side cursor on PostgreSQL): the ORM's row
    # loading would cost as much again as the query, for plain columns.
    rows = connection.execute(query, execution_options={"yield_per": 5000})
    return exports.write_table(format_, "tickets", EXPORT_HEADER, rows, local_zone)


def _export_query(
    selection: _Selection, instants: dict[str, Any], formula_safe: bool
) -> Select[Any]:
    """The export's columns in EXPORT_HEADER's order; with `formula_safe`, its text as
    app.exports.formula_safe writes it."""
    assigned_grid = aliased(Grid)
    texts: list[Any] = [
        Ticket.number,
        Ticket.channel,
        Ticket.request_type,
        Category.code,
        Category.name,
        Ticket.priority,
        Ticket.status,
        Department.code,
        assigned_grid.code,
        Grid.code,
        Ticket.address,
        Ticket.title,
    ]
    if formula_safe:
        texts = [exports.formula_safe(column) for column in texts]
    number, channel, request_type, category, category_name, priority, status = texts[:7]
    department, assigned, grid, address, title = texts[7:]
    return (
        select(
            number,
            instants["created_at"],
            channel,
            request_type,
            category,
            category_name,
            priority,
            status,
            department,
            assigned,
            grid,
            address,
            title,
            instants["reply_due_at"],
            instants["updated_at"],
        )
        .outerjoin(Category, Category.id == Ticket.category_id)
        .outerjoin(Department, Department.id == Ticket.assigned_department_id)
        .outerjoin(assigned_grid, assigned_grid.id == Ticket.assigned_grid_id)
        .outerjoin(Grid, Grid.id == Ticket.grid_id)
        .where(*selection.conditions)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )


def list_tickets(
    session: Session,
    viewer: Principal,
    filters: TicketFilters,
    sort: SortOrder,
    limit: int,
    cursor: Cursor | None,
) -> QueuePage:
    """One page of the queue as `viewer` may see it, and the next page's cursor."""
    if (
        sort is SortOrder.NEWEST
        and cursor is not None
        and filters.created_to is not None
        and cursor.created_at < filters.created_to
    ):
        # The cursor's bound implies `created_to`'s. Given both, SQLite bounded its walk
        # newest first by `created_to` and read every ticket from there to the cursor
        # (600,000 index entries for a page 200 pages into a year).
        filters = replace(filters, created_to=None)
    selection = _selection(session, viewer, filters)
    searched_newest = selection.searched_newest
    query = select(Ticket).where(*selection.conditions)
    hint = _sqlite_index_hint(session, filters, sort)
    if hint is not None:
        query = query.with_hint(Ticket, f"INDEXED BY {hint}", "sqlite")
    if sort is SortOrder.NEWEST:
        newest = query if cursor is None else _after_cursor(query, cursor)
        tickets = _rows(
            session, newest.order_by(Ticket.created_at.desc(), Ticket.id.desc()), limit + 1
        )
    else:
        # Tickets without the deadline sort last, by id: two walks of the (deadline, id)
        # index, as SQLite cannot read NULLs last from it (PostgreSQL could).
        column = _due_column(sort)
        tickets = []
        if cursor is None or cursor.due_at is not None:
            dated = query.where(column.is_not(None))
            dated = dated if cursor is None else _after_cursor(dated, cursor)
            tickets = _rows(session, dated.order_by(column.asc(), Ticket.id.asc()), limit + 1)
        if len(tickets) <= limit:
            undated = query.where(column.is_(None))
            if cursor is not None and cursor.due_at is None:
                undated = _after_cursor(undated, cursor)
            wanted = limit + 1 - len(tickets)
            tickets += _rows(session, undated.order_by(Ticket.id.asc()), wanted)
    if len(tickets) <= limit:
        return QueuePage(tickets, None, searched_newest)
    tickets = tickets[:limit]
    return QueuePage(tickets, Cursor.after(tickets[-1], sort), searched_newest)


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
        add_assisting_units(
            session,
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
        routing_input(ticket, ticket.category, ticket.grid, ticket.lat, ticket.lon),
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
    """A dispatcher's own choice of unit, with the reason on the timeline; a new ticket is
    dispatched so, and needs a category as the dispatch action does."""
    _ensure_reroutable(ticket)
    if ticket.status == TicketStatus.NEW:
        require_category(ticket, "route")
    payload = {"reason": reason, "by_hand": True}
    assign(session, ticket, choice, actor, EventKind.REROUTED, payload, catalogue=catalogue)


def set_category(
    session: Session, ticket: Ticket, category: Category, actor: Actor, reason: str
) -> None:
    """Give the ticket `category`, with a `category_corrected` line on its timeline."""
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


def require_category(ticket: Ticket, action: str) -> None:
    """Dispatching and closing need a category: the rates, the statistics and the
    knowledge base all count by it, and a ticket without one would fall out of them."""
    if ticket.category_id is None:
        raise Conflict(
            f"The ticket has no category: give it one before you {action} it "
            f"(PUT /api/v1/tickets/{ticket.number}/category"
            + (", or category_code in this body)." if action == "dispatch" else ")."),
            ticket_status=ticket.status,
            missing="category",
        )


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
    set_category(session, ticket, category, actor, reason)
    if ticket.status in REROUTABLE_STATUSES:
        reroute_by_rules(
            session, ticket, routing, catalogue, SYSTEM, f"category corrected: {reason}"
        )


def count_tickets(
    session: Session, viewer: Principal, filters: TicketFilters
) -> counting.QueueCount:
    """How many tickets the queue holds for `viewer` and `filters`: exact up to
    `counting.EXACT_UP_TO`, estimated beyond it (see app/tickets/counting.py)."""
    return counting.count(session, _selection(session, viewer, filters).conditions)
