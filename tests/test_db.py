"""The engine: what each SQLite connection is set to, and how JSON documents are stored."""

from pathlib import Path

import pytest
from sqlalchemy import String, bindparam, cast, select, text
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import BACKGROUND_CONNECTIONS, JsonDocument, create_db_engine
from tests.conftest import POSTGRES_URL


def test_a_sqlite_connection_is_tuned_for_a_server(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'tuned.db'}", sqlite_cache_mb=32)
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
