"""Importing a grid map: validated first, then written in one transaction, or not at all."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import SYSTEM_EDITOR, AuditKind, Editor
from app.clock import utc_now
from app.errors import UnprocessableContent
from app.geo.crs import Crs
from app.grids.geojson import GridFeature, GridMapReport, Problem, parse_grid_map
from app.grids.models import GridMapVersion, GridRevision
from app.units.models import Grid


class GridMapRejected(UnprocessableContent):
    slug, title = "grid-map-rejected", "Grid map rejected"


@dataclass(frozen=True)
class ImportResult:
    version: GridMapVersion | None  # None for a dry run
    report: GridMapReport
    added: int
    changed: int
    unchanged: int
    retired: int


def existing_levels(session: Session) -> dict[str, int]:
    """The grids of the map in force, by code: the ones a partial map may name as parents."""
    return dict(
        session.execute(select(Grid.code, Grid.level).where(Grid.retired_at.is_(None))).all()
    )


def problems_as_json(problems: Sequence[Problem]) -> list[dict[str, object]]:
    return [
        {"code": p.code, "feature": p.feature_index, "kind": p.kind, "message": p.message}
        for p in problems
    ]


def import_grid_map(
    session: Session,
    source: bytes | str | dict[str, object],
    *,
    source_name: str,
    crs: Crs,
    imported_by: str | None,
    dry_run: bool = False,
    complete: bool = False,
    progress: Callable[[int, int], None] | None = None,
    known_levels: dict[str, int] | None = None,
    editor: Editor = SYSTEM_EDITOR,
) -> ImportResult:
    """Validate the map and, when it is sound and not a dry run, write it: grids are matched
    by code (stable keys) and updated in place, new ones added, each change kept as a
    revision of the new map version. A map with any problem writes nothing (422).

    A `complete` map names every grid in force, parents included: the grids it leaves out
    are retired (kept for the tickets that name them, no longer located or assigned). A
    retired grid that a later map names again is back in force.

    Validation takes seconds on a big map: a caller that can should read `known_levels`
    (existing_levels) in a transaction of its own, so that none is open meanwhile (on
    SQLite an open transaction holds the write lock).

    A written map is recorded in the audit log as `editor`'s: the codes added, changed and
    retired (the boundaries are in the map version's revisions)."""
    known = existing_levels(session) if known_levels is None else known_levels
    report = parse_grid_map(source, existing_codes={} if complete else known, progress=progress)
    if not report.ok:
        raise GridMapRejected(
            f"The grid map has {len(report.problems)} problem(s); nothing was imported. "
            f"First: {report.problems[0].message}",
            problems=problems_as_json(report.problems),
        )
    if not complete:
        _ensure_one_crs(session, crs, known, report)
    existing = {grid.code: grid for grid in session.scalars(select(Grid))}
    new = [f for f in report.features if f.code not in existing]
    changed = [
        f for f in report.features if f.code in existing and _differs(existing[f.code], f, existing)
    ]
    unchanged = len(report.features) - len(new) - len(changed)
    named = {feature.code for feature in report.features}
    retired = (
        [g for g in existing.values() if g.retired_at is None and g.code not in named]
        if complete
        else []
    )
    if dry_run:
        return ImportResult(None, report, len(new), len(changed), unchanged, len(retired))
    now = utc_now()
    version = GridMapVersion(
        source=source_name,
        crs=crs,
        grids_added=len(new),
        grids_changed=len(changed),
        grids_retired=len(retired),
        imported_by=imported_by,
        imported_at=now,
    )
    session.add(version)
    session.flush()
    for feature in report.features:  # parents first
        grid = existing.get(feature.code)
        if grid is None:
            grid = Grid(code=feature.code, path="", created_at=now)
            session.add(grid)
            existing[feature.code] = grid
        elif not _differs(grid, feature, existing):
            continue
        parent = existing.get(feature.parent_code) if feature.parent_code else None
        grid.name = feature.name
        grid.level = feature.level
        grid.parent_id = parent.id if parent else None
        grid.boundary = feature.geometry
        grid.updated_at = now
        grid.retired_at = None
        session.flush()
        session.add(
            GridRevision(
                grid_id=grid.id,
                map_version_id=version.id,
                name=grid.name,
                parent_code=feature.parent_code,
                boundary=grid.boundary,
            )
        )
    for grid in retired:
        grid.retired_at = grid.updated_at = now
    _recompute_paths(list(existing.values()))
    session.flush()
    editor.record(
        session,
        AuditKind.GRID_MAP,
        "import",
        str(version.id),
        None,
        {
            "source": source_name,
            "crs": crs,
            "complete": complete,
            "added": [feature.code for feature in new],
            "changed": [feature.code for feature in changed],
            "retired": [grid.code for grid in retired],
        },
    )
    return ImportResult(version, report, len(new), len(changed), unchanged, len(retired))


def _ensure_one_crs(
    session: Session, crs: Crs, known: dict[str, int], report: GridMapReport
) -> None:
    """The locator reads every grid in the newest version's system, so a map drawn in
    another system must replace every grid, not only some."""
    current = session.scalars(
        select(GridMapVersion.crs).order_by(GridMapVersion.id.desc()).limit(1)
    ).first()
    if current is None or current == crs:
        return
    left_out = sorted(set(known) - {feature.code for feature in report.features})
    if left_out:
        raise GridMapRejected(
            f"The map in force is drawn in {current}; a map in {crs} must redraw every grid, "
            f"but {len(left_out)} are missing (first: {left_out[0]}). Import in {current}, "
            "or the whole map as complete.",
            problems=[],
        )


def _differs(grid: Grid, feature: GridFeature, by_code: dict[str, Grid]) -> bool:
    parent = by_code.get(feature.parent_code) if feature.parent_code else None
    return (
        grid.retired_at is not None
        or grid.name != feature.name
        or grid.level != feature.level
        or grid.parent_id != (parent.id if parent else None)
        or grid.boundary != feature.geometry
    )


def _recompute_paths(grids: list[Grid]) -> None:
    """A re-parented grid moves its whole subtree; paths follow the parent links."""
    by_id = {grid.id: grid for grid in grids}
    paths: dict[int, str] = {}

    def path_of(grid: Grid) -> str:
        if grid.id not in paths:
            parent = by_id.get(grid.parent_id) if grid.parent_id else None
            paths[grid.id] = f"{path_of(parent) if parent else '/'}{grid.id}/"
        return paths[grid.id]

    for grid in grids:
        new_path = path_of(grid)
        if grid.path != new_path:
            grid.path = new_path


def map_versions(session: Session) -> list[GridMapVersion]:
    return list(session.scalars(select(GridMapVersion).order_by(GridMapVersion.id.desc())))
