"""The migrations make exactly the schema the models describe, and can be undone and redone."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, insert, inspect, text
from sqlalchemy.orm import Session

import app.models
from app.auth import throttle
from app.auth.throttle import name_key
from app.config import Settings
from app.db import create_db_engine
from app.schema_version import alembic_config, current_revision, head_revision, migrating

MIGRATIONS_SCHEMA = "hotline_migrations_test"
APP_TABLES = frozenset(app.models.Base.metadata.tables)


def _schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        # compare_type as in migrations/env.py, so this is what `alembic check` would say.
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
    if backend == "sqlite":
        engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}"))
        yield engine
        engine.dispose()
        return
    base_url = Settings(database_url=os.environ["TEST_POSTGRES_URL"]).database_url
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {MIGRATIONS_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {MIGRATIONS_SCHEMA}"))
    separator = "&" if "?" in base_url else "?"
    url = f"{base_url}{separator}options=-csearch_path%3D{MIGRATIONS_SCHEMA}"
    engine = create_db_engine(Settings(database_url=url))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {MIGRATIONS_SCHEMA} CASCADE"))
        admin.dispose()


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


FIRST_REVISION = "835d84eabf14"
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _insert(connection: Connection, name: str, values: dict[str, object]) -> int:
    """A row of the table as it is at the current revision (columns it lacks are left out)."""
    table = Table(name, MetaData(), autoload_with=connection)
    present = {key: value for key, value in values.items() if key in table.c}
    return connection.execute(insert(table).values(present).returning(table.c.id)).scalar_one()


def test_upgrading_keeps_every_ticket_and_what_hangs_off_it(fresh_engine: Engine) -> None:
    """SQLite alters a column by copying the table: the old one's drop must not take the
    ticket's events with it (their foreign key cascades)."""
    _migrate(fresh_engine, "upgrade", FIRST_REVISION)
    with fresh_engine.begin() as connection:
        ticket_id = _insert(
            connection,
            "ticket",
            {
                "number": "20261102-0001",
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
                "created_at": AT,
                "updated_at": AT,
            },
        )
        event = {"ticket_id": ticket_id, "kind": "received", "actor_kind": "client"}
        _insert(connection, "ticket_event", event | {"payload": {}, "created_at": AT})

    _migrate(fresh_engine, "upgrade", "head")

    with fresh_engine.connect() as connection:
        events = connection.execute(text("SELECT count(*) FROM ticket_event")).scalar_one()
        match_text = connection.execute(text("SELECT match_text FROM ticket")).scalar_one()
    assert events == 1
    assert match_text == "路灯不亮晚上很黑"


LOGIN_COUNTS_REVISION = "c3e8a51f7d24"


def test_a_locked_account_stays_locked_through_the_move_of_login_counts(
    fresh_engine: Engine,
) -> None:
    """The counts moved from the account to a table of names; the account's refresh tokens
    must survive SQLite copying the account table."""
    locked_until = datetime(2099, 1, 1, tzinfo=UTC)
    _migrate(fresh_engine, "upgrade", f"{LOGIN_COUNTS_REVISION}-1")
    with fresh_engine.begin() as connection:
        account = {"display_name": "值班员", "password_hash": "x", "role": "dispatcher"}
        user_id = _insert(
            connection,
            "staff_user",
            account
            | {"username": "locked", "failed_logins": 0, "locked_until": locked_until}
            | {"created_at": AT},
        )
        _insert(
            connection,
            "staff_user",
            account | {"username": "calm", "failed_logins": 0, "created_at": AT},
        )
        token = {"token_hash": "h" * 64, "family": "f", "expires_at": AT, "created_at": AT}
        _insert(connection, "refresh_token", token | {"user_id": user_id})

    _migrate(fresh_engine, "upgrade", "head")

    with fresh_engine.connect() as connection:
        throttles = connection.execute(text("SELECT name_hash FROM login_throttle")).all()
        tokens = connection.execute(text("SELECT count(*) FROM refresh_token")).scalar_one()
    with Session(fresh_engine) as session:
        still_locked = throttle.locked_until(session, "locked", datetime(2098, 1, 1, tzinfo=UTC))
        calm = throttle.locked_until(session, "calm", datetime(2098, 1, 1, tzinfo=UTC))
    assert throttles == [(name_key("locked"),)]
    assert (still_locked, calm) == (locked_until, None)
    assert tokens == 1
