"""WGS-84 / GCJ-02 / BD-09 conversions against published reference pairs, and round trips."""

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.geo.crs import (
    Crs,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)

EARTH_RADIUS_M = 6_371_008.8
ROUND_TRIP_LIMIT_M = 0.5

# Tiananmen, the pair commonly quoted alongside the eviltransform/coordtransform libraries,
# published to 6 decimals: WGS-84 -> GCJ-02 -> BD-09. The full-precision pairs below are
# copied from the named projects' own tests.
TIANANMEN_WGS84 = (39.908692, 116.397477)
TIANANMEN_GCJ02 = (39.910096, 116.403720)
TIANANMEN_BD09 = (39.916435, 116.410094)
ROUNDED_TOLERANCE = 1e-5  # degrees, for pairs published to 6 decimals

# wandergis/coordtransform, test/app.js: every conversion of the input (116.404, 39.915)
# (lon, lat there; (lat, lon) here).
WANDERGIS_INPUT = (39.915, 116.404)
WANDERGIS_WGS84_TO_GCJ02 = (39.91640428150164, 116.41024449916938)
WANDERGIS_GCJ02_TO_BD09 = (39.92133699351021, 116.41036949371029)
WANDERGIS_BD09_TO_GCJ02 = (39.90865673957631, 116.39762729119315)

# Glatzel/pyxis, python/tests/test_crypto.py: one point near Shanghai in all three systems.
PYXIS_WGS84 = (30.6107779, 121.0917077)
PYXIS_GCJ02 = (30.608604331756705, 121.09626935575027)
PYXIS_BD09 = (30.61484572185035, 121.10271732371203)

FULL_TOLERANCE = 1e-6  # degrees (about 0.1 m), for pairs published to full precision

Conversion = Callable[[float, float], tuple[float, float]]

CHINA_LAT = st.floats(min_value=18, max_value=53)
CHINA_LON = st.floats(min_value=74, max_value=134)


def _metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance; plenty for sub-metre comparisons."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _close(got: tuple[float, float], want: tuple[float, float], tolerance: float) -> bool:
    return abs(got[0] - want[0]) <= tolerance and abs(got[1] - want[1]) <= tolerance


@pytest.mark.parametrize(
    ("convert", "source", "expected", "tolerance"),
    [
        (wgs84_to_gcj02, TIANANMEN_WGS84, TIANANMEN_GCJ02, ROUNDED_TOLERANCE),
        (gcj02_to_bd09, TIANANMEN_GCJ02, TIANANMEN_BD09, ROUNDED_TOLERANCE),
        (wgs84_to_gcj02, WANDERGIS_INPUT, WANDERGIS_WGS84_TO_GCJ02, FULL_TOLERANCE),
        (gcj02_to_bd09, WANDERGIS_INPUT, WANDERGIS_GCJ02_TO_BD09, FULL_TOLERANCE),
        (bd09_to_gcj02, WANDERGIS_INPUT, WANDERGIS_BD09_TO_GCJ02, FULL_TOLERANCE),
        (wgs84_to_gcj02, PYXIS_WGS84, PYXIS_GCJ02, FULL_TOLERANCE),
        (gcj02_to_bd09, PYXIS_GCJ02, PYXIS_BD09, FULL_TOLERANCE),
        (bd09_to_gcj02, PYXIS_BD09, PYXIS_GCJ02, FULL_TOLERANCE),
    ],
    ids=[
        "tiananmen-wgs-gcj",
        "tiananmen-gcj-bd",
        "wandergis-wgs-gcj",
        "wandergis-gcj-bd",
        "wandergis-bd-gcj",
        "pyxis-wgs-gcj",
        "pyxis-gcj-bd",
        "pyxis-bd-gcj",
    ],
)
def test_published_reference_pairs(
    convert: Conversion,
    source: tuple[float, float],
    expected: tuple[float, float],
    tolerance: float,
) -> None:
    got = convert(*source)
    assert _close(got, expected, tolerance), (got, expected)


@pytest.mark.parametrize(
    ("crs", "point", "wgs84"),
    [
        (Crs.GCJ02, TIANANMEN_GCJ02, TIANANMEN_WGS84),
        (Crs.BD09, TIANANMEN_BD09, TIANANMEN_WGS84),
        (Crs.GCJ02, PYXIS_GCJ02, PYXIS_WGS84),
        (Crs.BD09, PYXIS_BD09, PYXIS_WGS84),
    ],
    ids=["tiananmen-gcj", "tiananmen-bd", "pyxis-gcj", "pyxis-bd"],
)
def test_map_sdk_points_come_back_to_their_published_wgs84(
    crs: Crs, point: tuple[float, float], wgs84: tuple[float, float]
) -> None:
    # A ticket placed on an Amap or Baidu map is stored where the GPS point really is.
    assert _metres_between(to_wgs84(*point, crs), wgs84) < 1.0


def test_the_offset_is_the_few_hundred_metres_maps_show() -> None:
    # A guard against a conversion that does nothing: Tiananmen moves about 555 m.
    assert 400 < _metres_between(TIANANMEN_WGS84, wgs84_to_gcj02(*TIANANMEN_WGS84)) < 700


@given(CHINA_LAT, CHINA_LON)
def test_wgs_gcj_wgs_round_trip_is_under_half_a_metre(lat: float, lon: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon))
    assert _metres_between((lat, lon), back) < ROUND_TRIP_LIMIT_M


@given(CHINA_LAT, CHINA_LON)
def test_wgs_bd_wgs_round_trip_is_under_half_a_metre(lat: float, lon: float) -> None:
    back = to_wgs84(*from_wgs84(lat, lon, Crs.BD09), Crs.BD09)
    assert _metres_between((lat, lon), back) < ROUND_TRIP_LIMIT_M


@given(CHINA_LAT, CHINA_LON)
def test_gcj_wgs_gcj_round_trip_is_under_half_a_metre(lat: float, lon: float) -> None:
    # The direction intake takes: a GCJ-02 point from a phone, stored as WGS-84, shown again.
    back = from_wgs84(*to_wgs84(lat, lon, Crs.GCJ02), Crs.GCJ02)
    assert _metres_between((lat, lon), back) < ROUND_TRIP_LIMIT_M


@pytest.mark.parametrize(
    "point",
    [
        (51.5007, -0.1246),  # London
        (40.7484, -73.9857),  # New York
        (-33.8568, 151.2153),  # Sydney
        (35.6586, 139.7454),  # Tokyo
        (1.2868, 103.8545),  # Singapore
        (55.7520, 37.6175),  # Moscow
    ],
)
def test_points_outside_china_are_unchanged(point: tuple[float, float]) -> None:
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    assert to_wgs84(*point, Crs.GCJ02) == point
    assert from_wgs84(*point, Crs.GCJ02) == point


@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180))
def test_wgs84_is_left_as_it_is(lat: float, lon: float) -> None:
    assert to_wgs84(lat, lon, Crs.WGS84) == (lat, lon)
    assert from_wgs84(lat, lon, Crs.WGS84) == (lat, lon)
