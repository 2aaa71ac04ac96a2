"""A fine square grid over the map, so the duplicate search is an index lookup on the few
cells a radius's box touches rather than a scan. A cell is about 280 m north-south (and
220 m east-west at 37 degrees north): close to the radii in use, so the cells read hold
little more than the box."""

import math
from dataclasses import dataclass

from app.geo.distance import METRES_PER_DEGREE_LAT

CELL_DEGREES = 0.0025
CELL_ROW = 1_000_000  # a row's cell numbers: columns lie within +-72,000 (180 / 0.0025)
# The largest radius searched (a category's or the default), and the most cells its box
# touches as far north as China goes (53.6 degrees): 4 rows of 6.
MAX_RADIUS_M = 390
MAX_CELLS = 24


@dataclass(frozen=True)
class Box:
    """A radius's bounding box around a point, in degrees."""

    south: float
    west: float
    north: float
    east: float


def cell_of(lat: float, lon: float) -> int:
    return math.floor(lat / CELL_DEGREES) * CELL_ROW + math.floor(lon / CELL_DEGREES)


def box_around(lat: float, lon: float, radius_m: float) -> Box:
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
    return Box(lat - d_lat, lon - d_lon, lat + d_lat, lon + d_lon)


def cells_in(box: Box) -> list[int]:
    """Every cell the box touches, each once; MAX_CELLS at most for a radius up to
    MAX_RADIUS_M."""
    rows = range(math.floor(box.south / CELL_DEGREES), math.floor(box.north / CELL_DEGREES) + 1)
    columns = range(math.floor(box.west / CELL_DEGREES), math.floor(box.east / CELL_DEGREES) + 1)
    return [row * CELL_ROW + column for row in rows for column in columns]
