"""The event feed: each timeline row gets its place once it has committed, and readers
follow the places with a cursor.

Why places are given after commit: ids (and any sequence) are handed out when a row is
written, but PostgreSQL's transactions commit in another order, so a reader that had
seen id 101 would never come back for 100 committing a moment later. The sequencer takes
the feed's counter row FOR UPDATE SKIP LOCKED, gives the committed rows still without a
place the next places in id order, and commits: one sequencer at a time, so the places
that are visible are always 1..N with no gap a later commit could fill. A reader that
has read up to N has read everything before it, forever. On SQLite, where one writer
commits at a time, the same code runs under its write lock.

A ticket's own events keep their order: a change to a ticket waits for the change before
it to commit (the version check), so its rows' ids, and places, come after.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.events import types
from app.events.models import EventFeed
from app.events.schemas import EventData, EventTicket, FeedEvent
from app.identity.principal import ClientPrincipal, Principal
from app.privacy.masking import mask_phones_in_text
from app.tickets import scoping
from app.tickets.models import Ticket, TicketEvent
from app.vocabulary import Channel

FEED = "events"
_EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
_FEED: Table = EventFeed.__table__  # type: ignore[assignment]
# The committed rows still without a place, in id order, each with the place it gets.
_WAITING = (
    select(
        _EVENTS.c.id,
        (bindparam("last", type_=BigInteger) + func.row_number().over(order_by=_EVENTS.c.id)).label(
            "position"
        ),
    )
    .where(_EVENTS.c.feed_position.is_(None))
    .order_by(_EVENTS.c.id)
    .limit(bindparam("batch"))
    .subquery("waiting")
)
# One statement for a pass: the places are numbered by the database, not sent one UPDATE a
# row (on PostgreSQL, psycopg's executemany spent more of its own work on each row than the
# server did).
_PLACE_WAITING = (
    update(_EVENTS).where(_EVENTS.c.id == _WAITING.c.id).values(feed_position=_WAITING.c.position)
)


def sequence(session: Session, batch: int = 1000) -> int:
    """Give up to `batch` committed events their places, in the caller's transaction
    (commit it soon: the counter row stays locked until then). 0 when another sequencer
    is at work or nothing waits."""
    connection = session.connection()
    last = connection.execute(
        select(_FEED.c.last_position).where(_FEED.c.name == FEED).with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if last is None:
        return 0
    placed = connection.execute(_PLACE_WAITING, {"last": last, "batch": batch}).rowcount
    if placed:
        connection.execute(
            update(_FEED).where(_FEED.c.name == FEED).values(last_position=last + placed)
        )
    return placed


def head(session: Session) -> int:
    """The last place given out: every place up to it is visible."""
    last: int = session.execute(
        select(_FEED.c.last_position).where(_FEED.c.name == FEED)
    ).scalar_one()
    return last


@dataclass(frozen=True)
class FeedRow:
    position: int
    kind: str
    created_at: datetime
    actor_kind: str
    payload: dict[str, Any]
    number: str
    channel: str
    external_id: str | None
    ticket_id: int


# A FeedRow's fields, by their names: what a query that makes FeedRows selects.
ROW_COLUMNS = (
    _EVENTS.c.feed_position.label("position"),
    _EVENTS.c.kind,
    _EVENTS.c.created_at,
    _EVENTS.c.actor_kind,
    _EVENTS.c.payload,
    Ticket.number,
    Ticket.channel,
    Ticket.external_id,
    _EVENTS.c.ticket_id,
)


def kinds_for(viewer: Principal | None, wanted_types: Collection[str]) -> list[str]:
    """The timeline kinds a viewer hears, of the types wanted (all when none is named)."""
    kinds = (
        [types.KIND_OF_TYPE[name] for name in wanted_types]
        if wanted_types
        else list(types.TYPE_OF_KIND)
    )
    if isinstance(viewer, ClientPrincipal):
        return [kind for kind in kinds if kind in types.PUBLIC_KINDS]
    return kinds


def read(
    session: Session,
    viewer: Principal | None,
    after: int,
    limit: int,
    kinds: Collection[str],
    up_to: int | None = None,
) -> tuple[list[FeedRow], int]:
    """The events after place `after` that `viewer` may see (None: every one), in feed
    order, and the place to read on from. With fewer than `limit` found, that is the
    feed's head (or `up_to`): the events between that the viewer may not see are passed
    over for good."""
    last = head(session) if up_to is None else up_to
    query = (
        select(*ROW_COLUMNS)
        .join(Ticket, Ticket.id == _EVENTS.c.ticket_id)
        .where(
            _EVENTS.c.feed_position > after,
            _EVENTS.c.feed_position <= last,
            _EVENTS.c.kind.in_(list(kinds)),
        )
        .order_by(_EVENTS.c.feed_position)
        .limit(limit)
    )
    condition = None if viewer is None else scoping.visible_to(viewer)
    if condition is not None:
        query = query.where(condition)
    rows = [FeedRow(**row) for row in session.execute(query).mappings()]
    if len(rows) == limit:
        return rows, rows[-1].position
    return rows, max(last, after)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phones_in_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def event_of(row: FeedRow, *, public: bool) -> FeedEvent:
    """The event as a viewer reads it: `public` for an integration (the public timeline's
    view: no staff, no notes, the reply only)."""
    if public:
        shown = types.PUBLIC_DETAILS.get(row.kind, ())  # type: ignore[call-overload]
        details = {key: row.payload[key] for key in shown if key in row.payload}
    else:
        details = row.payload
    return FeedEvent(
        id=str(row.position),
        type=types.TYPE_OF_KIND[row.kind],
        timestamp=row.created_at,
        data=EventData(
            ticket=EventTicket(
                number=row.number, channel=Channel(row.channel), external_id=row.external_id
            ),
            kind=row.kind,
            actor=row.actor_kind,
            details=_masked(details),
        ),
    )
