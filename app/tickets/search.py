"""Text search in the queue (`q`): the tickets whose title, description, address or agent's
summary contain the text, found through an index on both databases.

- SQLite: an FTS5 table with the trigram tokenizer (`ticket_search`), which finds any
  substring of three characters or more, Chinese included, without a word segmenter. It
  reads its text from the ticket table (external content), so nothing is stored twice,
  and triggers keep it in step with every INSERT, UPDATE of a searched field and DELETE,
  in the writer's own transaction. It keeps which tickets hold each trigram and nothing
  more (`detail=none`, `columnsize=0`): no positions, so it cannot match a phrase itself.
  A search asks it for the tickets holding trigrams that cover the text (candidates)
  and keeps those whose field contains the text, read from the ticket row.
- PostgreSQL: a pg_trgm GIN index on the four fields joined (`ix_ticket_search_text`),
  which PostgreSQL keeps in step itself; the search is an ILIKE on the same expression.

A text of one or two characters has no trigram to look up. It is looked for among the
newest `SHORT_TEXT_NEWEST` tickets only, by reading them (a bounded scan), and the page
says so. Both are case-insensitive for Latin letters.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from app.tickets.models import Ticket

MIN_INDEXED_CHARS = 3
# SQLite: up to this many matches, the query starts from them (see `condition`).
FEW_MATCHES = 1_000
# About a day and a half of a Beijing-sized city's contacts: a one- or two-character word
# is looked for among the latest calls, where an agent's repeat caller is.
SHORT_TEXT_NEWEST = 50_000

SQLITE_TABLE = "ticket_search"
# What the SQLite index keeps of a ticket: which trigrams it holds, without their positions
# (`detail=none`) or the fields' lengths (`columnsize=0`, read by ranking only, which the
# queue does not do): a quarter of the size. Intake writes each ticket in a savepoint of
# its own, and FTS5 writes its pending terms out as a new segment at every savepoint, so
# each ticket's terms are a segment, written once, then again by every merge.
SQLITE_OPTIONS = "detail=none, columnsize=0"
# Those one-ticket segments are merged when 64 of a size are there rather than FTS5's 16
# (`crisismerge`, which merged them on the very write that made the sixteenth), sixteen at a
# time in small steps otherwise (`automerge`; four by default): each ticket's terms are
# written again fewer times (at 300,000 tickets, 0.30 ms of a ticket's intake became 0.17),
# and a search reads a few more segments.
SQLITE_MERGES: Mapping[str, int] = {"automerge": 16, "crisismerge": 64}
# (A change to either makes the table again in a migration of its own, as 03dbf933bd01 did.)
POSTGRES_INDEX = "ix_ticket_search_text"


# The indexed expression; a query must spell it exactly so for PostgreSQL to use the index.
def _postgres_text(table: str = "") -> str:
    return (
        f"({table}title || ' ' || {table}description || ' ' || coalesce({table}address, '') "
        f"|| ' ' || coalesce({table}agent_summary, ''))"
    )


POSTGRES_TEXT = _postgres_text()
# The same, named with its table: the queue's query joins the ticket's parent ticket too.
_POSTGRES_TICKET_TEXT: ColumnElement[str] = literal_column(_postgres_text("ticket."), String)

_FIELDS = "title, description, address, agent_summary"
_NEW = "new.id, new.title, new.description, new.address, new.agent_summary"
_OLD = "'delete', old.id, old.title, old.description, old.address, old.agent_summary"
_SQLITE_TRIGGERS = {
    "ticket_search_insert": f"""
        CREATE TRIGGER ticket_search_insert AFTER INSERT ON ticket BEGIN
            INSERT INTO ticket_search (rowid, {_FIELDS}) VALUES ({_NEW});
        END""",
    "ticket_search_delete": f"""
        CREATE TRIGGER ticket_search_delete AFTER DELETE ON ticket BEGIN
            INSERT INTO ticket_search (ticket_search, rowid, {_FIELDS}) VALUES ({_OLD});
        END""",
    # Only a change to a searched field touches the index, not every status change.
    "ticket_search_update": f"""
        CREATE TRIGGER ticket_search_update AFTER UPDATE OF {_FIELDS} ON ticket BEGIN
            INSERT INTO ticket_search (ticket_search, rowid, {_FIELDS}) VALUES ({_OLD});
            INSERT INTO ticket_search (rowid, {_FIELDS}) VALUES ({_NEW});
        END""",
}


def create_index(
    connection: Connection,
    sqlite_options: str = SQLITE_OPTIONS,
    sqlite_merges: Mapping[str, int] = SQLITE_MERGES,
) -> None:
    """Make the search index and build it for the tickets already there (the migration).
    Each migration that makes the SQLite table names its options and merge settings, so
    what it made stays what it made; the defaults are the current form."""
    if connection.dialect.name == "postgresql":
        # Made in the current schema when the database has none yet; named with the schema
        # it lives in, which need not be on this connection's search path.
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema = connection.exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        ).scalar_one()
        connection.exec_driver_sql(
            f"CREATE INDEX {POSTGRES_INDEX} ON ticket "
            f"USING gin ({POSTGRES_TEXT} {schema}.gin_trgm_ops)"
        )
        return
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5({_FIELDS}, "
        "content='ticket', content_rowid='id', tokenize='trigram'"
        + (f", {sqlite_options})" if sqlite_options else ")")
    )
    for setting, value in sqlite_merges.items():
        connection.exec_driver_sql(
            f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}, rank) VALUES (?, ?)", (setting, value)
        )
    rebuild(connection)
    keep_in_step(connection)


def drop_index(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
        return
    stop_keeping_in_step(connection)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")


def keep_in_step(connection: Connection) -> None:
    """SQLite: the triggers that write every ticket's change to the index. A migration
    that copies the ticket table (SQLite's way of altering a column) drops them with the
    old table, and must call this again."""
    for ddl in _SQLITE_TRIGGERS.values():
        connection.exec_driver_sql(ddl)


def stop_keeping_in_step(connection: Connection) -> None:
    """SQLite: drop the triggers (a bulk load does this, then rebuilds the index)."""
    for name in _SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(connection: Connection) -> None:
    """SQLite: index every ticket again, from the ticket table, into one segment: the many
    a rebuild leaves would otherwise be merged, a little at a time, by the intakes that
    follow, at a good part of what the index cost them."""
    for command in ("rebuild", "optimize"):
        connection.exec_driver_sql(
            f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}) VALUES (?)", (command,)
        )


def include_in_comparison(name: str | None, kind: str, _parents: object) -> bool:
    """What `alembic check` compares with the models (its `include_name`): everything but
    the search index, which the models do not describe (an FTS5 table and its shadow
    tables; an expression index)."""
    if name is None:
        return True
    if kind == "table":
        return not (name == SQLITE_TABLE or name.startswith(f"{SQLITE_TABLE}_"))
    return not (kind == "index" and name == POSTGRES_INDEX)


@dataclass(frozen=True)
class TextCondition:
    condition: ColumnElement[bool]
    # Set when the text was too short for the index: how many of the newest were read.
    searched_newest: int | None


def condition(session: Session | Connection, wanted: str) -> TextCondition:
    """The tickets whose searched fields contain `wanted` (stripped, not empty)."""
    if len(wanted) < MIN_INDEXED_CHARS:
        return TextCondition(_in_newest(session, wanted), SHORT_TEXT_NEWEST)
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        return TextCondition(_POSTGRES_TICKET_TEXT.ilike(literal(_like_pattern(wanted))), None)
    # The candidates hold the text's trigrams, maybe apart or in different fields: each is
    # kept only when one of its fields contains the text.
    matching: Select[int] = (
        select(literal_column("rowid", Integer))
        .select_from(text(SQLITE_TABLE))
        .where(literal_column(SQLITE_TABLE).op("MATCH")(_covering_trigrams(wanted)))
    )
    counted = select(func.count()).select_from(matching.limit(FEW_MATCHES + 1).subquery())
    if session.execute(counted).scalar_one() <= FEW_MATCHES:
        # Few: each is looked up by its id, and the few are sorted.
        return TextCondition(and_(Ticket.id.in_(matching), _contains(wanted)), None)
    # Many (a phrase one ticket in twenty holds): the queue's own order is walked, and
    # each ticket looked for among the candidates; looking each up and sorting them all
    # took four times as long. The unary + keeps SQLite from the first way.
    candidate = literal_column("+ticket.id", Integer).in_(matching)
    return TextCondition(and_(candidate, _contains(wanted)), None)


def _covering_trigrams(wanted: str) -> str:
    """An FTS5 query for the tickets that hold trigrams covering `wanted` end to end: one
    every three characters and the last three, each a quoted string (taken literally;
    without positions, the index can match no phrase longer than one trigram)."""
    last = len(wanted) - MIN_INDEXED_CHARS
    starts = [*range(0, last, MIN_INDEXED_CHARS), last]
    trigrams = (wanted[start : start + MIN_INDEXED_CHARS] for start in starts)
    return " ".join('"' + trigram.replace('"', '""') + '"' for trigram in trigrams)


def _like_pattern(wanted: str) -> str:
    # Backslash is PostgreSQL's default escape character for LIKE.
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SEARCHED = (
    Ticket.title,
    Ticket.description,
    Ticket.address,
    Ticket.agent_summary,
)


def _contains(wanted: str) -> ColumnElement[bool]:
    """One of the ticket's searched fields contains `wanted` (LIKE: Latin letters in either
    case), read from the ticket row."""
    return or_(*(column.icontains(wanted, autoescape=True) for column in _SEARCHED))


def _in_newest(session: Session | Connection, wanted: str) -> ColumnElement[bool]:
    """Read the newest tickets only, in the queue's own order: from the newest to the
    `SHORT_TEXT_NEWEST`th, a range of the (created_at, id) index that bounds the walk. (A
    range of ids bounded nothing: a walk newest first that found fewer than a page, as a
    unit's does, went on through every ticket.)"""
    contains = _contains(wanted)
    oldest = session.execute(
        select(Ticket.created_at, Ticket.id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .offset(SHORT_TEXT_NEWEST - 1)
        .limit(1)
    ).first()
    if oldest is None:  # fewer tickets than that: every one
        return contains
    created_at, ticket_id = oldest
    from_oldest = and_(
        Ticket.created_at >= created_at,
        or_(Ticket.created_at > created_at, Ticket.id >= ticket_id),
    )
    return and_(from_oldest, contains)
