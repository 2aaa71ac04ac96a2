"""Reports: the figures of a period and the one before it, by unit, category, channel or
request type, read from the rollups (never the ticket table) within the caller's scope: by
unit from the per-unit months and days, otherwise from the daily buckets. Rankings and
exports read the same figures through `unit_figures`, so a unit's figure is the same
everywhere."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Table,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.errors import Forbidden, UnknownReference
from app.identity.principal import StaffPrincipal
from app.stats import periods
from app.stats.figures import add_into, figures_of, zero
from app.stats.models import stat_day, stat_unit_day, stat_unit_month
from app.stats.periods import Span
from app.stats.schemas import Dimension, Report, ReportQuery, ReportRow, SpanRead, UnitKind
from app.stats.tally import COUNTERS
from app.units.models import Department, Grid

_LEVEL = {UnitKind.STREET: 1, UnitKind.COMMUNITY: 2, UnitKind.GRID: 3}
Sums = dict[str, list[int]]


@dataclass(frozen=True)
class UnitRef:
    """A unit as the rollups name it: ("department" | "grid", code), with a grid's path."""

    kind: str
    code: str
    name: str
    path: str | None = None


@dataclass(frozen=True)
class Periods:
    kind: periods.PeriodKind
    current: Span
    previous: Span


def periods_of(
    query: periods.PeriodKind, on: date | None, start: date | None, end: date | None, today: date
) -> Periods:
    current = periods.span_of(query, on, start, end, today)
    return Periods(query, current, periods.previous(query, current))


def _unit(session: Session, code: str) -> UnitRef | None:
    department = session.execute(
        select(Department.code, Department.name).where(Department.code == code)
    ).one_or_none()
    if department is not None:
        return UnitRef("department", department.code, department.name)
    grid = session.execute(
        select(Grid.code, Grid.name, Grid.path).where(Grid.code == code)
    ).one_or_none()
    return None if grid is None else UnitRef("grid", grid.code, grid.name, grid.path)


def _units_condition(unit: UnitRef, table: Table = stat_day) -> ColumnElement[bool]:
    """The rollup rows (of `table`) of `unit` and every unit below it."""
    if unit.kind == "department":
        return and_(table.c.unit_kind == "department", table.c.unit_code == unit.code)
    assert unit.path is not None
    below = select(Grid.code).where(Grid.path.startswith(unit.path))
    return and_(table.c.unit_kind == "grid", table.c.unit_code.in_(below))


def _contains(outer: UnitRef, inner: UnitRef) -> bool:
    if outer.kind == "department":
        return inner.kind == "department" and inner.code == outer.code
    return inner.kind == "grid" and (inner.path or "").startswith(outer.path or "\0")


def scope_unit(session: Session, staff: StaffPrincipal) -> UnitRef | None:
    """The unit whose figures (with those below it) a member of staff may read; None
    for the whole city (the dispatch centre, supervisors, administrators)."""
    if staff.sees_citywide:
        return None
    if staff.department_id is not None:
        department = session.get_one(Department, staff.department_id)
        return UnitRef("department", department.code, department.name)
    if staff.grid_path is not None:
        grid = session.execute(
            select(Grid.code, Grid.name, Grid.path).where(Grid.path == staff.grid_path)
        ).one()
        return UnitRef("grid", grid.code, grid.name, grid.path)
    raise Forbidden("Your account belongs to no unit: it has no figures to read.")


def _restriction(
    session: Session, staff: StaffPrincipal, unit_code: str | None
) -> tuple[UnitRef | None, ColumnElement[bool] | None]:
    """The unit the report covers (None: the city) and its rows' condition: the caller's
    scope, narrowed to `unit_code` when given (422 unknown, 403 outside the scope)."""
    scope = scope_unit(session, staff)
    unit = scope
    if unit_code is not None:
        unit = _unit(session, unit_code)
        if unit is None:
            raise UnknownReference(f"No unit has code {unit_code!r}.", field="unit")
        if scope is not None and not _contains(scope, unit):
            raise Forbidden(f"The unit {unit_code!r} is outside your own and those below it.")
    return unit, None if unit is None else _units_condition(unit)


def _category_condition(session: Session, code: str | None) -> ColumnElement[bool] | None:
    if code is None:
        return None
    category = session.execute(
        select(Category.id, Category.code).where(Category.code == code)
    ).one_or_none()
    if category is None:
        raise UnknownReference(f"No category has code {code!r}.", field="category")
    children = select(Category.code).where(Category.parent_id == category.id)
    return or_(stat_day.c.category == code, stat_day.c.category.in_(children))


Grouped = tuple[dict[tuple[str, ...], list[int]], dict[tuple[str, ...], list[int]]]


def _grouped(
    session: Session,
    spans: Periods,
    source: FromClause,
    keys: Sequence[ColumnElement[str]],
    conditions: Sequence[ColumnElement[bool] | None],
) -> Grouped:
    """Summed counts of `source`'s rows per key, for the current and the previous period
    (the previous period ends the day before the current one starts), in one query."""
    current = case((source.c.day >= spans.current.first, literal(1)), else_=literal(0))
    query = (
        select(*keys, current.label("is_current"), *(func.sum(source.c[n]) for n in COUNTERS))
        .where(*(condition for condition in conditions if condition is not None))
        .group_by(*keys, current)
    )
    now: dict[tuple[str, ...], list[int]] = {}
    before: dict[tuple[str, ...], list[int]] = {}
    width = len(keys)
    for row in session.execute(query):
        target = now if row[width] else before
        target[tuple(row[:width])] = [int(value or 0) for value in row[width + 1 :]]
    return now, before


def sums_by(
    session: Session,
    spans: Periods,
    keys: Sequence[ColumnElement[str]],
    conditions: Sequence[ColumnElement[bool] | None],
) -> Grouped:
    """Summed counts of the full buckets (`stat_day`) per key, for both periods."""
    within = [stat_day.c.day >= spans.previous.first, stat_day.c.day <= spans.current.last]
    return _grouped(session, spans, stat_day, keys, [*within, *conditions])


def _per_unit(table: Table, when: ColumnElement[bool], scope: UnitRef | None) -> Select[Any]:
    condition = None if scope is None else _units_condition(scope, table)
    return select(
        table.c[0].label("day"),  # a month's row counts from its first day
        table.c.unit_kind,
        table.c.unit_code,
        *(table.c[name] for name in COUNTERS),
    ).where(when, *([] if condition is None else [condition]))


def _unit_counts(spans: Periods, scope: UnitRef | None) -> FromClause:
    """The per-unit rows covering both periods: each whole calendar month in one row of
    `stat_unit_month`, the other days from `stat_unit_day`; a few hundred rows a month."""
    parts = []
    for span in (spans.previous, spans.current):
        months, days = periods.whole_months(span)
        if months:
            parts.append(_per_unit(stat_unit_month, stat_unit_month.c.month.in_(months), scope))
        for run in days:
            parts.append(
                _per_unit(stat_unit_day, stat_unit_day.c.day.between(run.first, run.last), scope)
            )
    return union_all(*parts).subquery()


def _grids(session: Session, scope: UnitRef | None) -> list[UnitRef]:
    query = select(Grid.code, Grid.name, Grid.path, Grid.level).order_by(Grid.path)
    if scope is not None and scope.kind == "grid":
        query = query.where(Grid.path.startswith(scope.path or ""))
    return [UnitRef("grid", code, name, path) for code, name, path, _ in session.execute(query)]


def units_of_kind(session: Session, kind: UnitKind, scope: UnitRef | None) -> list[UnitRef]:
    """The units of a kind within a scope (the scope's own unit included), in code order."""
    if kind is UnitKind.DEPARTMENT:
        if scope is not None and scope.kind != "department":
            return []
        query = select(Department.code, Department.name).where(Department.retired_at.is_(None))
        if scope is not None:
            query = query.where(Department.code == scope.code)
        return [
            UnitRef("department", code, name)
            for code, name in session.execute(query.order_by(Department.code))
        ]
    if scope is not None and scope.kind != "grid":
        return []
    grids = select(Grid.code, Grid.name, Grid.path).where(
        Grid.level == _LEVEL[kind], Grid.retired_at.is_(None)
    )
    if scope is not None:
        grids = grids.where(Grid.path.startswith(scope.path or ""))
    return [
        UnitRef("grid", code, name, path)
        for code, name, path in session.execute(grids.order_by(Grid.code))
    ]


def _rolled_up(
    session: Session, units: list[UnitRef], sums: Mapping[tuple[str, ...], list[int]]
) -> Sums:
    """Each unit's counts with those of every unit below it."""
    totals: Sums = {unit.code: zero() for unit in units}
    if not units:
        return totals
    if units[0].kind == "department":
        for unit in units:
            values = sums.get(("department", unit.code))
            if values is not None:
                add_into(totals[unit.code], values)
        return totals
    by_path = {unit.path or "": unit.code for unit in units}
    path_length = {len(path) for path in by_path}
    grid_paths = dict(session.execute(select(Grid.code, Grid.path)).all())
    for (kind, code), values in sums.items():
        path = grid_paths.get(code) if kind == "grid" else None
        if path is None:
            continue
        for length in path_length:
            owner = by_path.get(path[:length])
            if owner is not None:
                add_into(totals[owner], values)
    return totals


@dataclass(frozen=True)
class UnitFigures:
    unit: UnitRef
    current: list[int]
    previous: list[int]


def _unit_sums(
    session: Session,
    spans: Periods,
    scope: UnitRef | None,
    category: ColumnElement[bool] | None,
) -> Grouped:
    """Counts per unit for both periods: from the per-unit rollups, or, for one category,
    from the full buckets (the same counts, split finer)."""
    if category is not None:
        condition = None if scope is None else _units_condition(scope)
        keys = [stat_day.c.unit_kind, stat_day.c.unit_code]
        return sums_by(session, spans, keys, [condition, category])
    source = _unit_counts(spans, scope)
    return _grouped(session, spans, source, [source.c.unit_kind, source.c.unit_code], [])


def _listed(
    session: Session,
    kind: UnitKind,
    scope: UnitRef | None,
    now: Mapping[tuple[str, ...], list[int]],
    before: Mapping[tuple[str, ...], list[int]],
) -> list[UnitFigures]:
    units = units_of_kind(session, kind, scope)
    current, previous = _rolled_up(session, units, now), _rolled_up(session, units, before)
    return [UnitFigures(unit, current[unit.code], previous[unit.code]) for unit in units]


def unit_figures(
    session: Session, spans: Periods, kind: UnitKind, scope: UnitRef | None
) -> list[UnitFigures]:
    """Every unit of `kind` within `scope`, with its counts and those below it, for both
    periods: what reports by unit and the rankings show."""
    now, before = _unit_sums(session, spans, scope, None)
    return _listed(session, kind, scope, now, before)


def _names(session: Session, by: Dimension) -> dict[str, str]:
    if by in (Dimension.CATEGORY, Dimension.CATEGORY_GROUP):
        return dict(session.execute(select(Category.code, Category.name)).all())
    return {}


def _groups(session: Session) -> dict[str, str]:
    """Each category's top-level category."""
    rows = session.execute(select(Category.id, Category.code, Category.parent_id)).all()
    by_id = {row.id: row for row in rows}
    groups = {}
    for row in rows:
        top = row
        while top.parent_id is not None and top.parent_id in by_id:
            top = by_id[top.parent_id]
        groups[row.code] = top.code
    return groups


def _by_key(session: Session, by: Dimension, sums: Mapping[tuple[str, ...], list[int]]) -> Sums:
    groups = _groups(session) if by is Dimension.CATEGORY_GROUP else {}
    totals: Sums = {}
    for (code,), values in sums.items():
        key = groups.get(code, code) if groups else code
        add_into(totals.setdefault(key, zero()), values)
    return totals


_COLUMN = {
    Dimension.CATEGORY: stat_day.c.category,
    Dimension.CATEGORY_GROUP: stat_day.c.category,
    Dimension.CHANNEL: stat_day.c.channel,
    Dimension.REQUEST_TYPE: stat_day.c.request_type,
}


def _total(rows: Mapping[tuple[str, ...], list[int]]) -> list[int]:
    total = zero()
    for values in rows.values():
        add_into(total, values)
    return total


def report(
    session: Session,
    staff: StaffPrincipal,
    query: ReportQuery,
    today: date,
    basically_satisfied_weight: float,
) -> Report:
    """The report asked for, within the caller's scope (422 for an unknown unit or
    category or a range that ends before it starts, 403 for a unit outside the scope)."""
    spans = periods_of(query.period, query.date, query.start, query.end, today)
    unit, condition = _restriction(session, staff, query.unit)
    category = _category_condition(session, query.category)

    def row(code: str, name: str, now: list[int], before: list[int]) -> ReportRow:
        return ReportRow(
            code=code,
            name=name,
            current=figures_of(now, basically_satisfied_weight),
            previous=figures_of(before, basically_satisfied_weight),
        )

    # One grouped read of the rollups: the rows and, summed, the total (the same rows).
    if query.by is Dimension.UNIT:
        now, before = _unit_sums(session, spans, unit, category)
        listed = _listed(session, query.unit_kind, unit, now, before)
        rows = [row(item.unit.code, item.unit.name, item.current, item.previous) for item in listed]
    else:
        now, before = sums_by(session, spans, [_COLUMN[query.by]], [condition, category])
        current, previous = _by_key(session, query.by, now), _by_key(session, query.by, before)
        names = _names(session, query.by)
        rows = [
            row(
                code,
                names.get(code, code) if code else "—",
                current.get(code, zero()),
                previous.get(code, zero()),
            )
            for code in sorted(set(current) | set(previous))
        ]
    return Report(
        by=query.by,
        period=query.period,
        current_period=SpanRead(start=spans.current.first, end=spans.current.last),
        previous_period=SpanRead(start=spans.previous.first, end=spans.previous.last),
        rows=rows,
        total=row(
            unit.code if unit else "",
            unit.name if unit else "全市 (the whole city)",
            _total(now),
            _total(before),
        ),
    )
