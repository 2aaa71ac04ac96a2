"""The SQLAlchemy internals intake's fast path reads, each named with who relies on it.

pyproject.toml pins SQLAlchemy's minor version; when it is raised, a failure here says
which internal changed and which module to mend, before a wrong row is written.
"""

import inspect as signatures
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    inspect,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter

from app.db import UtcDateTime
from app.driver_sql import _positional, _values_group
from app.tickets.models import Ticket

SUPPORTED_MINOR = "2.1"


def _relied_on(what: str, by: str, holds: bool) -> None:
    assert holds, (
        f"SQLAlchemy {sqlalchemy.__version__}: {what} is not as {by} relies on it; "
        f"mend {by} before raising the pin in pyproject.toml"
    )


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(signatures.signature(function).parameters)


_NOTE = Table(
    "note",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("body", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("at", UtcDateTime),
    Column("made", DateTime, default=lambda: datetime.now(UTC)),
)


def _compiled(keys: list[str], **constants: Any) -> SQLCompiler:
    statement = insert(_NOTE).values(**constants) if constants else insert(_NOTE)
    compiled = statement.compile(dialect=sqlite.dialect(), column_keys=keys)
    assert isinstance(compiled, SQLCompiler)
    return compiled


def test_the_pinned_minor_version_is_the_one_installed() -> None:
    _relied_on(
        f"the version (pinned to {SUPPORTED_MINOR}.x)",
        "pyproject.toml",
        sqlalchemy.__version__.startswith(f"{SUPPORTED_MINOR}."),
    )


def test_a_compiled_statement_names_its_placeholders_in_order() -> None:
    compiled = _compiled(["body", "at", "made"], kind="plain")
    by = "app/driver_sql.py (_plan)"
    in_order = ["body", "kind", "at", "made"]
    _relied_on("SQLCompiler.positiontup", by, compiled.positiontup == in_order)
    _relied_on("SQLCompiler.string's ? placeholders", by, compiled.string.count("?") == 4)
    binds = compiled.binds
    _relied_on("SQLCompiler.binds", by, all(isinstance(binds[n], BindParameter) for n in binds))
    constant = binds["kind"]
    _relied_on("BindParameter.value", by, constant.value == "plain")
    _relied_on("BindParameter.callable", by, constant.callable is None)


def test_an_in_of_a_list_is_marked_expanding() -> None:
    by = "app/driver_sql.py (_plan: such statements go through Core)"
    query = select(_NOTE.c.id).where(_NOTE.c.kind.in_(["a", "b"]), _NOTE.c.body == "plain")
    compiled = query.compile(dialect=sqlite.dialect())
    assert isinstance(compiled, SQLCompiler)
    assert compiled.positiontup is not None
    expanding = [name for name in compiled.positiontup if compiled.binds[name].expanding]
    _relied_on("BindParameter.expanding", by, len(expanding) == 1)


def test_a_copy_of_psycopgs_dialect_compiles_positional_placeholders() -> None:
    by = "app/driver_sql.py (_positional)"
    dialect = postgresql.psycopg.dialect()
    _relied_on("the psycopg dialect's named paramstyle", by, not dialect.positional)
    positional = _positional(dialect)
    compiled = (
        insert(_NOTE)
        .values(kind="plain")
        .compile(dialect=positional, column_keys=["body", "at", "made"], for_executemany=True)
    )
    assert isinstance(compiled, SQLCompiler)
    _relied_on(
        "Dialect.paramstyle and .positional set on a copy", by, compiled.positiontup is not None
    )
    _relied_on(
        "the copy's numbered placeholders ($1 to $4, in positiontup's order)",
        by,
        re.findall(r"\$(\d+)", compiled.string) == ["1", "2", "3", "4"],
    )
    _relied_on("the original dialect left named", by, not dialect.positional)
    _relied_on(
        "compile(for_executemany=True): no RETURNING of the key",
        "app/driver_sql.py (DriverStatement._plan_for)",
        "RETURNING" not in compiled.string,
    )
    group = _values_group(compiled)
    _relied_on(
        "a plain INSERT's one group of values",
        "app/driver_sql.py (_values_group)",
        group is not None
        and "".join(f"{text}${n}" for n, text in enumerate(group[:-1], 1)) + group[-1]
        == compiled.string.partition(" VALUES ")[2].strip(),
    )


def test_a_parameter_used_twice_is_one_numbered_placeholder() -> None:
    """The duplicate search names its window's start in each of its SELECTs: the values
    sent follow positiontup, one per number."""
    since = bindparam("since")
    first = select(_NOTE.c.id).where(_NOTE.c.at >= since, _NOTE.c.kind == bindparam("kind"))
    second = select(_NOTE.c.id).where(_NOTE.c.at >= since)
    compiled = first.union_all(second).compile(dialect=_positional(postgresql.psycopg.dialect()))
    assert isinstance(compiled, SQLCompiler)
    _relied_on(
        "one number for a parameter used twice, listed once",
        "app/driver_sql.py (_plan)",
        compiled.positiontup == ["since", "kind"]
        and re.findall(r"\$(\d+)", compiled.string) == ["1", "2", "1"],
    )


def test_a_value_computed_at_execution_is_listed_as_prefetched() -> None:
    compiled = _compiled(["body", "kind", "made"])
    by = "app/driver_sql.py (_plan: such statements go through Core)"
    _relied_on("SQLCompiler.insert_prefetch", by, compiled.insert_prefetch == [])
    defaulted = _compiled(["body", "kind"])
    prefetched = [column.key for column in defaulted.insert_prefetch]
    _relied_on("SQLCompiler.insert_prefetch", by, prefetched == ["made"])


def test_each_type_converts_through_its_dialect_form() -> None:
    dialect = sqlite.dialect()
    by = "app/driver_sql.py (_plan)"
    impl = UtcDateTime().dialect_impl(dialect)
    write = impl.bind_processor(dialect)
    read = impl.result_processor(dialect, None)
    _relied_on("TypeEngine.dialect_impl().bind_processor()", by, write is not None)
    _relied_on("TypeEngine.dialect_impl().result_processor()", by, read is not None)
    assert write is not None
    assert read is not None
    moment = datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC)
    _relied_on("a datetime's round trip through both", by, read(write(moment)) == moment)


def test_a_pooled_connection_hands_out_the_driver_connection(engine: Any, backend: str) -> None:
    by = "app/driver_sql.py (driver_connection, DriverStatement._run)"
    with engine.connect() as connection:
        assert isinstance(connection, Connection)
        driver = connection.connection.driver_connection
        _relied_on("Connection.connection.driver_connection", by, driver is not None)
        _relied_on(
            "Dialect.loaded_dbapi.Error", by, hasattr(connection.dialect.loaded_dbapi, "Error")
        )
    if backend == "sqlite":
        import sqlite3

        _relied_on("the driver connection's type", by, isinstance(driver, sqlite3.Connection))


def test_driver_errors_become_the_exceptions_core_raises() -> None:
    import sqlite3

    by = "app/driver_sql.py (DriverStatement._run)"
    _relied_on(
        "DBAPIError.instance(statement, params, orig, dbapi_base_err)",
        by,
        _parameters(DBAPIError.instance)[:4] == ["statement", "params", "orig", "dbapi_base_err"],
    )
    error = DBAPIError.instance("INSERT", None, sqlite3.IntegrityError("x"), sqlite3.Error)
    _relied_on("DBAPIError.instance's IntegrityError", by, type(error).__name__ == "IntegrityError")


@pytest.mark.parametrize(
    "method", ["do_savepoint", "do_release_savepoint", "do_rollback_to_savepoint"]
)
def test_the_dialects_savepoint_methods_take_a_connection_and_a_name(method: str) -> None:
    by = "app/db.py (_send_savepoints_as_driver_sql)"
    found = getattr(Dialect, method, None)
    _relied_on(f"Dialect.{method}", by, found is not None)
    assert found is not None
    _relied_on(
        f"Dialect.{method}(connection, name)",
        by,
        _parameters(found) == ["self", "connection", "name"],
    )


def test_a_models_instance_maker_makes_an_instance_without_attribute_events() -> None:
    by = "app/db.py (transient)"
    manager = inspect(Ticket).class_manager
    _relied_on("Mapper.class_manager.new_instance", by, callable(manager.new_instance))
    made = manager.new_instance()
    _relied_on("new_instance() makes an empty model instance", by, isinstance(made, Ticket))


@pytest.mark.parametrize(
    ("method", "parameters"),
    [
        (
            "get_bind",
            [
                "self",
                "mapper",
                "clause",
                "bind",
                "_sa_skip_events",
                "_sa_skip_for_implicit_returning",
                "kw",
            ],
        ),
        ("connection", ["self", "bind_arguments", "execution_options"]),
        ("in_transaction", ["self"]),
        ("commit", ["self"]),
        ("rollback", ["self"]),
    ],
)
def test_the_session_methods_the_group_session_overrides_keep_their_signatures(
    method: str, parameters: list[str]
) -> None:
    by = "app/intake/_commit_group.py (GroupSession)"
    _relied_on(
        f"Session.{method}{tuple(parameters[1:])}",
        by,
        _parameters(getattr(Session, method)) == parameters,
    )


def test_a_session_can_join_its_bind_as_a_savepoint() -> None:
    by = "app/intake/_commit_group.py (GroupSession) and the tests' rolled-back transactions"
    session = Session(join_transaction_mode="create_savepoint")
    _relied_on(
        "Session(join_transaction_mode='create_savepoint')",
        by,
        session.join_transaction_mode == "create_savepoint",
    )
    _relied_on("Session.identity_map", by, len(session.identity_map) == 0)


def test_bindparam_is_still_the_way_to_name_a_placeholder() -> None:
    _relied_on("bindparam(name).key", "app/dedup/service.py", bindparam("cell0").key == "cell0")
