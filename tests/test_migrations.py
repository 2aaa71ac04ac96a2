"""The migrations make exactly the schema the models describe, and can be undone and redone."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

import app.models
from app.config import Settings
from app.db import create_db_engine
from app.schema_version import alembic_config, current_revision, head_revision

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
    with engine.begin() as connection:
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
