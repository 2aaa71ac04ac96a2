"""Applying the Alembic migrations and telling whether the database is at head."""

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class ForeignKeysBroken(RuntimeError):
    """A migration left rows pointing at rows that are not there; it was rolled back."""


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection for migrations, in one transaction. SQLite alters a column by copying
    the table and dropping the old one, and with foreign keys on, that drop would
    cascade-delete every row that refers to it (a ticket's events, clocks, photos): so they
    are off while migrating, and checked before the commit instead."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                yield connection
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise ForeignKeysBroken("the migration broke foreign keys; rolled back")
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # On the driver's connection, outside any transaction: inside one, the pragma is ignored.
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade_to_head(engine: Engine) -> None:
    with migrating(engine) as connection:
        command.upgrade(alembic_config(connection), "head")


# pg_advisory_lock's keys: a constant that no other code takes ("hotl" in ASCII) and the
# schema migrated, so that schemas of one database (a city each) migrate independently.
_SCHEMA_LOCK_KEYS = f"{0x686F746C}, hashtext(current_schema())"


@contextmanager
def schema_lock(engine: Engine, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Held while a process migrates the database and adds its reference data, so replicas
    that start together take turns: the first does the work, the others wait and find it
    done. PostgreSQL: an advisory lock on a connection of its own. SQLite: a lock on a file
    beside the database (SQLite's write lock is taken only at the first write, and waited
    for only as long as the busy timeout). `on_wait` is called once when another process
    holds the lock, before waiting for it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            taken = connection.exec_driver_sql(
                f"SELECT pg_try_advisory_lock({_SCHEMA_LOCK_KEYS})"
            ).scalar_one()
            if not taken:
                if on_wait is not None:
                    on_wait()
                connection.exec_driver_sql(f"SELECT pg_advisory_lock({_SCHEMA_LOCK_KEYS})")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_SCHEMA_LOCK_KEYS})")
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.schema-lock", "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file is closed
        yield


@cache
def head_revision() -> str | None:
    """Read once a process: the scripts this code ships do not change while it runs."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
