"""Finding the earlier tickets a new one may report again, merging and unmerging, and
carrying a parent's outcome to the tickets merged into it."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Table, and_, bindparam, case, func, or_, select, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from app.config import Settings as AppSettings
from app.dedup.cells import MAX_CELLS, MAX_RADIUS_M, box_around, cells_in
from app.dedup.models import TicketFollower
from app.dedup.scoring import Match, Report, Scorer, category_relation, related_ids
from app.driver_sql import DriverStatement
from app.identity.actors import Actor
from app.routing.service import CategoryInfo
from app.sla import clocks
from app.sla.catalogue import Catalogue
from app.tickets.candidates import DuplicateCandidate
from app.tickets.events import event_row, record_event, record_events
from app.tickets.models import Ticket
from app.tickets.service import mark_changed
from app.vocabulary import OPEN_STATUSES, ClockKind, ClockState, EventKind, TicketStatus

# Candidates are roots (not merged themselves) that are open, or closed lately: a repeat
# contact about a closed ticket is a sign the problem came back.
SEARCHED_STATUSES = OPEN_STATUSES | {TicketStatus.VISITED, TicketStatus.CLOSED}
# The query says it the short way round: two parameters rather than eight.
UNSEARCHED_STATUSES = frozenset(TicketStatus) - SEARCHED_STATUSES
MAX_CANDIDATES = 200
_CANDIDATES: Table = DuplicateCandidate.__table__  # type: ignore[assignment]
_INSERT_CANDIDATES = DriverStatement(_CANDIDATES.insert())


@dataclass(frozen=True)
class Settings:
    default_radius_m: float
    window: timedelta
    merge_score: float
    flag_score: float


def dedup_settings(settings: AppSettings) -> Settings:
    """The duplicate search's settings, from the service's."""
    return Settings(
        default_radius_m=settings.dedup_radius_m,
        window=timedelta(days=settings.dedup_window_days),
        merge_score=settings.dedup_merge_score if settings.dedup_auto_merge else float("inf"),
        flag_score=settings.dedup_flag_score,
    )


class Candidate(NamedTuple):
    ticket_id: int
    number: str
    status: str
    reply_text: str | None
    match: Match


class Reported(Protocol):
    """What scoring reads of a report: a ticket, or a row of the candidate query."""

    category_id: int | None
    lat: float | None
    lon: float | None
    created_at: datetime
    match_text: str
    reporter_phone: str | None
    match_keys: str | None
    location_radius_m: float | None


def group_of(categories: dict[int, CategoryInfo], category_id: int | None) -> int | None:
    info = categories.get(category_id) if category_id is not None else None
    return info.group_id if info else None


def report_of(categories: dict[int, CategoryInfo], source: Reported) -> Report:
    """A report as scoring compares it, its category's group looked up."""
    return Report(
        source.category_id,
        group_of(categories, source.category_id),
        source.lat,
        source.lon,
        source.created_at,
        source.match_text,
        source.reporter_phone,
        source.match_keys,
        source.location_radius_m,
    )


class Members(NamedTuple):
    """The categories whose reports may be one problem with a report of one category, by
    how scoring relates the two: the category itself, the rest of its group, and those
    configured as related to it or its group. One that scoring calls another kind of
    problem is none of them: its reports are candidates only from the same caller, whom
    the search finds by number."""

    same: int
    group: list[int]
    related: list[int]


class _Taxonomy(NamedTuple):
    categories: dict[int, CategoryInfo]
    related: frozenset[frozenset[int]]
    members: dict[int | None, Members]
    group_of: dict[int | None, int | None]  # each category's group, None for none


# Worked out once per taxonomy (routing's snapshot: a new dict when categories change),
# not on every search.
_taxonomy: list[_Taxonomy] = []


def _of_taxonomy(categories: dict[int, CategoryInfo]) -> _Taxonomy:
    known = _taxonomy[0] if _taxonomy else None
    if known is None or known.categories is not categories:
        related = related_ids({info.code: info.id for info in categories.values()})
        groups: dict[int | None, int | None] = {
            category_id: info.group_id for category_id, info in categories.items()
        }
        members: dict[int | None, Members] = {
            category_id: _members(categories, groups, related, category_id)
            for category_id in categories
        }
        known = _Taxonomy(categories, related, members, groups)
        _taxonomy[:] = [known]
    return known


def related_of(categories: dict[int, CategoryInfo]) -> frozenset[frozenset[int]]:
    """The configured related categories (and groups) of this taxonomy, as ids."""
    return _of_taxonomy(categories).related


def members_of(categories: dict[int, CategoryInfo], category_id: int | None) -> Members | None:
    """The categories whose reports may hold the same problem as one of `category_id`;
    None for a report without a category (any may)."""
    return _of_taxonomy(categories).members.get(category_id)


def _members(
    categories: dict[int, CategoryInfo],
    groups: dict[int | None, int | None],
    related: frozenset[frozenset[int]],
    category_id: int,
) -> Members:
    """Every category of the group (and the group's own), and of a configured pair with
    the category or its group, sorted by what scoring calls the relation."""
    info = categories[category_id]
    group = info.group_id if info.group_id is not None else info.id
    near = {group, *(other.id for other in categories.values() if other.group_id == group)}
    for pair in related:
        if info.id in pair or group in pair:
            for other in pair:
                near.add(other)
                near.update(o.id for o in categories.values() if o.group_id == other)
    by_relation: dict[str, list[int]] = {"same group": [], "related": []}
    for other in sorted(near - {category_id}):
        relation = category_relation(category_id, info.group_id, other, groups.get(other), related)
        if relation in by_relation:
            by_relation[relation].append(other)
    return Members(category_id, by_relation["same group"], by_relation["related"])


def _in_list(name: str, count: int) -> list[BindParameter[int]]:
    return [bindparam(f"{name}{i}") for i in range(count)]


def _slot_count(needed: int, sizes: tuple[int, ...]) -> int:
    return next((size for size in sizes if size >= needed), needed)


def _slots(name: str, values: list[int], count: int) -> dict[str, int]:
    """`values` as the parameters name0, name1, ... of an IN list of `count` (at least as
    many as there are values); the spare ones repeat a value, which changes nothing."""
    padded = values + values[:1] * (count - len(values))
    return {f"{name}{i}": value for i, value in enumerate(padded)}


def radius_for(
    categories: dict[int, CategoryInfo], category_id: int | None, default: float
) -> float:
    info = categories.get(category_id) if category_id is not None else None
    return float(info.duplicate_radius_m) if info and info.duplicate_radius_m else default


_TICKETS: Table = Ticket.__table__  # type: ignore[assignment]
_T = _TICKETS.c
# The sizes of the IN lists of cells and of a category group's members: a few fixed sizes
# keep the statements few, so each is prepared once (SQLite's statement cache, psycopg's
# prepared statements) rather than planned for each list's length.
CELL_SLOTS = (9, 12, 16, MAX_CELLS)
GROUP_SLOTS = (4, 8, 16, 32)
RELATED_SLOTS = (2, 4, 8, 16, 32)
CELL_INDEX = "ix_ticket_geo_cell_created_at"


_CANDIDATE_COLUMNS = (
    _T.id,
    _T.number,
    _T.status,
    _T.reply_text,
    _T.category_id,
    _T.lat,
    _T.lon,
    _T.created_at,
    _T.match_text,
    _T.reporter_phone,
    _T.match_keys,
    _T.location_radius_m,
)


@functools.cache
def _candidate_query(
    cell_slots: int,
    categorised: bool,
    group_slots: int,
    related_slots: int,
    by_phone: bool,
    group_apart: bool,
) -> DriverStatement:
    """find()'s query for what the new ticket has (cells around a point, a category and
    those near it, a caller's number), built once: a statement used again skips building
    and compiling, a third of find's time. Fixed-size IN lists (no expanding IN), so
    nothing is rendered per call, and the categories stay an index condition.

    Each way of finding a candidate is a SELECT of its own, joined by UNION ALL, so each reads
    through its own index. As one OR, once the statistics knew a grown queue, SQLite read
    the whole window through the created_at index instead, to spare the LIMIT its sort:
    2 ms a search at 3,000 tickets, growing with the queue.

    The ticket's own category and the rest of its group are read back only as far as
    scoring could still flag them (`Scorer.reach_back`): time apart weighs against them,
    and about a quarter of the rows read were ruled out on that alone.

    `group_apart`: the categories and the uncategorised as two ways rather than one OR.
    PostgreSQL needs it to check the category in the index (with the OR, it read every
    row in the box, ten times those it kept); SQLite checks the OR on the index entry
    already, and two branches would read the index twice."""
    nearby_ways: list[ColumnElement[bool]] = []
    if cell_slots:
        # The cells find the neighbourhood through the index; the box and the categories
        # keep only what could be the same problem, before any row is read out.
        nearby: list[ColumnElement[bool]] = [
            _T.geo_cell.in_(_in_list("cell", cell_slots)),
            _T.lat.between(bindparam("south"), bindparam("north")),
            _T.lon.between(bindparam("west"), bindparam("east")),
        ]
        if not categorised:
            nearby_ways.append(and_(*nearby))
        else:
            kin = [
                and_(_T.category_id == bindparam("same"), _T.created_at >= bindparam("since_same"))
            ]
            if group_slots:
                in_group = _T.category_id.in_(_in_list("group", group_slots))
                kin.append(and_(in_group, _T.created_at >= bindparam("since_group")))
            if related_slots:
                kin.append(_T.category_id.in_(_in_list("related", related_slots)))
            uncategorised = _T.category_id.is_(None)
            if group_apart:
                nearby_ways += [and_(*nearby, or_(*kin)), and_(*nearby, uncategorised)]
            else:
                nearby_ways.append(and_(*nearby, or_(*kin, uncategorised)))
    searched = (
        _T.created_at >= bindparam("since"),
        _T.id != bindparam("itself"),
        _T.parent_id.is_(None),
        *(_T.status != status for status in sorted(UNSEARCHED_STATUSES)),
    )
    selects = [
        # Named for SQLite: until a queue has statistics (a new city's first hour), its
        # planner took a dozen cells for dearer than the categories' index, and read every
        # ticket of the group in the window: 1,300 rows for 75 at 7,600 tickets.
        select(*_CANDIDATE_COLUMNS)
        .where(way, *searched)
        .with_hint(_TICKETS, f"INDEXED BY {CELL_INDEX}", "sqlite")
        for way in nearby_ways
    ]
    if by_phone:
        by_caller = _T.reporter_phone == bindparam("phone")
        selects.append(select(*_CANDIDATE_COLUMNS).where(by_caller, *searched))
    if len(selects) == 1:
        (query,) = selects
        return DriverStatement(query.order_by(_T.created_at.desc()).limit(MAX_CANDIDATES))
    # UNION ALL: the ways overlap only where a caller's own report lies nearby, and find()
    # skips the second copy; UNION made SQLite compare every row read whole, its texts
    # included, to drop it.
    candidates = union_all(*selects)
    newest_first = candidates.selected_columns.created_at.desc()
    return DriverStatement(candidates.order_by(newest_first).limit(MAX_CANDIDATES))


def find(
    session: Session, ticket: Ticket, categories: dict[int, CategoryInfo], settings: Settings
) -> list[Candidate]:
    """Earlier tickets `ticket` may report again that score at least the flag score, best
    first, each with its score and reasons. One indexed query: the cells the radius's box
    touches (narrowed to the box and the category's group), or the same caller, within the
    window; the newest first, should a crowded neighbourhood hold more than the limit."""
    radius = radius_for(categories, ticket.category_id, settings.default_radius_m)
    if ticket.lat is None or ticket.lon is None:
        cells: list[int] = []
    else:
        # A point found from an address is searched as far as its place may reach, within
        # what the cells allow.
        reach = min(radius + (ticket.location_radius_m or 0.0), MAX_RADIUS_M)
        box = box_around(ticket.lat, ticket.lon, reach)
        cells = cells_in(box)
    if not cells and not ticket.reporter_phone:
        return []
    scorer = Scorer(
        report_of(categories, ticket),
        radius_m=radius,
        window=settings.window,
        related=related_of(categories),
        at_least=settings.flag_score,
    )
    parameters: dict[str, Any] = {
        "since": ticket.created_at - settings.window,
        "itself": ticket.id or 0,  # 0: not written yet
        "phone": ticket.reporter_phone,
    }
    cell_slots = group_slots = related_slots = 0
    members = members_of(categories, ticket.category_id)
    if cells:
        cell_slots = _slot_count(len(cells), CELL_SLOTS)
        parameters |= _slots("cell", cells, cell_slots)
        parameters |= {"south": box.south, "north": box.north, "west": box.west, "east": box.east}
        if members is not None:
            parameters["same"] = members.same
            parameters["since_same"] = ticket.created_at - scorer.reach_back("same")
            if members.group:
                group_slots = _slot_count(len(members.group), GROUP_SLOTS)
                parameters |= _slots("group", members.group, group_slots)
                parameters["since_group"] = ticket.created_at - scorer.reach_back("same group")
            if members.related:
                related_slots = _slot_count(len(members.related), RELATED_SLOTS)
                parameters |= _slots("related", members.related, related_slots)
    connection = session.connection()
    query = _candidate_query(
        cell_slots,
        members is not None,
        group_slots,
        related_slots,
        bool(ticket.reporter_phone),
        connection.dialect.name == "postgresql",
    )
    rows = query.all(connection, parameters)
    found = []
    read: set[int] = set()
    groups = _of_taxonomy(categories).group_of
    # Unpacked rather than read by name: this loop runs for every row, a dozen a search.
    for row in rows:
        ticket_id, number, status, reply_text, category_id, lat, lon, at, text, phone = row[:10]
        if ticket_id in read:  # found both nearby and by the caller's number
            continue
        read.add(ticket_id)
        keys, uncertainty = row[10], row[11]
        group_id = groups.get(category_id)
        scored = scorer.score(
            Report(category_id, group_id, lat, lon, at, text, phone, keys, uncertainty)
        )
        if scored is not None:
            found.append(Candidate(ticket_id, number, status, reply_text, scored))
    return sorted(found, key=lambda candidate: -candidate.match.score)


def record_candidates(
    session: Session,
    ticket: Ticket,
    candidates: list[Candidate],
    status: str,
    now: datetime,
    *,
    decided_by: Actor | None = None,
) -> None:
    """`decided_by`: who settled them (the system, when intake merged at once)."""
    if candidates:
        _INSERT_CANDIDATES.execute(
            session.connection(),
            [
                {
                    "ticket_id": ticket.id,
                    "candidate_id": candidate.ticket_id,
                    "score": candidate.match.score,
                    "reasons": candidate.match.reasons,
                    "status": status,
                    "created_at": now,
                    "decided_by": decided_by.ref if decided_by else None,
                    "decided_at": now if decided_by else None,
                }
                for candidate in candidates
            ],
        )


def _set_candidate_status(
    session: Session, child: Ticket, parent_id: int, status: str, actor: Actor, now: datetime
) -> None:
    changed = session.execute(
        update(DuplicateCandidate)
        .where(
            DuplicateCandidate.ticket_id == child.id,
            DuplicateCandidate.candidate_id == parent_id,
        )
        .values(status=status, decided_by=actor.ref, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        session.add(
            DuplicateCandidate(
                ticket_id=child.id,
                candidate_id=parent_id,
                score=1.0,
                reasons={"by_hand": True},
                status=status,
                created_at=now,
                decided_by=actor.ref,
                decided_at=now,
            )
        )


def merge(
    session: Session,
    child: Ticket,
    parent: Ticket,
    actor: Actor,
    now: datetime,
    *,
    match_: Match | None = None,
    reason: str | None = None,
) -> None:
    """`child` becomes a link under `parent`: its own clocks stop (the parent's run for
    both), it follows the parent's outcome, and both timelines say so."""
    clocks.stop(session, child, list(ClockKind), now, actor, ClockState.CANCELLED)
    child.parent_id = parent.id
    child.status = TicketStatus.MERGED
    child.reply_text = parent.reply_text
    mark_changed(session, child, now)
    record_merge(session, child, parent.id, parent.number, actor, now, match_=match_, reason=reason)
    _set_candidate_status(session, child, parent.id, "merged", actor, now)
    clocks.refresh_deadlines(session, child)
    session.flush()


def record_merge(
    session: Session,
    child: Ticket,
    parent_id: int,
    parent_number: str,
    actor: Actor,
    now: datetime,
    *,
    match_: Match | None = None,
    reason: str | None = None,
) -> None:
    """Both timelines of a merge: the child's `merged`, the parent's `duplicate_added`."""
    details = {"score": match_.score, "reasons": match_.reasons} if match_ else {}
    auto = match_ is not None and reason is None
    record_events(
        session,
        [
            event_row(
                child.id,
                EventKind.MERGED,
                actor,
                {"parent": parent_number, "auto": auto, "reason": reason} | details,
                now,
            ),
            event_row(
                parent_id,
                EventKind.DUPLICATE_ADDED,
                actor,
                {"child": child.number, "channel": child.channel, "auto": auto} | details,
                now,
            ),
        ],
    )


def unmerge(
    session: Session,
    child: Ticket,
    parent: Ticket,
    catalogue: Catalogue,
    actor: Actor,
    reason: str,
    now: datetime,
) -> None:
    """`child` stands on its own again, waiting for dispatch; its citizen's reply clock
    counts from its own intake, as if it had never been merged."""
    child.parent_id = None
    child.status = TicketStatus.NEW
    child.reply_text = None
    mark_changed(session, child, now)
    record_event(
        session,
        child,
        EventKind.UNMERGED,
        actor,
        {"parent": parent.number, "reason": reason},
        at=now,
    )
    record_event(
        session,
        parent,
        EventKind.DUPLICATE_REMOVED,
        actor,
        {"child": child.number, "reason": reason},
        at=now,
    )
    _set_candidate_status(session, child, parent.id, "dismissed", actor, now)
    reply = clocks.plan(child, [ClockKind.REPLY], catalogue, child.created_at)
    if reply is not None:
        clocks.save(session, child, reply, now, actor)
    clocks.start(session, child, [ClockKind.DISPATCH], catalogue, now, actor)
    clocks.refresh_deadlines(session, child)
    session.flush()


def children(session: Session, parent: Ticket) -> list[Ticket]:
    return list(
        session.scalars(select(Ticket).where(Ticket.parent_id == parent.id).order_by(Ticket.id))
    )


def follow_parent(
    session: Session, parent: Ticket, kind: EventKind, actor: Actor, now: datetime
) -> None:
    """The parent's reply, close and reopen reach every ticket merged into it, so each
    reporter sees the outcome in the self-service view."""
    for child in children(session, parent):
        if kind in (EventKind.REPLIED, EventKind.ANSWERED_AT_ONCE):
            child.reply_text = parent.reply_text
        elif kind == EventKind.REOPENED:
            child.reply_text = None
        elif kind == EventKind.CLOSED:
            child.status = TicketStatus.CLOSED
        else:
            continue
        mark_changed(session, child, now)
        record_event(
            session,
            child,
            kind,
            actor,
            {"via": parent.number, "reply": child.reply_text},
            at=now,
        )


@dataclass(frozen=True)
class Contacts:
    """How many times, and through which channels, the problem was reported."""

    count: int
    channels: dict[str, int]


# Built once: every ticket read shows its contacts and candidates, and actions answer with
# the ticket read, so both run on each.
_CHANNELS_OF_CHILDREN = (
    select(_T.channel, func.count()).where(_T.parent_id == bindparam("parent")).group_by(_T.channel)
)
_C = _CANDIDATES.c
_OTHER = case((_C.ticket_id == bindparam("ticket"), _C.candidate_id), else_=_C.ticket_id)
_CANDIDATES_EITHER_WAY = (
    select(_C.ticket_id, _C.score, _C.reasons, _C.status, _T.number)
    .join(_TICKETS, _T.id == _OTHER)
    .where(or_(_C.ticket_id == bindparam("ticket"), _C.candidate_id == bindparam("ticket")))
    .order_by(_C.score.desc())
)


_FOLLOWERS = select(func.count()).where(TicketFollower.__table__.c.ticket_id == bindparam("parent"))


def contacts(session: Session, ticket: Ticket) -> Contacts:
    """The reports of the problem: the ticket's, those merged into it, and the citizens who
    joined it from "already reported?" (`me_too`)."""
    channels: dict[str, int] = {ticket.channel: 1}
    connection = session.connection()
    for channel, count in connection.execute(_CHANNELS_OF_CHILDREN, {"parent": ticket.id}):
        channels[channel] = channels.get(channel, 0) + count
    if followers := connection.execute(_FOLLOWERS, {"parent": ticket.id}).scalar_one():
        channels["me_too"] = followers
    return Contacts(sum(channels.values()), channels)


@dataclass(frozen=True)
class CandidateLink:
    """A suspected duplicate as the ticket shows it."""

    number: str  # the other ticket's
    direction: str  # "earlier" when the other was filed first, else "later"
    score: float
    reasons: dict[str, Any]
    status: str


def candidates_of(session: Session, ticket: Ticket) -> list[CandidateLink]:
    """The ticket's suspected duplicates either way round, best first."""
    rows = session.connection().execute(_CANDIDATES_EITHER_WAY, {"ticket": ticket.id})
    return [
        CandidateLink(
            row.number,
            "earlier" if row.ticket_id == ticket.id else "later",
            row.score,
            row.reasons,
            row.status,
        )
        for row in rows
    ]
