"""Hot-path statements handed straight to SQLite's driver.

Around each execution SQLAlchemy builds an execution context, looks the statement up in its
compiled cache, processes the parameters and wraps the cursor in a result: for a small
INSERT that costs more than SQLite's own work, and intake runs several per ticket. A
`DriverStatement` compiles its Core statement once per set of parameter names and gives
the driver plain tuples, each value run through its column's own bind processor, so the
rows written are the ones Core would write; the rows read (RETURNING, SELECT) go through the
columns' result conversions in the same way. On PostgreSQL, and for a statement with
defaults computed at execution, it is an ordinary Core execution.
"""

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

Row = Mapping[str, Any]


@dataclass(frozen=True)
class _Plan:
    """The statement's SQL and, per placeholder, where its value comes from."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    constants: Mapping[str, Any]  # values fixed in the statement itself
    # Per column of the rows returned; empty when no column needs converting.
    readers: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, row: Row) -> tuple[Any, ...]:
        values = []
        for name, process in zip(self.names, self.processors, strict=True):
            value = row[name] if name in row else self.constants[name]
            values.append(value if process is None else process(value))
        return tuple(values)

    def read(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.readers:
            return row
        return tuple(
            value if read is None else read(value)
            for value, read in zip(row, self.readers, strict=True)
        )


def _plan(
    compiled: SQLCompiler, keys: frozenset[str], returned: Sequence[ColumnElement[Any]]
) -> _Plan | None:
    """None when a value would be computed at execution (a column default): Core does that."""
    if compiled.insert_prefetch or compiled.positiontup is None:
        return None
    names = tuple(compiled.positiontup)
    constants = {}
    for name in names:
        if name in keys:
            continue
        bind = compiled.binds[name]
        if bind.callable is not None or bind.value is None:
            return None
        constants[name] = bind.value
    dialect = compiled.dialect
    # The dialect's own form of each type, as Core uses: SQLite stores datetimes as text
    # in a format of its dialect's, which the driver's default adapter would not match.
    processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    readers = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned
    )
    return _Plan(compiled.string, names, processors, constants, readers if any(readers) else ())


def driver_connection(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `connection` (SQLite only)."""
    driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    return driver


class DriverStatement:
    """A Core statement that SQLite's driver runs directly (see the module's docstring)."""

    def __init__(self, statement: UpdateBase | Select[Any]) -> None:
        self.statement = statement
        # Per set of parameter names; a lost race only compiles twice.
        self._plans: dict[frozenset[str], _Plan | None] = {}

    def execute(self, connection: Connection, rows: Sequence[Row]) -> None:
        """Run the statement once per row (all rows with the same names)."""
        if not rows:
            return
        plan = self._plan_for(connection, rows[0])
        if plan is None:
            connection.execute(self.statement, list(rows))
            return
        parameters = [plan.parameters(row) for row in rows]
        self._run(connection, plan, lambda cursor: cursor.executemany(plan.sql, parameters))

    def first(self, connection: Connection, row: Row) -> tuple[Any, ...] | None:
        """Run the statement for one row; the first row it returns (RETURNING), or None."""
        plan = self._plan_for(connection, row)
        if plan is None:
            found = connection.execute(self.statement, dict(row)).first()
            return None if found is None else tuple(found)
        parameters = plan.parameters(row)
        found = self._run(
            connection, plan, lambda cursor: cursor.execute(plan.sql, parameters).fetchone()
        )
        return None if found is None else plan.read(found)

    def all(self, connection: Connection, row: Row) -> list[tuple[Any, ...]]:
        """Run the statement for one row of parameters; every row it returns."""
        plan = self._plan_for(connection, row)
        if plan is None:
            return [tuple(found) for found in connection.execute(self.statement, dict(row))]
        parameters = plan.parameters(row)
        rows = self._run(
            connection, plan, lambda cursor: cursor.execute(plan.sql, parameters).fetchall()
        )
        return [plan.read(found) for found in rows]

    def _plan_for(self, connection: Connection, row: Row) -> _Plan | None:
        if connection.dialect.name != "sqlite":
            return None
        keys = frozenset(row)
        if keys not in self._plans:
            compiled = self.statement.compile(dialect=connection.dialect, column_keys=list(keys))
            assert isinstance(compiled, SQLCompiler)
            returned = list(self.statement.exported_columns)
            self._plans[keys] = _plan(compiled, keys, returned)
        return self._plans[keys]

    @staticmethod
    def _run(connection: Connection, plan: _Plan, action: Callable[[Any], Any]) -> Any:
        dbapi = connection.dialect.loaded_dbapi
        cursor = driver_connection(connection).cursor()
        try:
            return action(cursor)
        except dbapi.Error as error:
            # The same exception Core raises (IntegrityError for a broken constraint, ...).
            raise DBAPIError.instance(plan.sql, None, error, dbapi.Error) from error
        finally:
            cursor.close()
