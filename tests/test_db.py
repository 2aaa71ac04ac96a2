"""The engine: what each SQLite connection is set to, and how JSON documents are stored."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String, bindparam, cast, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from app.config import Settings
from app.db import BACKGROUND_CONNECTIONS, JsonDocument, UtcDateTime, create_db_engine
from tests.conftest import POSTGRES_URL


def test_a_sqlite_connection_is_tuned_for_a_server(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'tuned.db'}", sqlite_cache_mb=32, sqlite_mmap_mb=256
    )
    engine = create_db_engine(settings)
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.execute(text(f"PRAGMA {name}")).scalar_one()

            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL: durable through a power cut
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 10_000
            assert pragma("cache_size") == -32 * 1024  # KiB
            assert pragma("mmap_size") == 256 * 1024 * 1024
            assert pragma("temp_store") == 2  # MEMORY: savepoint journals stay off the disk
    finally:
        engine.dispose()


def test_a_json_document_keeps_its_text_readable_and_its_keys_as_strings(
    session: Session,
) -> None:
    """What a JSON column stores: Chinese as it was written (someone reading the database
    reads it), keys that were numbers as strings, and the document back as it went in."""
    document = {"description": "小区门口路灯不亮", 7: "seven", "nested": {"anonymous": True}}
    stored = bindparam("document", document, type_=JsonDocument)

    as_text = session.scalar(select(cast(stored, String)))
    read_back = session.scalar(select(stored))

    assert as_text is not None
    assert "小区门口路灯不亮" in as_text
    assert read_back == {
        "description": "小区门口路灯不亮",
        "7": "seven",
        "nested": {"anonymous": True},
    }


@pytest.mark.skipif(POSTGRES_URL is None, reason="the pool of PostgreSQL connections")
def test_requests_and_background_work_reuse_their_postgresql_connections() -> None:
    """Every request slot and every background worker busy at once, twice: the second time
    runs on the same PostgreSQL backends, rather than opening (and forking) new ones."""
    settings = Settings(database_url=POSTGRES_URL or "")
    engine = create_db_engine(settings)
    busy_at_once = settings.db_pool_size + BACKGROUND_CONNECTIONS

    def backends() -> set[int]:
        connections = [engine.connect() for _ in range(busy_at_once)]
        pids = {c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in connections}
        for connection in connections:
            connection.close()
        return pids

    try:
        first = backends()
        assert len(first) == busy_at_once
        assert backends() == first
    finally:
        engine.dispose()


_ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-3, minutes=-30)),
        ZoneInfo("Asia/Shanghai"),
    ]
)


@given(st.datetimes(timezones=_ZONES))
def test_a_timestamp_is_stored_on_sqlite_as_sqlalchemys_datetime_writes_it(at: datetime) -> None:
    """The text older rows hold and every comparison in SQL relies on, microseconds and
    all, whatever zone the value came in."""
    dialect = sqlite.dialect()
    on_sqlite = UtcDateTime().dialect_impl(dialect)  # as statements take it
    ours = on_sqlite.bind_processor(dialect)
    sqlalchemys = TypeDecorator.bind_processor(on_sqlite, dialect)
    assert ours is not None
    assert sqlalchemys is not None
    assert ours(at) == sqlalchemys(at)
    assert ours(None) is None


@given(
    st.datetimes(min_value=datetime(1001, 1, 1), timezones=_ZONES),  # four-digit years
    st.sampled_from(
        ["%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z"]
    ),
)
def test_a_timestamp_is_read_on_sqlite_as_sqlalchemys_datetime_reads_it(
    at: datetime, stored_as: str
) -> None:
    """Read back in UTC from the text this type writes, from the shorter texts SQLite's
    own functions write, and from a text with an offset of its own."""
    dialect = sqlite.dialect()
    on_sqlite = UtcDateTime().dialect_impl(dialect)
    ours = on_sqlite.result_processor(dialect, None)
    sqlalchemys = TypeDecorator.result_processor(on_sqlite, dialect, None)
    assert ours is not None
    assert sqlalchemys is not None
    stored = at.astimezone(UTC).strftime(stored_as)
    read = ours(stored)
    assert read is not None
    assert read == sqlalchemys(stored)
    assert read.tzinfo is not None
    assert read.utcoffset() == timedelta(0)
    assert ours(None) is None


def test_a_naive_timestamp_is_refused_on_sqlite_too() -> None:
    process = UtcDateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    assert process is not None
    with pytest.raises(ValueError, match="naive datetime refused"):
        process(datetime(2026, 12, 7, 9, 30))


def test_a_stored_timestamp_reads_back_as_the_same_instant(session: Session) -> None:
    at = datetime(2026, 12, 7, 17, 30, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    session.execute(text("CREATE TEMPORARY TABLE stamp (at TIMESTAMP)"))
    session.execute(
        text("INSERT INTO stamp (at) VALUES (:at)").bindparams(bindparam("at", type_=UtcDateTime)),
        {"at": at},
    )
    read = text("SELECT at FROM stamp").columns(at=UtcDateTime)
    assert session.execute(read).scalar_one() == at
