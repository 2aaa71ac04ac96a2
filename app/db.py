"""Engine, declarative base and the per-request session."""

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.expression import FromClause
from sqlalchemy.types import TypeDecorator

from app.config import Settings
from app.driver_sql import DriverStatement, driver_connection
from app.unit_of_work import UnitOfWork

SQLITE_CONNECTIONS = 1
# The one SQLite connection is replaced this often, so PRAGMA optimize (run as it closes)
# keeps the planner's statistics up with a growing queue.
SQLITE_RECYCLE_SECONDS = 3600
SQLITE_ANALYSIS_ROWS = 1000
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is UTC-aware on the way in and out, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else _in_utc(value)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        # SQLite stores the text SQLAlchemy's DATETIME writes. Its processor fills a format
        # from a dict of seven fields, after this type's own conversion; a ticket binds
        # about 35 timestamps, so one step that writes the same text is cheaper.
        if dialect.name == "sqlite":
            return _sqlite_datetime_text
        return super().bind_processor(dialect)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        # SQLite's stored text is UTC without an offset: given one, fromisoformat makes the
        # aware value in one C call, where SQLAlchemy's DATETIME parses it and this type then
        # sets the zone (0.11 µs against 1.0 µs; a duplicate search reads a dozen rows).
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general

        def read(value: str | None) -> datetime | None:
            if value is None:
                return None
            if len(value) > _DATE_ONLY:  # a date and a time, as this type writes them
                with contextlib.suppress(ValueError):  # one with an offset of its own
                    return datetime.fromisoformat(value + "+00:00")
            return general(value)

        return read


_DATE_ONLY = len("YYYY-MM-DD")

# SQLAlchemy's SQLite DATETIME storage format, filled from a tuple: a dict of seven fields,
# as SQLAlchemy fills it, or isoformat, which asks the zone for its offset, take longer.
_SQLITE_DATETIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def _in_utc(value: datetime) -> datetime:
    """`value` in UTC (as it is, when it is already); a naive one is refused."""
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: use app.clock.utc_now()")
    return value.astimezone(UTC)


def _sqlite_datetime_text(value: datetime | None) -> str | None:
    """UTC as SQLAlchemy's SQLite DATETIME stores it: "YYYY-MM-DD HH:MM:SS.ffffff"."""
    if value is None:
        return None
    value = _in_utc(value)
    return _SQLITE_DATETIME % (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JsonDocument}


ModelT = TypeVar("ModelT", bound=Base)


def _tune_sqlite(engine: Engine, cache_mb: int, mmap_mb: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed ticket survives power loss, not just a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")  # negative: in KiB
        cursor.execute(f"PRAGMA mmap_size={mmap_mb * 1024 * 1024}")
        # Savepoint journals in memory: every intake is a savepoint of its commit group, and
        # in a file each one wrote every page it touched through the kernel.
        cursor.execute("PRAGMA temp_store=MEMORY")
        # Statistics from a sample of each index: ANALYZE stays quick on a large queue.
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_ROWS}")
        cursor.close()

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection: Any, _record: Any) -> None:
        # SQLite's advice for long-lived connections: PRAGMA optimize before closing, which
        # gathers the planner's statistics for tables that have none or have grown a lot.
        # Without them, the planner takes a status index over the duplicate search's own.
        with contextlib.suppress(sqlite3.Error):
            dbapi_connection.execute("PRAGMA optimize")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: no deadlock when a reader later wants to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    _send_savepoints_as_driver_sql(engine.dialect)
    engine.dialect.statement_compiler = _SQLiteHintingCompiler


class _SQLiteHintingCompiler(SQLiteCompiler):
    """Writes a table's hint (`Select.with_hint(table, "INDEXED BY ...", "sqlite")`) after
    the table's name, which SQLAlchemy's SQLite compiler leaves out: the queue names the
    index of a screen whose best plan SQLite's sampled statistics hide (app/tickets/service.py
    `_sqlite_index_hint`)."""

    def get_from_hint_text(self, table: FromClause, text: str | None) -> str | None:
        return text


def _send_savepoints_as_driver_sql(dialect: Dialect) -> None:
    """Every intake on SQLite is a savepoint (app.commit_group). SQLAlchemy compiles each
    SAVEPOINT statement afresh, as each has a new name, and wraps it in an execution of
    its own: together about as much as one of intake's INSERTs. This engine's dialect
    hands them to the driver as they are."""

    def savepoint(connection: Connection, name: str) -> None:
        driver_connection(connection).execute(f"SAVEPOINT {name}")

    def release(connection: Connection, name: str) -> None:
        driver_connection(connection).execute(f"RELEASE SAVEPOINT {name}")

    def rollback_to(connection: Connection, name: str) -> None:
        driver_connection(connection).execute(f"ROLLBACK TO SAVEPOINT {name}")

    dialect.do_savepoint = savepoint  # type: ignore[method-assign]
    dialect.do_release_savepoint = release  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = rollback_to  # type: ignore[method-assign]


def column_values(row: Base) -> dict[str, Any]:
    """The column values of a `transient` object, for a Core INSERT; an unset key is None,
    and an unset primary key is left out for the database to give. Read from the object's
    own dictionary: the ORM's attribute access costs a step per column, and a ticket has
    forty."""
    values = vars(row)
    found = {key: values.get(key) for key in _column_keys(row.__table__)}
    if found.get("id") is None:
        found.pop("id", None)
    return found


@functools.cache
def _column_keys(table: Table) -> tuple[str, ...]:
    # Walking a table's column collection costs more than the lookups themselves.
    return tuple(column.key for column in table.columns)


def transient(model: type[ModelT], **values: Any) -> ModelT:
    """An object of `model` that only carries `values`, for an answer; never added to a
    session. Made the way the ORM makes a loaded row: a constructor would fire attribute
    events for each value, which for a new ticket and its clocks costs about a query.
    Collections go in afterwards with `set_committed_value`: a plain list in `values`
    would not be an ORM collection."""
    instance = cast(ModelT, _instance_maker(model)())
    instance.__dict__.update(values)
    return instance


@functools.cache
def _instance_maker(model: type[Base]) -> Callable[[], Base]:
    """The mapper's own way to make an empty instance, looked up once per model."""
    make: Callable[[], Base] = inspect(model).class_manager.new_instance
    return make


def _json_text(value: Any) -> str:
    # Keys that are not strings (numbers, enums) become strings, as the standard library's.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# JSON columns through orjson: intake writes four or five documents a ticket (the channel's
# data, its events' payloads), and the standard library took ten times as long for each.
_JSON_CODEC: dict[str, Any] = {"json_serializer": _json_text, "json_deserializer": orjson.loads}


# The server's background workers that use the database, one connection each at most.
BACKGROUND_CONNECTIONS = 3


def create_db_engine(settings: Settings) -> Engine:
    """An engine tuned for the database in `settings`.

    SQLite gets one connection: it has one writer anyway, and a queue in front of
    one connection keeps tail latency far lower than writers fighting for the lock.
    """
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            poolclass=QueuePool,
            pool_size=SQLITE_CONNECTIONS,
            max_overflow=0,
            pool_timeout=60,
            pool_recycle=SQLITE_RECYCLE_SECONDS,
            connect_args={"check_same_thread": False},
            **_JSON_CODEC,
        )
        _tune_sqlite(engine, settings.sqlite_cache_mb, settings.sqlite_mmap_mb)
        return engine
    return create_engine(
        settings.database_url,
        # The request slots and a connection kept for each background worker (the SLA
        # sweeper, the statistics' follower, webhook delivery): each takes one every pass,
        # and a connection past the pool's size is closed when given back, so background
        # work drawing on the overflow opened a PostgreSQL backend (a process) per pass
        # under load, which took requests from 6 ms to a second at 200 events a second.
        pool_size=settings.db_pool_size + BACKGROUND_CONNECTIONS,
        # As many spare connections again as request slots, for bursts outside requests.
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
        **_JSON_CODEC,
    )


def request_slots(settings: Settings) -> int:
    """How many requests may use the database at once in one process."""
    return SQLITE_CONNECTIONS if settings.is_sqlite else settings.db_pool_size


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for work outside a request (commands, background jobs), one unit of work:
    committed when the work succeeds, rolled back when it raises."""
    unit = UnitOfWork(factory())
    try:
        yield unit.session
    except BaseException as error:
        unit.end(error)
        raise
    unit.end()


def dialect_insert(session: Session, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that knows ON CONFLICT, for the dialect the session talks to."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


@functools.cache
def _insert_or_nothing(
    dialect_name: str, table: Table, conflict_columns: tuple[str, ...]
) -> DriverStatement:
    # Built once: values come as parameters, so hot paths pay no statement construction.
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    key_column = next(iter(table.primary_key.columns))
    return DriverStatement(
        insert(table).on_conflict_do_nothing(index_elements=conflict_columns).returning(key_column)
    )


def insert_ignoring_conflict(
    session: Session, table: Table, values: dict[str, Any], conflict_columns: list[str]
) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the key: None when the row already existed.

    Under concurrency the loser waits for the winner's commit and then gets None, so
    callers look the winner's row up instead of failing.
    """
    connection = session.connection()
    statement = _insert_or_nothing(connection.dialect.name, table, tuple(conflict_columns))
    inserted = statement.first(connection, values)
    return None if inserted is None else inserted[0]
