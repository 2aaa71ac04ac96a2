"""Which grid holds a point, among every grid of the map in force (per level, buckets of
a square mesh for one point, an STRtree for many).

Built once per map version and rebuilt when the database says the map changed, so every
replica follows an import within `check_every` seconds. A point on a shared border, or in
grids of several levels, goes to the deepest grid holding it, and among equals to the
smallest code: the same answer every time, on every replica.
"""

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.geo.crs import Crs, from_wgs84
from app.grids.models import GridMapVersion
from app.resources import ResourceKey
from app.units.models import Grid


@dataclass(frozen=True)
class LocatedGrid:
    grid_id: int
    code: str
    level: int
    path: str
    name: str = ""


@dataclass(frozen=True)
class Location:
    grid: LocatedGrid
    map_version_id: int
    layer_crs: Crs
    layer_point: tuple[float, float]  # (lat, lon) in the layer's system, as located


class _LevelTree:
    """The grids of one level, ordered by code so the first hit is the smallest code: an
    STRtree for many points at once, and buckets of a coarse square mesh for one point.

    One point is the common case (every intake), and a bucket lookup with a test of the
    few candidates' prepared polygons costs a third of a tree query, which needs a
    shapely Point made first."""

    def __init__(self, grids: list[LocatedGrid], boundaries: list[dict[str, Any]]) -> None:
        order = sorted(range(len(grids)), key=lambda i: grids[i].code)
        self.grids = [grids[i] for i in order]
        self.geometries = [shapely.geometry.shape(boundaries[i]) for i in order]
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        bounds = shapely.bounds(self.geometries)  # min x, min y, max x, max y per grid
        self._boxes = [tuple(box) for box in bounds.tolist()]
        west, south = bounds[:, :2].min(axis=0).tolist()
        east, north = bounds[:, 2:].max(axis=0).tolist()
        self._origin = (west, south)
        # About one grid per bucket, for grids of similar size (and never a side of 0).
        per_side = max(1, round(math.sqrt(len(grids))))
        self._side = max(east - west, north - south) / per_side or 1.0
        self._buckets: dict[tuple[int, int], list[int]] = {}
        for index, (min_x, min_y, max_x, max_y) in enumerate(self._boxes):
            first_column, first_row = self._bucket(min_x, min_y)
            last_column, last_row = self._bucket(max_x, max_y)
            for column in range(first_column, last_column + 1):
                for row in range(first_row, last_row + 1):
                    self._buckets.setdefault((column, row), []).append(index)

    def _bucket(self, x: float, y: float) -> tuple[int, int]:
        return (
            math.floor((x - self._origin[0]) / self._side),
            math.floor((y - self._origin[1]) / self._side),
        )

    def first_holding(self, x: float, y: float) -> LocatedGrid | None:
        """The grid of smallest code holding (x, y), its border included."""
        for index in self._buckets.get(self._bucket(x, y), ()):  # in code order
            min_x, min_y, max_x, max_y = self._boxes[index]
            if (
                min_x <= x <= max_x
                and min_y <= y <= max_y
                and shapely.intersects_xy(self.geometries[index], x, y)
            ):
                return self.grids[index]
        return None


class GridIndex:
    """The grids of one map version, ready for point lookups: deepest level first, so one
    query answers almost every point."""

    def __init__(
        self,
        map_version_id: int,
        crs: Crs,
        grids: Sequence[LocatedGrid],
        boundaries: Sequence[dict[str, Any]],
    ) -> None:
        self.map_version_id = map_version_id
        self.crs = crs
        self._size = len(grids)
        self.by_id = {grid.grid_id: grid for grid in grids}
        self.by_code = {grid.code: grid for grid in grids}
        # Street and community names, longest first, for addresses without a point.
        self._names = sorted(
            ((grid.name, grid) for grid in grids if grid.level < 3 and grid.name),
            key=lambda entry: (-entry[1].level, -len(entry[0])),
        )
        by_level: dict[int, tuple[list[LocatedGrid], list[dict[str, Any]]]] = {}
        for grid, boundary in zip(grids, boundaries, strict=True):
            level_grids, level_boundaries = by_level.setdefault(grid.level, ([], []))
            level_grids.append(grid)
            level_boundaries.append(boundary)
        self._trees = {level: _LevelTree(*by_level[level]) for level in by_level}
        self._levels = [self._trees[level] for level in sorted(by_level, reverse=True)]

    def __len__(self) -> int:
        return self._size

    def locate(self, lat: float, lon: float) -> LocatedGrid | None:
        """The grid holding (lat, lon), given in the layer's system."""
        for level in self._levels:
            found = level.first_holding(lon, lat)
            if found is not None:
                return found
        return None

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[LocatedGrid | None]:
        """Many (lat, lon) points at once, in the layer's system."""
        if not points:
            return []
        geometries = shapely.points([(lon, lat) for lat, lon in points])
        found: list[LocatedGrid | None] = [None] * len(points)
        pending = np.arange(len(points))
        for level in self._levels:
            if len(pending) == 0:
                break
            point_index, grid_index = level.tree.query(geometries[pending], predicate="intersects")
            # Smallest grid index (= smallest code) per point: sort, keep each point's first.
            order = np.lexsort((grid_index, point_index))
            firsts = np.unique(point_index[order], return_index=True)[1]
            for hit in order[firsts]:
                found[int(pending[point_index[hit]])] = level.grids[int(grid_index[hit])]
            located = np.zeros(len(pending), dtype=bool)
            located[point_index] = True
            pending = pending[~located]
        return found

    def boundaries(self, level: int) -> list[tuple[LocatedGrid, Any]]:
        """The grids of one level with their boundaries (shapely, in the layer's system)."""
        tree = self._trees.get(level)
        return list(zip(tree.grids, tree.geometries, strict=True)) if tree else []

    def lineage(self, path: str) -> dict[int, str]:
        """Level -> code of the grid at `path` and each grid above it."""
        grids = (self.by_id.get(int(part)) for part in path.strip("/").split("/") if part)
        return {grid.level: grid.code for grid in grids if grid is not None}

    def match_address(self, text: str) -> LocatedGrid | None:
        """The community (else the street) whose name the text mentions, in full or without
        its suffix (社区, 村, 街道, 镇, 乡): the gazetteer built from the grid map."""
        for name, grid in self._names:
            if name in text or _short_name(name) in text:
                return grid
        return None

    def locate_wgs84(self, lat: float, lon: float) -> Location | None:
        """Convert a WGS-84 point to the layer's system, then locate it."""
        layer_point = from_wgs84(lat, lon, self.crs)
        grid = self.locate(*layer_point)
        if grid is None:
            return None
        return Location(grid, self.map_version_id, self.crs, layer_point)


_NAME_SUFFIXES = ("社区", "街道", "村", "镇", "乡")
_MIN_SHORT_NAME = 2


def _short_name(name: str) -> str:
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= _MIN_SHORT_NAME:
            return name.removesuffix(suffix)
    return name


def current_map_version_id(session: Session) -> int | None:
    return session.scalar(select(func.max(GridMapVersion.id)))


def build_index(session: Session) -> GridIndex | None:
    """The index of the newest map version; None before any map was loaded."""
    version = session.scalars(
        select(GridMapVersion).order_by(GridMapVersion.id.desc()).limit(1)
    ).first()
    if version is None:
        return None
    rows = session.execute(
        select(Grid.id, Grid.code, Grid.level, Grid.path, Grid.name, Grid.boundary).where(
            Grid.boundary.is_not(None), Grid.retired_at.is_(None)
        )
    ).all()
    grids = [LocatedGrid(row.id, row.code, row.level, row.path, row.name) for row in rows]
    return GridIndex(version.id, Crs(version.crs), grids, [row.boundary for row in rows])


class GridLocator:
    """The process's index, rebuilt when another import (here or on another replica) made
    a newer map version. Checking costs one tiny query, at most every `check_every` s."""

    def __init__(self, check_every: float = 2.0) -> None:
        self._check_every = check_every
        self._index: GridIndex | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def index(self, session: Session) -> GridIndex | None:
        now = time.monotonic()
        if now - self._checked_at < self._check_every and self._index is not None:
            return self._index
        with self._lock:
            if time.monotonic() - self._checked_at < self._check_every and self._index:
                return self._index
            newest = current_map_version_id(session)
            if newest is not None and (self._index is None or self._index.map_version_id != newest):
                self._index = build_index(session)
            self._checked_at = time.monotonic()
            return self._index

    def forget(self) -> None:
        """Rebuild on the next lookup (after an import in this process)."""
        with self._lock:
            self._checked_at = float("-inf")


# The process's grid index in the app's resources: `resources[GRID_LOCATOR]`.
GRID_LOCATOR: ResourceKey[GridLocator] = ResourceKey("grid locator")
