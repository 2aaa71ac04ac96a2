"""Hotspots: the categories most reported and the fastest rising, places reported again and
again, a count per grid for a map layer, and "problem of the month" candidates (many
tickets, low resolution or satisfaction), all from the rollups."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.stats import reports
from app.stats.figures import figures_of
from app.stats.models import stat_day, stat_place
from app.stats.reports import Periods
from app.stats.schemas import (
    CategoryTrend,
    GridKind,
    HotspotQuery,
    Hotspots,
    ProblemCandidate,
    RepeatPlace,
    SpanRead,
    UnitKind,
)
from app.units.models import Grid

_LEVEL: dict[GridKind, int] = {UnitKind.STREET: 1, UnitKind.COMMUNITY: 2, UnitKind.GRID: 3}


def _category_sums(
    session: Session, spans: Periods
) -> tuple[dict[tuple[str, ...], list[int]], dict[tuple[str, ...], list[int]]]:
    return reports.sums_by(session, spans, [stat_day.c.category], [])


def _place_counts(session: Session, first: date, last: date) -> dict[tuple[str, str], int]:
    query = (
        select(stat_place.c.grid_code, stat_place.c.category, func.sum(stat_place.c.received))
        .where(stat_place.c.day >= first, stat_place.c.day <= last)
        .group_by(stat_place.c.grid_code, stat_place.c.category)
    )
    return {(grid, category): int(count) for grid, category, count in session.execute(query)}


def hotspots(
    session: Session, query: HotspotQuery, today: date, basically_satisfied_weight: float
) -> Hotspots:
    """The period's hotspots, the whole city's (for the dispatch centre and supervisors)."""
    spans = reports.periods_of(query.period, query.date, query.start, query.end, today)
    now, before = _category_sums(session, spans)
    names = dict(session.execute(select(Category.code, Category.name)).all())

    def received(sums: Mapping[tuple[str, ...], list[int]], code: str) -> int:
        values = sums.get((code,))
        return values[0] if values else 0  # `received` is the first counter

    codes = sorted(code for (code,) in set(now) | set(before) if code)
    trends = [
        CategoryTrend(
            code=code,
            name=names.get(code, code),
            tickets=received(now, code),
            previous=received(before, code),
        )
        for code in codes
    ]
    top = sorted(trends, key=lambda trend: (-trend.tickets, trend.code))[: query.top]
    rising = sorted(
        (t for t in trends if t.tickets >= query.min_tickets and t.tickets > t.previous),
        key=lambda t: (-(t.tickets - t.previous) / max(t.previous, 1), t.code),
    )[: query.top]
    candidates = []
    for code in codes:
        values = now.get((code,))
        if values is None or received(now, code) < query.min_tickets:
            continue
        figures = figures_of(values, basically_satisfied_weight)
        rates = [r for r in (figures.resolution_rate, figures.satisfaction_rate) if r is not None]
        if not rates:
            continue
        weakness = 1 - min(rates)
        candidates.append(
            ProblemCandidate(
                code=code,
                name=names.get(code, code),
                tickets=figures.received,
                resolution_rate=figures.resolution_rate,
                satisfaction_rate=figures.satisfaction_rate,
                score=round(figures.received * weakness, 2),
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.code))
    grids = dict(session.execute(select(Grid.code, Grid.name)).all())
    repeats = sorted(
        (
            RepeatPlace(
                grid_code=grid,
                grid_name=grids.get(grid, grid),
                category=category,
                category_name=names.get(category, category) if category else "—",
                tickets=count,
            )
            for (grid, category), count in _place_counts(
                session, spans.current.first, spans.current.last
            ).items()
            if count >= query.repeat_at_least
        ),
        key=lambda place: (-place.tickets, place.grid_code, place.category),
    )[: query.top]
    return Hotspots(
        current_period=SpanRead(start=spans.current.first, end=spans.current.last),
        previous_period=SpanRead(start=spans.previous.first, end=spans.previous.last),
        top_categories=top,
        rising_categories=rising,
        repeat_places=repeats,
        problem_of_the_month=candidates[: query.top],
    )


def grid_counts_geojson(session: Session, spans: Periods, kind: GridKind) -> dict[str, Any]:
    """A FeatureCollection of the grids of one level, each with its boundary and the
    tickets reported within it (and the grids below it) in the period and the one before."""
    level = _LEVEL[kind]
    grids = session.execute(
        select(Grid.code, Grid.name, Grid.path, Grid.level, Grid.boundary).where(
            Grid.retired_at.is_(None)
        )
    ).all()
    paths = {grid.code: grid.path for grid in grids}
    owners = {grid.path: grid.code for grid in grids if grid.level == level}
    lengths = {len(path) for path in owners}

    def counted(first: date, last: date) -> dict[str, int]:
        totals: dict[str, int] = {}
        for (grid, _), count in _place_counts(session, first, last).items():
            path = paths.get(grid)
            for length in lengths:
                owner = owners.get(path[:length]) if path else None
                if owner is not None:
                    totals[owner] = totals.get(owner, 0) + count
        return totals

    now = counted(spans.current.first, spans.current.last)
    before = counted(spans.previous.first, spans.previous.last)
    features = [
        {
            "type": "Feature",
            "geometry": grid.boundary,
            "properties": {
                "code": grid.code,
                "name": grid.name,
                "tickets": now.get(grid.code, 0),
                "previous": before.get(grid.code, 0),
            },
        }
        for grid in grids
        if grid.level == level
    ]
    return {"type": "FeatureCollection", "features": features}
