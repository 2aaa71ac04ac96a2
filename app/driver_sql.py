"""Hot-path statements handed straight to the database's driver (sqlite3 or psycopg).

Around each execution SQLAlchemy builds an execution context, looks the statement up in its
compiled cache, processes the parameters and wraps the cursor in a result: for a small
INSERT that costs more than SQLite's own work, and intake runs several per ticket. A
`DriverStatement` compiles its Core statement once per dialect and set of parameter names
and gives the driver plain lists, each value run through its column's own bind processor,
so the rows written are the ones Core would write; the rows read (RETURNING, SELECT) go
through the columns' result conversions in the same way. A statement with defaults
computed at execution is an ordinary Core execution.

On PostgreSQL the SQL is written with the server's own placeholders ($1, $2, ...) and run
on psycopg's raw cursor, which sends it as it is. psycopg's usual cursor parses the SQL for
its "%s" on every execution, and keeps the result only for statements of up to 50
parameters: a ticket's clocks in one INSERT have 66, and parsing them again took a tenth
of an intake's Python time.
"""

import copy
import functools
import operator
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect, Select
from sqlalchemy.types import TypeEngine

Row = Mapping[str, Any]
Conversion = Callable[[Any], Any]
_Result = TypeVar("_Result")  # what an action on the driver's cursor gives back

# psycopg's executemany runs a pipeline whose own Python work outweighs a small INSERT: a
# ticket's few events or clocks go as one INSERT of several groups of values instead
# (sqlite3's executemany is a loop in C, cheaper than a longer statement to parse).
_MANY_VALUES_DIALECTS = frozenset({"postgresql"})
_MAX_VALUES = 30_000  # PostgreSQL takes up to 65,535 parameters in one statement
_PLACEHOLDER = re.compile(r"\$(\d+)")
# The key in a pooled connection's info that may hold a subclass of psycopg.RawCursor for
# driver statements to run on (a benchmark's, keeping what is sent).
RAW_CURSOR = "hotline.raw_cursor"


class _RowReader:
    """Reads the rows a statement returns as Core would: only the columns whose type
    converts are touched, most are taken as the driver gives them. A type's conversion may
    depend on what the database says it sent (PostgreSQL's numeric types), so, as in Core,
    the conversions are made from the first result's description."""

    def __init__(self, types: Sequence[TypeEngine[Any]], dialect: Dialect) -> None:
        self._types = types
        self._dialect = dialect
        self._conversions: tuple[tuple[int, Conversion], ...] | None = None

    def read(
        self, description: Sequence[Any], rows: Sequence[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        conversions = self._conversions
        if conversions is None:  # a lost race only makes them twice
            processors = (
                kind.result_processor(self._dialect, column[1])
                for kind, column in zip(self._types, description, strict=True)
            )
            conversions = tuple(
                (position, read) for position, read in enumerate(processors) if read is not None
            )
            self._conversions = conversions
        if not conversions:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for position, read in conversions:
                values[position] = read(values[position])
            converted.append(tuple(values))
        return converted


@dataclass(frozen=True)
class _Plan:
    """The statement's SQL, how a row of values becomes its parameters, and how the rows
    it returns are read."""

    sql: str
    # The row's values in placeholder order, constants of the statement already in place.
    values: Callable[[Row], list[Any]]
    # (placeholder, conversion) for each value from the row that its column converts.
    conversions: tuple[tuple[int, Conversion], ...]
    reader: _RowReader
    # A plain INSERT's one group of values, "($1, $2::JSONB)", split around its
    # placeholders, when several rows are sent as one statement of many groups rather
    # than through the driver's executemany.
    values_group: tuple[str, ...] | None
    # That statement for each number of rows, written once.
    _many_sql: dict[int, str] = field(default_factory=dict, compare=False)

    def many_rows(self, rows: Sequence[list[Any]]) -> tuple[str, list[Any]] | None:
        """One INSERT of every row's group of values, or None: not a plain INSERT, one
        row only, or more values than the database takes in one statement."""
        if self.values_group is None or len(rows) < 2 or len(rows) * len(rows[0]) > _MAX_VALUES:
            return None
        sql = self._many_sql.get(len(rows))
        if sql is None:
            sql = self._many_sql[len(rows)] = self._with_groups(len(rows))
        return sql, [value for row in rows for value in row]

    def _with_groups(self, count: int) -> str:
        """The statement with `count` groups of values, each numbered on from the last."""
        assert self.values_group is not None
        head, *tail = self.values_group
        width = len(tail)
        groups = [
            head + "".join(f"${offset + number}{text}" for number, text in enumerate(tail, 1))
            for offset in range(width, width * count, width)
        ]
        return ", ".join([self.sql, *groups])

    def parameters(self, row: Row) -> list[Any]:
        values = self.values(row)
        for position, convert in self.conversions:
            values[position] = convert(values[position])
        return values


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
    """None when a value would be computed at execution (a column default) or the SQL is
    finished at execution (an IN of a list): Core does those."""
    if compiled.insert_prefetch or compiled.positiontup is None:
        return None
    dialect = compiled.dialect
    template: list[Any] = []
    from_row: list[str] = []
    conversions: list[tuple[int, Conversion]] = []
    for position, name in enumerate(compiled.positiontup):
        bind = compiled.binds[name]
        if bind.expanding:  # an IN of a list: its placeholders are written per execution
            return None
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
    reader = _RowReader([column.type.dialect_impl(dialect) for column in returned], dialect)
    values = _values_getter(from_row, template)
    group = _values_group(compiled) if dialect.name in _MANY_VALUES_DIALECTS else None
    return _Plan(compiled.string, values, tuple(conversions), reader, group)


def _values_group(compiled: SQLCompiler) -> tuple[str, ...] | None:
    """The group of values that ends a plain INSERT, split around its placeholders ($1 to
    $n, in order), or None for any other statement (an upsert, a RETURNING, a SELECT)."""
    head, found, group = compiled.string.rpartition(" VALUES ")
    placeholders = len(compiled.positiontup or ())
    plain = (
        bool(found)
        and head.startswith("INSERT INTO ")
        and group.startswith("(")
        and group.endswith(")")
        and " ON CONFLICT " not in group
        and " RETURNING " not in group
        and _PLACEHOLDER.findall(group) == [str(n) for n in range(1, placeholders + 1)]
        and len(_PLACEHOLDER.findall(compiled.string)) == placeholders
    )
    if not plain:
        return None
    pieces = _PLACEHOLDER.split(group)
    return tuple(pieces[::2])  # split() puts each number between the texts around it


@functools.cache
def _positional(dialect: Dialect) -> Dialect:
    """`dialect`, compiling with positional placeholders: psycopg's named ones ("%(name)s",
    SQLAlchemy's default for it) would need a dict made for every execution. PostgreSQL's
    are its own ($1), for the raw cursor (see the module's docstring)."""
    if dialect.positional:
        return dialect
    positional = copy.copy(dialect)
    positional.paramstyle = "numeric_dollar"
    positional.positional = True
    return positional


def _cursor(connection: Connection) -> Any:
    """The driver's own cursor: sqlite3's, or psycopg's raw one (or the subclass of it
    that the pooled connection's info holds under RAW_CURSOR, to watch what is sent)."""
    pooled = connection.connection
    if connection.dialect.name == "postgresql":
        raw = pooled.info.get(RAW_CURSOR, psycopg.RawCursor)
        return raw(pooled.driver_connection)
    return pooled.cursor()


def driver_connection(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `connection` (SQLite only)."""
    driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    return driver


class DriverStatement:
    """A Core statement that the database's driver runs directly (see the module's docstring)."""

    def __init__(self, statement: UpdateBase | Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._column_keys = tuple(str(column.key) for column in statement.exported_columns)
        # Per dialect and set of parameter names; a lost race only compiles twice.
        self._plans: dict[tuple[str, frozenset[str]], _Plan | None] = {}

    def execute(self, connection: Connection, rows: Sequence[Row]) -> None:
        """Run the statement once per row (all rows with the same names)."""
        if not rows:
            return
        plan = self._plan_for(connection, rows[0])
        if plan is None:
            connection.execute(self.statement, list(rows))
            return
        parameters = [plan.parameters(row) for row in rows]
        if len(parameters) == 1:
            # psycopg's executemany sets a pipeline up and down even for one row.
            self._run(connection, plan, lambda cursor: cursor.execute(plan.sql, parameters[0]))
            return
        if (many := plan.many_rows(parameters)) is not None:
            self._run(connection, plan, lambda cursor: cursor.execute(*many))
            return
        self._run(connection, plan, lambda cursor: cursor.executemany(plan.sql, parameters))

    def first(self, connection: Connection, row: Row) -> tuple[Any, ...] | None:
        """Run the statement for one row; the first row it returns (RETURNING), or None."""
        plan = self._plan_for(connection, row)
        if plan is None:
            found = connection.execute(self.statement, dict(row)).first()
            return None if found is None else tuple(found)
        parameters = plan.parameters(row)

        def first_row(cursor: Any) -> list[tuple[Any, ...]]:
            found = cursor.execute(plan.sql, parameters).fetchone()
            return [] if found is None else plan.reader.read(cursor.description, [found])

        read = self._run(connection, plan, first_row)
        return read[0] if read else None

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

        def every_row(cursor: Any) -> list[tuple[Any, ...]]:
            found = cursor.execute(plan.sql, parameters).fetchall()
            return plan.reader.read(cursor.description, found)

        return self._run(connection, plan, every_row)

    def _plan_for(self, connection: Connection, row: Row) -> _Plan | None:
        keys = frozenset(row)
        dialect = connection.dialect
        if (dialect.name, keys) in self._plans:
            return self._plans[(dialect.name, keys)]
        # for_executemany: no RETURNING of the key the statement does not ask for (what
        # PostgreSQL's Core adds to a single-row INSERT), so a row costs what it does on SQLite.
        compiled = self.statement.compile(
            dialect=_positional(dialect), column_keys=list(keys), for_executemany=True
        )
        assert isinstance(compiled, SQLCompiler)
        plan = _plan(compiled, keys, list(self.statement.exported_columns))
        self._plans[(dialect.name, keys)] = plan
        return plan

    @staticmethod
    def _run(connection: Connection, plan: _Plan, action: Callable[[Any], _Result]) -> _Result:
        dbapi = connection.dialect.loaded_dbapi
        cursor = _cursor(connection)
        try:
            return action(cursor)
        except dbapi.Error as error:
            # The same exception Core raises (IntegrityError for a broken constraint, ...).
            raise DBAPIError.instance(plan.sql, None, error, dbapi.Error) from error
        finally:
            cursor.close()
