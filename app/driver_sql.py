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

import operator
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect, Select

Row = Mapping[str, Any]
Conversion = Callable[[Any], Any]


@dataclass(frozen=True)
class _Plan:
    """The statement's SQL, and how a row of values becomes its parameters."""

    sql: str
    # The row's values in placeholder order, constants of the statement already in place.
    values: Callable[[Row], list[Any]]
    # (placeholder, conversion) for each value from the row that its column converts.
    conversions: tuple[tuple[int, Conversion], ...]
    # (position, conversion) for each column of the rows returned that its type converts:
    # most are read as the driver gives them, so only these few are touched per row.
    readers: tuple[tuple[int, Conversion], ...]

    def parameters(self, row: Row) -> list[Any]:
        values = self.values(row)
        for position, convert in self.conversions:
            values[position] = convert(values[position])
        return values

    def read(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.readers:
            return row
        values = list(row)
        for position, read in self.readers:
            values[position] = read(values[position])
        return tuple(values)


_FROM_ROW = object()  # a place in a template of values that the row fills


def _values_getter(names: Sequence[str], template: list[Any]) -> Callable[[Row], list[Any]]:
    """Reads `names` out of a row into a copy of `template` (the statement's constants in
    place): one C-level fetch per row rather than a step per column, and a ticket has forty."""
    if not names:
        return lambda row: template.copy()
    fetch: Callable[[Row], Any]
    if len(names) == 1:
        (name,) = names
        fetch = lambda row: (row[name],)  # noqa: E731  (itemgetter of one name gives no tuple)
    else:
        fetch = operator.itemgetter(*names)
    if len(names) == len(template):
        return lambda row: list(fetch(row))
    positions = [i for i, value in enumerate(template) if value is _FROM_ROW]

    def values(row: Row) -> list[Any]:
        filled = template.copy()
        for position, value in zip(positions, fetch(row), strict=True):
            filled[position] = value
        return filled

    return values


def _plan(
    compiled: SQLCompiler, keys: frozenset[str], returned: Sequence[ColumnElement[Any]]
) -> _Plan | None:
    """None when a value would be computed at execution (a column default): Core does that."""
    if compiled.insert_prefetch or compiled.positiontup is None:
        return None
    dialect = compiled.dialect
    template: list[Any] = []
    from_row: list[str] = []
    conversions: list[tuple[int, Conversion]] = []
    for position, name in enumerate(compiled.positiontup):
        bind = compiled.binds[name]
        # The dialect's own form of each type, as Core uses: SQLite stores datetimes as text
        # in a format of its dialect's, which the driver's default adapter would not match.
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if name in keys:
            template.append(_FROM_ROW)
            from_row.append(name)
            if convert is not None:
                conversions.append((position, convert))
            continue
        if bind.callable is not None or bind.value is None:
            return None
        template.append(bind.value if convert is None else convert(bind.value))
    processors = (
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned
    )
    readers = tuple(
        (position, read) for position, read in enumerate(processors) if read is not None
    )
    return _Plan(compiled.string, _values_getter(from_row, template), tuple(conversions), readers)


def driver_connection(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `connection` (SQLite only)."""
    driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    return driver


class DriverStatement:
    """A Core statement that SQLite's driver runs directly (see the module's docstring)."""

    def __init__(self, statement: UpdateBase | Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._column_keys = tuple(str(column.key) for column in statement.exported_columns)
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

    def first_mapping(self, connection: Connection, row: Row) -> dict[str, Any] | None:
        """`first`, its values by the names of the statement's columns."""
        found = self.first(connection, row)
        return None if found is None else dict(zip(self._column_keys, found, strict=True))

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
