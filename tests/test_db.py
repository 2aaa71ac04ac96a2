"""The SQLite engine is tuned for a server: what each connection is set to."""

from pathlib import Path

from sqlalchemy import text

from app.config import Settings
from app.db import create_db_engine


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
