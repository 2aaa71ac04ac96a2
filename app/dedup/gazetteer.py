"""The gazetteer in force: the city's file of named places (`HOTLINE_PLACES_FILE`, the demo
district's by default) and the communities and villages of the grid map in force, built once
per map version."""

import threading
from pathlib import Path

import shapely

from app.dedup.places import Gazetteer, community_place, load_gazetteer, with_grids
from app.geo.crs import to_wgs84
from app.grids.locator import GridIndex

COMMUNITY_LEVEL = 2
_lock = threading.Lock()
_current: dict[tuple[int | None, Path | None], Gazetteer] = {}


def gazetteer_for(index: GridIndex | None, places_file: Path | None) -> Gazetteer:
    """The gazetteer of `places_file` and the map of `index` (the newest one asked for is
    kept: a new map version replaces it)."""
    key = (index.map_version_id if index is not None else None, places_file)
    found = _current.get(key)
    if found is not None:
        return found
    with _lock:
        found = load_gazetteer(places_file)
        if index is not None:
            found = with_grids(found, _communities(index))
        _current.clear()
        _current[key] = found
        return found


def _communities(index: GridIndex) -> list:  # type: ignore[type-arg]
    places = []
    for grid, boundary in index.boundaries(COMMUNITY_LEVEL):
        centre = boundary.centroid
        lat, lon = to_wgs84(centre.y, centre.x, index.crs)
        # Moved whole into WGS-84: the shift between systems is the same across a community.
        moved = shapely.affinity.translate(boundary, lon - centre.x, lat - centre.y)
        places.append(community_place(grid.name, moved))
    return places
