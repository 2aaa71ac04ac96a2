"""The gazetteer in force: the city's file of named places (`HOTLINE_PLACES_FILE`, the demo
district's by default) and the communities and villages of the grid map in force, built once
per map version."""

import threading
from pathlib import Path
from typing import Any

import shapely

from app.dedup.places import Gazetteer, GazetteerPlace, community_place, load_gazetteer, with_grids
from app.dedup.scoring import load_model, related_codes
from app.dedup.words import Segmenter, load_vocabulary, segmenter_for, user_words
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


def _communities(index: GridIndex) -> list[GazetteerPlace]:
    places = []
    for grid, boundary in index.boundaries(COMMUNITY_LEVEL):
        centre = boundary.centroid
        lat, lon = to_wgs84(centre.y, centre.x, index.crs)
        # Moved whole into WGS-84: the shift between systems is the same across a community.
        moved = shapely.affinity.translate(boundary, lon - centre.x, lat - centre.y)
        places.append(community_place(grid.name, moved))
    return places


_segmenters: list[tuple[Gazetteer, object, Segmenter]] = []


def segmenter_of(gazetteer: Gazetteer, categories: dict[str, Any]) -> Segmenter:
    """The segmenter with this gazetteer's names and these categories' (routing's snapshot:
    a new dict when they change) as its user dictionary."""
    known = _segmenters[0] if _segmenters else None
    if known is not None and known[0] is gazetteer and known[1] is categories:
        return known[2]
    names = [info.name for info in categories.values()]
    found = segmenter_for(user_words(gazetteer, names))
    _segmenters[:] = [(gazetteer, categories, found)]
    return found


def load_data(places_file: Path | None) -> None:
    """Read the duplicate score's data files now, at start-up: intake runs on the event loop,
    where nothing may wait for a file."""
    load_gazetteer(places_file)
    load_vocabulary()
    load_model()
    related_codes()
    segmenter_for(())  # the segmenter's own dictionary
