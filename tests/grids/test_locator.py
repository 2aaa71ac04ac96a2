"""Which grid holds a point: the deepest, the smallest code on a border, the same answer one
point at a time or many at once, in the layer's coordinate system, on every replica."""

import random
from collections import Counter
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from app.geo.crs import Crs, from_wgs84
from app.grids.locator import GridIndex, GridLocator, LocatedGrid, current_map_version_id
from app.grids.models import GridMapVersion, GridRevision
from app.grids.service import import_grid_map
from tests.grids import geojson_samples as samples
from tests.grids.geojson_samples import FeatureCollection

SEED = 20261123


@pytest.fixture(scope="module")
def demo() -> FeatureCollection:
    return samples.demo_feature_collection()


@pytest.fixture(scope="module")
def wgs84_index(demo: FeatureCollection) -> GridIndex:
    return index_of(demo)


def index_of(
    collection: FeatureCollection, *, crs: Crs = Crs.WGS84, map_version_id: int = 1
) -> GridIndex:
    """The index the locator builds from the database, built straight from a map file."""
    features = collection["features"]
    grids = [
        LocatedGrid(number, f["properties"]["code"], f["properties"]["level"], f"/{number}/")
        for number, f in enumerate(features, start=1)
    ]
    return GridIndex(map_version_id, crs, grids, [f["geometry"] for f in features])


def units(collection: FeatureCollection) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["level"] == 3]


def representative_point(feature: dict[str, Any]) -> tuple[float, float]:
    """(lat, lon) of a point surely inside the grid, however its boundary is shaped."""
    point = shapely.point_on_surface(shape(feature["geometry"]))
    return point.y, point.x


def border_vertices(collection: FeatureCollection) -> list[tuple[float, float]]:
    """(lat, lon) of the corners two unit grids share, and no third: points on the border
    between exactly two grids, exactly (the demo city's neighbours share their vertices)."""
    shared = Counter(
        (lon, lat)
        for f in units(collection)
        for lon, lat in {tuple(position) for position in f["geometry"]["coordinates"][0]}
    )
    return [(lat, lon) for (lon, lat), count in sorted(shared.items()) if count == 2]


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def to_gcj02(collection: FeatureCollection) -> FeatureCollection:
    """The same map as an Amap or Tencent export draws it: every vertex in GCJ-02."""

    def ring(positions: list[list[float]]) -> list[list[float]]:
        converted = (from_wgs84(lat, lon, Crs.GCJ02) for lon, lat in positions)
        return [[lon, lat] for lat, lon in converted]

    result = samples.only(collection, set(samples.codes(collection)))
    for f in result["features"]:
        geometry = f["geometry"]
        assert geometry["type"] == "Polygon"
        geometry["coordinates"] = [ring(r) for r in geometry["coordinates"]]
    return result


# -- pure: an index built from the demo city's map -------------------------------------------------


def test_every_unit_grid_holds_its_own_representative_point(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    grids = units(demo)
    assert len(grids) == 300
    points = [representative_point(f) for f in grids]

    for f, (lat, lon) in zip(grids, points, strict=True):
        found = wgs84_index.locate(lat, lon)
        assert found is not None, f["properties"]["code"]
        assert found.code == f["properties"]["code"]
        assert found.level == 3
    assert [grid.code if grid else None for grid in wgs84_index.locate_many(points)] == [
        f["properties"]["code"] for f in grids
    ]


def test_a_point_goes_to_the_deepest_grid_holding_it(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    parent_of = {f["properties"]["code"]: f["properties"]["parent_code"] for f in demo["features"]}
    for f in demo["features"]:
        if f["properties"]["level"] == 3:
            continue
        found = wgs84_index.locate(*representative_point(f))
        assert found is not None
        assert found.level == 3
        ancestors = {parent_of[found.code], parent_of[parent_of[found.code]]}
        assert f["properties"]["code"] in ancestors


def test_a_point_on_the_border_of_two_squares_goes_to_the_smaller_code() -> None:
    # The smaller code lies east and comes second in the file: neither decides for it.
    west = samples.feature("U-B", "West", 3, None, square(0.0, 0.0, 1.0, 1.0))
    east = samples.feature("U-A", "East", 3, None, square(1.0, 0.0, 2.0, 1.0))
    on_the_border = (0.5, 1.0)  # lat, lon: the middle of the shared edge

    for features in ([west, east], [east, west]):
        index = index_of({"type": "FeatureCollection", "features": features})
        answers = [index.locate(*on_the_border) for _ in range(5)]
        answers += index.locate_many([on_the_border] * 5)
        assert {grid.code if grid else None for grid in answers} == {"U-A"}
        assert index.locate(0.5, 0.5).code == "U-B"  # type: ignore[union-attr]


def test_a_point_on_a_shared_border_in_the_city_goes_to_the_smaller_code(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    points = border_vertices(demo)
    assert len(points) > 50
    unit_shapes = {f["properties"]["code"]: shape(f["geometry"]) for f in units(demo)}
    # The same grids listed the other way round: the answer must not depend on the file order.
    reversed_index = index_of({"type": "FeatureCollection", "features": demo["features"][::-1]})

    for lat, lon in points:
        holders = sorted(code for code, s in unit_shapes.items() if s.intersects(Point(lon, lat)))
        assert len(holders) == 2, (lat, lon, holders)
        for index in (wgs84_index, reversed_index):
            found = index.locate(lat, lon)
            assert found is not None
            assert found.code == holders[0]
    many = wgs84_index.locate_many(points)
    assert many == [wgs84_index.locate(lat, lon) for lat, lon in points]


def test_locate_many_agrees_with_locate_for_random_points(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    city = shapely.union_all([shape(f["geometry"]) for f in units(demo)])
    min_lon, min_lat, max_lon, max_lat = city.bounds
    generator = random.Random(SEED)
    margin = 0.02  # some points fall outside the city
    points = [
        (
            generator.uniform(min_lat - margin, max_lat + margin),
            generator.uniform(min_lon - margin, max_lon + margin),
        )
        for _ in range(2_000)
    ]
    points += border_vertices(demo)[:100]

    one_by_one = [wgs84_index.locate(lat, lon) for lat, lon in points]

    assert wgs84_index.locate_many(points) == one_by_one
    inside = [city.intersects(Point(lon, lat)) for lat, lon in points]
    assert [grid is not None for grid in one_by_one] == inside
    assert 0 < sum(inside) < len(points)


def test_points_outside_the_city_are_in_no_grid(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    city = shapely.union_all([shape(f["geometry"]) for f in demo["features"]])
    min_lon, min_lat, _, _ = city.bounds
    corner = (min_lat, min_lon)  # inside the bounding box, outside the city's outline
    assert not city.intersects(Point(corner[1], corner[0]))
    outside = [corner, (27.33, 119.5), (39.9, 116.4), (0.0, 0.0)]

    for lat, lon in outside:
        assert wgs84_index.locate(lat, lon) is None
        assert wgs84_index.locate_wgs84(lat, lon) is None
    assert wgs84_index.locate_many(outside) == [None] * len(outside)


def test_locate_many_of_no_points_is_an_empty_list(wgs84_index: GridIndex) -> None:
    assert wgs84_index.locate_many([]) == []


def test_a_gcj02_layer_converts_a_gps_point_before_locating_it(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    gcj02_index = index_of(to_gcj02(demo), crs=Crs.GCJ02, map_version_id=7)
    missed_without_conversion = 0

    for f in units(demo):
        lat, lon = representative_point(f)  # a GPS (WGS-84) point
        expected = wgs84_index.locate(lat, lon)
        found = gcj02_index.locate_wgs84(lat, lon)

        assert found is not None
        assert expected is not None
        assert found.grid.code == expected.code == f["properties"]["code"]
        assert found.layer_crs is Crs.GCJ02
        assert found.map_version_id == 7
        assert found.layer_point == from_wgs84(lat, lon, Crs.GCJ02)
        assert found.layer_point != (lat, lon)
        unconverted = gcj02_index.locate(lat, lon)
        missed_without_conversion += unconverted is None or unconverted.code != expected.code
    # The offset is hundreds of metres: read as GCJ-02 unconverted, many points would land
    # in a neighbour.
    assert missed_without_conversion > 50


def test_a_wgs84_layer_locates_the_point_as_given(
    demo: FeatureCollection, wgs84_index: GridIndex
) -> None:
    lat, lon = representative_point(units(demo)[0])

    found = wgs84_index.locate_wgs84(lat, lon)

    assert found is not None
    assert found.layer_crs is Crs.WGS84
    assert found.layer_point == (lat, lon)
    assert found.grid == wgs84_index.locate(lat, lon)


# -- the locator of each process, over the database -----------------------------------------------


def test_each_replica_follows_an_import_made_by_another(
    engine: Engine, demo: FeatureCollection
) -> None:
    """Two processes, each with its locator: one checks at every lookup, the other would wait
    an hour. An import committed elsewhere reaches the first at once, the second on forget()."""
    prompt, lazy = GridLocator(check_every=0), GridLocator(check_every=3600)
    with Session(engine) as session:
        before = current_map_version_id(session)
        assert before is not None
        for locator in (prompt, lazy):
            index = locator.index(session)
            assert index is not None
            assert index.map_version_id == before
            assert len(index) == 360
    imported_id: int | None = None
    try:
        with Session(engine) as session:  # a third process imports the same map again
            result = import_grid_map(
                session, demo, source_name="replica test", crs=Crs.WGS84, imported_by="admin"
            )
            assert result.version is not None
            # Nothing but the version row to clean up afterwards.
            assert (result.added, result.changed) == (0, 0)
            imported_id = result.version.id
            session.commit()

        with Session(engine) as session:
            assert imported_id > before
            assert indexed_version(prompt, session) == imported_id
            assert indexed_version(lazy, session) == before
            lazy.forget()
            assert indexed_version(lazy, session) == imported_id
    finally:
        if imported_id is not None:
            with Session(engine) as session:
                session.execute(
                    delete(GridRevision).where(GridRevision.map_version_id == imported_id)
                )
                session.execute(delete(GridMapVersion).where(GridMapVersion.id == imported_id))
                session.commit()


def indexed_version(locator: GridLocator, session: Session) -> int:
    index = locator.index(session)
    assert index is not None
    return index.map_version_id
