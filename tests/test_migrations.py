"""The migrations make exactly the schema the models describe, and can be undone and redone."""

import os
import select as io_select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    insert,
    inspect,
    select,
    text,
)

import app.models
from app.config import Settings
from app.db import create_db_engine
from app.schema_version import (
    PROJECT_ROOT,
    alembic_config,
    current_revision,
    head_revision,
    migrating,
    schema_lock,
)
from app.tickets import search
from app.tickets.models import Ticket
from app.tickets.search import include_in_comparison
from tests.conftest import POSTGRES_URL, empty_database

APP_TABLES = frozenset(app.models.Base.metadata.tables)


def _schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        # compare_type as in migrations/env.py, so this is what `alembic check` would say.
        options = {"compare_type": True, "include_name": include_in_comparison}
        context = MigrationContext.configure(connection, opts=options)
        differences: list[object] = compare_metadata(context, app.models.Base.metadata)
    return differences


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return current_revision(connection)


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    with migrating(engine) as connection:
        getattr(command, direction)(alembic_config(connection), revision)


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert _schema_differences(engine) == []


def test_shared_database_is_at_head(engine: Engine) -> None:
    assert _revision(engine) == head_revision()


@pytest.fixture
def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the backend under test, not the one the other tests share."""
    with empty_database(backend, tmp_path, "hotline_migrations_test") as url:
        engine = create_db_engine(Settings(database_url=url))
        try:
            yield engine
        finally:
            engine.dispose()


REPLICAS = 3
WAITING = "another process is migrating the database; waiting for it to finish"


def _start_migrate(engine: Engine) -> subprocess.Popen[bytes]:
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "migrate"],
        env={**os.environ, "HOTLINE_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_replicas_started_together_on_an_empty_database_all_migrate(fresh_engine: Engine) -> None:
    """Replicas of a deployment start at once and each runs `hotline migrate`: each one
    must come up, and the schema must be made once."""
    replicas = [_start_migrate(fresh_engine) for _ in range(REPLICAS)]
    outputs = [replica.communicate(timeout=120)[0].decode() for replica in replicas]

    assert [replica.returncode for replica in replicas] == [0] * REPLICAS, outputs
    assert _revision(fresh_engine) == head_revision()
    assert _schema_differences(fresh_engine) == []


def _wait_for_line(replica: subprocess.Popen[bytes], wanted: str, timeout: float = 120) -> None:
    """Read the replica's output until it prints `wanted` (warnings may come first)."""
    assert replica.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = io_select.select([replica.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = replica.stdout.readline().decode()
        if not line:
            break  # it exited
        if line.strip() == wanted:
            return
        seen.append(line)
    pytest.fail(f"`hotline migrate` never said {wanted!r}; it said: {''.join(seen)}")


@pytest.mark.slow
def test_a_replica_waits_while_another_migrates(fresh_engine: Engine) -> None:
    """While one process holds the schema lock, another's `hotline migrate` says that it
    waits and touches nothing; it migrates once the lock is let go."""
    with schema_lock(fresh_engine):
        replica = _start_migrate(fresh_engine)
        _wait_for_line(replica, WAITING)
        assert replica.poll() is None
        assert _tables(fresh_engine) == set()
    output = replica.communicate(timeout=120)[0].decode()

    assert replica.returncode == 0, output
    assert _revision(fresh_engine) == head_revision()


@pytest.mark.slow
@pytest.mark.skipif(POSTGRES_URL is None, reason="schemas of one database are PostgreSQL's")
def test_a_city_in_another_schema_migrates_without_waiting(tmp_path: Path) -> None:
    """The lock is the schema's: a city kept in a schema of its own migrates while another
    schema of the same database is held."""
    with (
        empty_database("postgresql", tmp_path, "hotline_held_city") as held_url,
        empty_database("postgresql", tmp_path, "hotline_other_city") as other_url,
    ):
        held = create_db_engine(Settings(database_url=held_url))
        other = create_db_engine(Settings(database_url=other_url))
        try:
            with schema_lock(held):
                output = _start_migrate(other).communicate(timeout=120)[0].decode()
                assert WAITING not in output
                assert _revision(other) == head_revision()
                assert _tables(held) == set()
        finally:
            held.dispose()
            other.dispose()


def test_downgrade_to_base_then_upgrade_to_head(fresh_engine: Engine) -> None:
    assert _tables(fresh_engine) == set()

    _migrate(fresh_engine, "upgrade", "head")
    assert _tables(fresh_engine) >= APP_TABLES

    _migrate(fresh_engine, "downgrade", "base")
    assert _tables(fresh_engine) & APP_TABLES == set()
    assert _tables(fresh_engine) <= {"alembic_version"}
    assert _revision(fresh_engine) is None

    _migrate(fresh_engine, "upgrade", "head")
    assert _tables(fresh_engine) >= APP_TABLES
    assert _revision(fresh_engine) == head_revision()
    assert _schema_differences(fresh_engine) == []


AT = datetime(2026, 11, 2, 9, tzinfo=UTC)

# A later migration that alters tables the way SQLite does it: by copying each table and
# dropping the old copy. Made in the test, on top of whatever head the history has.
COPYING_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "c0b1ed7ab1e5"
down_revision = {head!r}
branch_labels = None
depends_on = None


# A longer column: SQLite can only copy the table for it.
WIDER = {{"ticket": ("title", 200, 300), "staff_user": ("display_name", 100, 150)}}


def upgrade() -> None:
    for table, (column, before, after) in WIDER.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(before), type_=sa.String(after))


def downgrade() -> None:
    for table, (column, before, after) in WIDER.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(after), type_=sa.String(before))
"""


def _insert(connection: Connection, name: str, values: dict[str, object]) -> int:
    table = Table(name, MetaData(), autoload_with=connection)
    return connection.execute(insert(table).values(values).returning(table.c.id)).scalar_one()


def _insert_ticket(connection: Connection) -> int:
    """A ticket row as the first schema holds it."""
    return _insert(
        connection,
        "ticket",
        {
            "number": "20261102-000001",
            "channel": "web",
            "request_type": "complaint",
            "priority": "normal",
            "title": "路灯不亮",
            "description": "路灯不亮，晚上很黑。",
            "is_anonymous": False,
            "is_confidential": False,
            "status": "new",
            "version": 1,
            "channel_data": {},
            "tracking_code": "12345678",
            "match_text": "路灯不亮晚上很黑",
            "created_at": AT,
            "updated_at": AT,
        },
    )


def test_the_migration_indexes_the_tickets_already_there(fresh_engine: Engine) -> None:
    _migrate(fresh_engine, "upgrade", "d41c7e0b5a63")
    with fresh_engine.begin() as connection:
        ticket_id = _insert_ticket(connection)

    _migrate(fresh_engine, "upgrade", "head")

    with fresh_engine.connect() as connection:
        found = search.condition(connection, "晚上很黑").condition
        assert connection.execute(select(Ticket.id).where(found)).scalars().all() == [ticket_id]


def test_rows_survive_a_later_migration_that_copies_their_tables(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    """SQLite alters a column by copying the table: dropping the old copy must not take
    the rows that refer to it along (a ticket's events, an account's refresh tokens: their
    foreign keys cascade)."""
    _migrate(fresh_engine, "upgrade", "head")
    with fresh_engine.begin() as connection:
        ticket_id = _insert_ticket(connection)
        event = {"ticket_id": ticket_id, "kind": "received", "actor_kind": "client"}
        _insert(connection, "ticket_event", event | {"payload": {}, "created_at": AT})
        account = {"display_name": "值班员", "password_hash": "x", "role": "dispatcher"}
        user_id = _insert(
            connection, "staff_user", account | {"username": "locked", "created_at": AT}
        )
        token = {"token_hash": "h" * 64, "family": "f", "expires_at": AT, "created_at": AT}
        _insert(connection, "refresh_token", token | {"user_id": user_id})

    _migrate_with(fresh_engine, tmp_path, COPYING_MIGRATION.format(head=head_revision()))

    with fresh_engine.connect() as connection:
        assert current_revision(connection) == "c0b1ed7ab1e5"
        events = connection.execute(text("SELECT count(*) FROM ticket_event")).scalar_one()
        tokens = connection.execute(text("SELECT count(*) FROM refresh_token")).scalar_one()
        number = connection.execute(text("SELECT number FROM ticket")).scalar_one()
    assert (events, tokens, number) == (1, 1, "20261102-000001")


def _migrate_with(engine: Engine, tmp_path: Path, migration: str) -> None:
    """Upgrade to head with the project's migrations and `migration` on top of them."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        PROJECT_ROOT / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__")
    )
    (scripts / "versions" / "2099_01_01_c0b1ed7ab1e5_copy_tables.py").write_text(migration)
    with migrating(engine) as connection:
        config = alembic_config(connection)
        config.set_main_option("script_location", str(scripts))
        command.upgrade(config, "head")


def _upload_row(kind: str | None, upload_id: str) -> dict[str, object]:
    row: dict[str, object] = {
        "id": upload_id,
        "content_type": "image/jpeg",
        "extension": "jpg",
        "width": 64,
        "height": 48,
        "size_bytes": 3,
        "created_at": AT,
    }
    if kind == "file":
        row |= {"kind": "file", "content_type": "application/pdf", "extension": "pdf"}
        row |= {"width": None, "height": None, "filename": "报告.pdf"}
    return row


def _count(connection: Connection, table: str) -> int:
    counted: int = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    return counted


def test_photos_stay_photos_with_their_bytes_when_files_come_and_go(fresh_engine: Engine) -> None:
    """The migration that lets uploads be files copies the photo table on SQLite: the
    photos' bytes and attachments survive it, and undoing it drops the files alone."""
    before_files = "accceb3a5996"
    _migrate(fresh_engine, "upgrade", before_files)
    photo_id, file_id = "a" * 64, "b" * 64
    with fresh_engine.begin() as connection:
        ticket_id = _insert_ticket(connection)
        photos = Table("photo", MetaData(), autoload_with=connection)
        connection.execute(insert(photos).values(_upload_row(None, photo_id)))
        connection.execute(
            text("INSERT INTO photo_bytes VALUES (:id, :data)"), {"id": photo_id, "data": b"jpg"}
        )
        attachment = {"ticket_id": ticket_id, "photo_id": photo_id, "role": "evidence"}
        _insert(connection, "ticket_attachment", attachment | {"position": 0, "created_at": AT})

    _migrate(fresh_engine, "upgrade", "head")

    with fresh_engine.begin() as connection:
        kind = connection.execute(text("SELECT kind FROM photo")).scalar_one()
        assert (
            kind,
            _count(connection, "photo_bytes"),
            _count(connection, "ticket_attachment"),
        ) == ("photo", 1, 1)
        photos = Table("photo", MetaData(), autoload_with=connection)
        connection.execute(insert(photos).values(_upload_row("file", file_id)))
        connection.execute(
            text("INSERT INTO photo_bytes VALUES (:id, :data)"), {"id": file_id, "data": b"pdf"}
        )
        attachment = {"ticket_id": ticket_id, "photo_id": file_id, "role": "reply"}
        _insert(connection, "ticket_attachment", attachment | {"position": 1, "created_at": AT})

    _migrate(fresh_engine, "downgrade", before_files)

    with fresh_engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM photo")).scalars().all() == [photo_id]
        assert connection.execute(text("SELECT photo_id FROM photo_bytes")).scalars().all() == [
            photo_id
        ]
        assert _count(connection, "ticket_attachment") == 1


def test_rollups_kept_before_the_feed_is_followed_carry_on_exactly(fresh_engine: Engine) -> None:
    """Counted as each row was written until 5e0a7d3c9b12: the per-unit rollups start as the
    sums of the full buckets, and the rows the sequencer had not placed yet (counted
    already) are placed before the point the follower starts from, so none counts twice."""
    _migrate(fresh_engine, "upgrade", "accceb3a5996")
    counters = {"received": 0, "assigned": 1, "replied": 0}
    with fresh_engine.begin() as connection:
        ticket_id = _insert_ticket(connection)
        event = {"ticket_id": ticket_id, "actor_kind": "system", "payload": {}, "created_at": AT}
        _insert(connection, "ticket_event", event | {"kind": "received", "feed_position": 1})
        _insert(connection, "ticket_event", event | {"kind": "routed"})
        connection.execute(text("UPDATE event_feed SET last_position = 1"))
        day = Table("stat_day", MetaData(), autoload_with=connection)
        bucket = {"unit_kind": "department", "unit_code": "urban_management", "channel": "web"}
        for when, category in (("2026-11-02", "0101"), ("2026-11-02", "0102"), ("2026-11-20", "")):
            connection.execute(
                insert(day).values(
                    bucket
                    | counters
                    | {"day": date.fromisoformat(when), "category": category, "request_type": ""}
                )
            )

    _migrate(fresh_engine, "upgrade", "head")

    with fresh_engine.connect() as connection:
        by_day = connection.execute(
            text("SELECT day, assigned FROM stat_unit_day ORDER BY day")
        ).all()
        by_month = connection.execute(text("SELECT month, assigned FROM stat_unit_month")).all()
        places = connection.execute(
            text("SELECT kind, feed_position FROM ticket_event ORDER BY id")
        ).all()
        head = connection.execute(text("SELECT last_position FROM event_feed")).scalar_one()
        counted = connection.execute(text("SELECT feed_position FROM stat_progress")).scalar_one()
    assert [(str(when), n) for when, n in by_day] == [("2026-11-02", 2), ("2026-11-20", 1)]
    assert [(str(when), n) for when, n in by_month] == [("2026-11-01", 3)]
    assert [tuple(place) for place in places] == [("received", 1), ("routed", 2)]
    assert head == counted == 2
