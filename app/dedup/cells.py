"""A coarse square grid over the map, so the duplicate search is an index lookup on a few
cells rather than a scan: a point's cell and the eight around it hold every point within
one cell's width, about 550 m north-south (and 440 m east-west at 37 degrees north)."""

import math

CELL_DEGREES = 0.005
CELL_ROW = 100_000  # longitudes' cell numbers stay below it (360 / 0.005 = 72,000)
# The largest radius the 3 x 3 neighbourhood is sure to hold, at 45 degrees of latitude.
MAX_RADIUS_M = 390


def cell_of(lat: float, lon: float) -> int:
    return math.floor(lat / CELL_DEGREES) * CELL_ROW + math.floor(lon / CELL_DEGREES)


def cells_around(lat: float, lon: float) -> list[int]:
    """The point's cell and its eight neighbours."""
    row, column = math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)
    return [
        (row + d_row) * CELL_ROW + column + d_column
        for d_row in (-1, 0, 1)
        for d_column in (-1, 0, 1)
    ]
