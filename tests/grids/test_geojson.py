"""Reading a grid map file: the demo city passes, each kind of mistake is reported precisely."""

import math
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import shapely
from shapely.geometry import Point

from app.grids.geojson import PROBLEM_KINDS, GridMapReport, parse_grid_map
from tests.grids import geojson_samples as samples
from tests.grids.geojson_samples import FeatureCollection

STREET = "351002001"
COMMUNITY = "351002001001"
UNIT = "351002001001001"
SIBLING = "351002001001002"
UNKNOWN = "351002999999"


@pytest.fixture(scope="module")
def demo() -> FeatureCollection:
    return samples.demo_feature_collection()


def kinds_and_codes(report: GridMapReport) -> set[tuple[str, str | None]]:
    return {(problem.kind, problem.code) for problem in report.problems}


def lon_lat_in(message: str) -> tuple[float, float]:
    match = re.search(r"lon (-?[\d.]+), lat (-?[\d.]+)", message)
    assert match, message
    return float(match[1]), float(match[2])


def area_in(message: str) -> float:
    match = re.search(r"([\d,.]+) m²", message)
    assert match, message
    return float(match[1].replace(",", ""))


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features: dict[str, Any]) -> FeatureCollection:
    return {"type": "FeatureCollection", "features": list(features)}


# -- a good map --------------------------------------------------------------------------------


def test_demo_city_validates_with_parents_first(demo: FeatureCollection) -> None:
    started = time.perf_counter()
    report = parse_grid_map(demo)
    elapsed = time.perf_counter() - started
    print(f"\ndemo city: {len(report.features)} grids validated in {elapsed:.2f} s")

    assert report.ok, report.problems
    assert len(report.features) == 360
    levels = [feature.level for feature in report.features]
    assert (levels.count(1), levels.count(2), levels.count(3)) == (10, 50, 300)
    keys = [(feature.level, feature.code) for feature in report.features]
    assert keys == sorted(keys)
    seen: set[str] = set()
    for feature in report.features:
        assert feature.parent_code is None or feature.parent_code in seen, feature.code
        seen.add(feature.code)


def test_demo_city_tiles_exactly_with_no_tolerance(demo: FeatureCollection) -> None:
    assert parse_grid_map(demo, tolerance_m2=0.0).ok


def test_bytes_text_and_parsed_json_give_the_same_grids(demo: FeatureCollection) -> None:
    data = samples.to_bytes(demo)
    from_dict = parse_grid_map(demo)
    assert parse_grid_map(data) == from_dict
    assert parse_grid_map(data.decode()) == from_dict
    assert parse_grid_map(b"\xef\xbb\xbf" + data) == from_dict  # a UTF-8 byte order mark


def test_geometry_is_normalised_to_closed_rings_of_floats() -> None:
    open_ring_of_ints = {"type": "Polygon", "coordinates": [[[118, 27], [119, 27], [119, 28]]]}
    with_altitudes = [[120, 27, 5.0], [121, 27, 5.0], [121, 28, 5.0], [120, 27, 5.0]]
    multi = {"type": "MultiPolygon", "coordinates": [[with_altitudes]]}
    street = samples.feature("S1", "Street", 1, None, open_ring_of_ints)
    other = samples.feature("S2", "Other", 1, None, multi)

    report = parse_grid_map(collection(street, other))

    assert report.ok, report.problems
    first, second = report.features
    ring = [[118.0, 27.0], [119.0, 27.0], [119.0, 28.0], [118.0, 27.0]]
    assert first.geometry == {"type": "Polygon", "coordinates": [ring]}
    assert all(isinstance(value, float) for position in ring for value in position)
    assert second.geometry == {
        "type": "MultiPolygon",
        "coordinates": [[[[120.0, 27.0], [121.0, 27.0], [121.0, 28.0], [120.0, 27.0]]]],
    }


def test_level_written_as_a_whole_float_is_accepted(demo: FeatureCollection) -> None:
    report = parse_grid_map(samples.with_properties(demo, UNIT, {"level": 3.0}))
    assert report.ok
    assert {feature.level for feature in report.features} == {1, 2, 3}


# -- one mistake, one precise problem ----------------------------------------------------------

Variant = Callable[[FeatureCollection], FeatureCollection]

VARIANTS: dict[str, tuple[Variant, set[tuple[str, str | None]]]] = {
    "bow-tie boundary": (
        lambda demo: samples.bowtie(demo, UNIT),
        {("self_intersection", UNIT)},
    ),
    "child moved outside its parent": (
        lambda demo: samples.moved(demo, UNIT, 1.0),
        {("outside_parent", UNIT), ("gap", COMMUNITY)},
    ),
    "missing child leaves a gap": (
        lambda demo: samples.without(demo, UNIT),
        {("gap", COMMUNITY)},
    ),
    "unknown parent code": (
        lambda demo: samples.with_properties(demo, UNIT, {"parent_code": UNKNOWN}),
        # The grid no longer counts towards the community it lies in.
        {("unknown_parent", UNIT), ("gap", COMMUNITY)},
    ),
    "level-3 grid under a level-1 grid": (
        lambda demo: samples.with_properties(demo, UNIT, {"parent_code": STREET}),
        {("parent_level", UNIT), ("gap", COMMUNITY)},
    ),
    "level-1 grid with a parent": (
        lambda demo: samples.with_properties(demo, STREET, {"parent_code": "351002"}),
        {("unexpected_parent", STREET)},
    ),
    "level-2 grid without a parent": (
        lambda demo: samples.with_properties(demo, COMMUNITY, {"parent_code": None}),
        {("missing_parent", COMMUNITY), ("gap", STREET)},
    ),
    "duplicate code": (
        lambda demo: samples.with_properties(demo, SIBLING, {"code": UNIT}),
        {("duplicate_code", UNIT)},
    ),
    "level 4": (
        lambda demo: samples.with_properties(demo, UNIT, {"level": 4}),
        {("bad_level", UNIT)},
    ),
    "level as a string": (
        lambda demo: samples.with_properties(demo, UNIT, {"level": "3"}),
        {("bad_level", UNIT)},
    ),
    "level as a boolean": (
        lambda demo: samples.with_properties(demo, STREET, {"level": True}),
        {("bad_level", STREET)},
    ),
    "missing name": (
        lambda demo: samples.with_properties(demo, UNIT, {"name": samples.REMOVE}),
        {("missing_property", UNIT)},
    ),
    "blank name": (
        lambda demo: samples.with_properties(demo, UNIT, {"name": "  "}),
        {("missing_property", UNIT)},
    ),
    "name with a control character": (
        lambda demo: samples.with_properties(demo, UNIT, {"name": "第1\x00网格"}),
        {("bad_property", UNIT)},
    ),
    "parent code as a number": (
        lambda demo: samples.with_properties(demo, UNIT, {"parent_code": int(COMMUNITY)}),
        {("bad_property", UNIT), ("gap", COMMUNITY)},
    ),
    "code longer than the database column": (
        lambda demo: samples.with_properties(demo, UNIT, {"code": UNIT * 3}),
        {("bad_property", None)},
    ),
    "Point geometry": (
        lambda demo: samples.with_geometry(
            demo, UNIT, {"type": "Point", "coordinates": [118.12, 27.33]}
        ),
        {("unsupported_geometry", UNIT)},
    ),
    "no geometry": (
        lambda demo: samples.with_geometry(demo, UNIT, None),
        {("missing_geometry", UNIT)},
    ),
    "empty polygon": (
        lambda demo: samples.with_geometry(demo, UNIT, {"type": "Polygon", "coordinates": []}),
        {("empty_geometry", UNIT)},
    ),
    "ring with too few points": (
        lambda demo: samples.with_geometry(
            demo, UNIT, {"type": "Polygon", "coordinates": [[[118.1, 27.3], [118.2, 27.3]]]}
        ),
        {("invalid_geometry", UNIT)},
    ),
    "hole outside its shell": (
        lambda demo: samples.with_geometry(
            demo,
            UNIT,
            {
                "type": "Polygon",
                "coordinates": [
                    square(118.1, 27.3, 118.11, 27.31)["coordinates"][0],
                    square(118.2, 27.4, 118.21, 27.41)["coordinates"][0],
                ],
            },
        ),
        {("invalid_geometry", UNIT)},
    ),
    "longitude out of range": (
        lambda demo: samples.with_vertex(demo, UNIT, [200.0, 27.33]),
        {("bad_coordinates", UNIT)},
    ),
    "projected metres instead of degrees": (
        lambda demo: samples.with_vertex(demo, UNIT, [39_512_345.0, 3_024_680.0]),
        {("bad_coordinates", UNIT)},
    ),
    "NaN coordinate": (
        lambda demo: samples.with_vertex(demo, UNIT, [float("nan"), 27.33]),
        {("bad_coordinates", UNIT)},
    ),
    "position that is not a pair of numbers": (
        lambda demo: samples.with_vertex(demo, UNIT, ["118.12", "27.33"]),
        {("invalid_geometry", UNIT)},
    ),
    "feature without properties": (
        lambda demo: samples.with_feature_keys(demo, UNIT, {"properties": None}),
        # Without its properties the grid belongs to no community.
        {("missing_property", None), ("gap", COMMUNITY)},
    ),
    "feature without its type": (
        lambda demo: samples.with_feature_keys(demo, UNIT, {"type": samples.REMOVE}),
        {("not_feature", UNIT)},
    ),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_each_mistake_is_reported_with_its_kind_and_code(
    demo: FeatureCollection, name: str
) -> None:
    build, expected = VARIANTS[name]

    report = parse_grid_map(build(demo))

    assert not report.ok
    assert kinds_and_codes(report) == expected
    assert {problem.kind for problem in report.problems} <= PROBLEM_KINDS
    for problem in report.problems:
        assert problem.feature_index is not None
        if problem.code is not None:
            assert problem.code in problem.message
        assert f"feature #{problem.feature_index}" in problem.message


def test_a_duplicate_points_at_the_second_feature(demo: FeatureCollection) -> None:
    report = parse_grid_map(samples.with_properties(demo, SIBLING, {"code": UNIT}))
    (problem,) = report.problems
    assert problem.feature_index == samples.index_of(demo, SIBLING)
    assert f"feature #{samples.index_of(demo, UNIT)}" in problem.message


def test_self_intersection_names_the_crossing_point(demo: FeatureCollection) -> None:
    min_x, min_y, max_x, max_y = samples.shape_of(demo, UNIT).bounds

    (problem,) = parse_grid_map(samples.bowtie(demo, UNIT)).problems

    lon, lat = lon_lat_in(problem.message)
    assert lon == pytest.approx((min_x + max_x) / 2, abs=1e-6)
    assert lat == pytest.approx((min_y + max_y) / 2, abs=1e-6)


def test_gap_gives_the_missing_area_and_where_it_is(demo: FeatureCollection) -> None:
    missing = samples.shape_of(demo, UNIT)

    (problem,) = parse_grid_map(samples.without(demo, UNIT)).problems

    area = area_in(problem.message)
    metres_per_degree = 6_371_008.8 * math.pi / 180
    expected = missing.area * metres_per_degree**2 * math.cos(math.radians(missing.centroid.y))
    assert area == pytest.approx(expected, rel=0.01)
    assert missing.contains(Point(*lon_lat_in(problem.message)))


def test_siblings_overlapping_are_named_both(demo: FeatureCollection) -> None:
    # Grow the unit grid by itself shifted 0.002 degrees east, cut to its community: it then
    # overlaps the siblings east of it without leaving its parent or opening a gap.
    report = parse_grid_map(samples.spread_into_siblings(demo, UNIT, 0.002))

    assert report.problems
    assert {problem.kind for problem in report.problems} == {"overlap"}
    siblings = set(samples.children(demo, COMMUNITY)) - {UNIT}
    for problem in report.problems:
        assert UNIT in problem.message
        assert any(sibling in problem.message for sibling in siblings), problem.message
        assert "m²" in problem.message
        lon, lat = lon_lat_in(problem.message)
        assert samples.shape_of(demo, COMMUNITY).contains(Point(lon, lat))


def test_a_grid_shifted_onto_its_siblings_overlaps_them_and_leaves_a_gap(
    demo: FeatureCollection,
) -> None:
    report = parse_grid_map(samples.moved(demo, UNIT, 0.002))

    overlaps = [problem for problem in report.problems if problem.kind == "overlap"]
    gaps = [problem for problem in report.problems if problem.kind == "gap"]
    assert overlaps
    assert all(UNIT in problem.message for problem in overlaps)
    assert [problem.code for problem in gaps] == [COMMUNITY]
    assert {problem.kind for problem in report.problems} <= {"overlap", "gap", "outside_parent"}


def test_overlaps_and_gaps_below_the_tolerance_are_rounding() -> None:
    # Two 0.001-degree squares (about 100 m) that overlap by a 0.000001-degree strip: ~10 m².
    left = samples.feature("A", "A", 1, None, square(118.0, 27.0, 118.001001, 27.001))
    right = samples.feature("B", "B", 1, None, square(118.001, 27.0, 118.002, 27.001))
    overlapping = collection(left, right)

    strict = parse_grid_map(overlapping, tolerance_m2=1.0)
    assert kinds_and_codes(strict) == {("overlap", "A")}
    assert parse_grid_map(overlapping, tolerance_m2=50.0).ok


def test_every_problem_is_collected_not_only_the_first(demo: FeatureCollection) -> None:
    broken = samples.with_properties(demo, STREET, {"level": 4})
    broken = samples.with_vertex(broken, UNIT, [float("inf"), 27.33])
    broken = samples.with_properties(broken, "351002002001001", {"name": None})
    broken = samples.without(broken, "351002003001001")

    report = parse_grid_map(broken)

    assert kinds_and_codes(report) >= {
        ("bad_level", STREET),
        ("bad_coordinates", UNIT),
        ("missing_property", "351002002001001"),
        ("gap", "351002003001"),
    }
    assert len(report.features) == 356  # the four broken grids are left out


# -- the file as a whole -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (b"{not json", "invalid_json"),
        (b"", "invalid_json"),
        ('{"type": "FeatureCollection", "features": [{"name": "潭城"}]}'.encode("gbk"),
         "invalid_json"),
        (b"[1, 2, 3]", "not_feature_collection"),
        (b'{"type": "Feature", "properties": {}, "geometry": null}', "not_feature_collection"),
        (b'{"type": "FeatureCollection"}', "not_feature_collection"),
        (b'{"type": "FeatureCollection", "features": {}}', "not_feature_collection"),
        (b'{"type": "FeatureCollection", "features": []}', "no_features"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_feature_collection_is_refused(source: bytes, kind: str) -> None:
    report = parse_grid_map(source)

    assert not report.ok
    assert report.features == ()
    assert [(problem.kind, problem.code, problem.feature_index) for problem in report.problems] == [
        (kind, None, None)
    ]


def test_non_utf8_file_says_so() -> None:
    (problem,) = parse_grid_map('{"name": "潭城区"}'.encode("gbk")).problems
    assert "UTF-8" in problem.message


def test_nan_and_infinity_in_the_json_text_are_bad_coordinates(demo: FeatureCollection) -> None:
    text = samples.to_bytes(samples.with_vertex(demo, UNIT, [118.12, 27.33])).decode()
    for token in ("NaN", "Infinity", "-Infinity", "1e999"):
        broken = text.replace("[118.12, 27.33]", f"[{token}, 27.33]", 1)
        assert kinds_and_codes(parse_grid_map(broken)) == {("bad_coordinates", UNIT)}, token


def test_an_entry_that_is_not_a_feature_is_reported(demo: FeatureCollection) -> None:
    broken = {"type": "FeatureCollection", "features": [*demo["features"], [1, 2]]}
    report = parse_grid_map(broken)
    assert [(p.kind, p.feature_index) for p in report.problems] == [("not_feature", 360)]


# -- partial maps ------------------------------------------------------------------------------


def test_partial_map_names_parents_already_in_the_database(demo: FeatureCollection) -> None:
    units = set(samples.children(demo, COMMUNITY))
    partial = samples.only(demo, units)

    report = parse_grid_map(partial, existing_codes={COMMUNITY: 2, STREET: 1})

    assert report.ok, report.problems
    assert {feature.code for feature in report.features} == units


def test_partial_map_without_the_parents_anywhere_is_refused(demo: FeatureCollection) -> None:
    units = set(samples.children(demo, COMMUNITY))
    report = parse_grid_map(samples.only(demo, units), existing_codes={STREET: 1})
    assert kinds_and_codes(report) == {("unknown_parent", code) for code in units}


def test_partial_map_checks_the_level_of_a_parent_in_the_database(
    demo: FeatureCollection,
) -> None:
    report = parse_grid_map(samples.only(demo, {UNIT}), existing_codes={COMMUNITY: 1})
    (problem,) = report.problems
    assert (problem.kind, problem.code) == ("parent_level", UNIT)
    assert "in the database" in problem.message


def test_partial_map_with_a_parent_and_all_its_children_is_checked_in_full(
    demo: FeatureCollection,
) -> None:
    community_and_units = {COMMUNITY, *samples.children(demo, COMMUNITY)}
    partial = samples.only(demo, community_and_units)
    assert parse_grid_map(partial, existing_codes={STREET: 1}).ok

    moved = samples.moved(partial, UNIT, 1.0)
    report = parse_grid_map(moved, existing_codes={STREET: 1})
    assert kinds_and_codes(report) == {("outside_parent", UNIT), ("gap", COMMUNITY)}


# -- progress and scale ------------------------------------------------------------------------


def test_progress_counts_up_to_the_total(demo: FeatureCollection) -> None:
    calls: list[tuple[int, int]] = []

    parse_grid_map(demo, progress=lambda done, total: calls.append((done, total)))

    assert len(calls) > 4
    total = calls[-1][1]
    assert total > 0
    assert calls[-1] == (total, total)
    assert all(call_total == total for _, call_total in calls)
    done = [count for count, _ in calls]
    assert done == sorted(set(done))


def test_progress_for_a_file_without_features_is_zero_of_zero() -> None:
    calls: list[tuple[int, int]] = []
    parse_grid_map(b"not json", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 0)]


@pytest.mark.slow
def test_a_city_sized_map_validates_in_seconds() -> None:
    lattice = samples.lattice_feature_collection()  # 5,625 unit grids, 225 + 25 parents
    levels = [f["properties"]["level"] for f in lattice["features"]]
    assert levels.count(3) == 5625

    started = time.perf_counter()
    report = parse_grid_map(lattice)
    elapsed = time.perf_counter() - started
    print(f"\nlattice: {len(report.features)} grids validated in {elapsed:.2f} s")

    assert report.ok, report.problems[:5]
    assert len(report.features) == 5875
    assert elapsed < 60


@pytest.mark.slow
def test_a_city_sized_map_finds_its_one_overlap() -> None:
    lattice = samples.lattice_feature_collection()
    # One unit grid stretched a quarter of its width into its eastern neighbour.
    stretched = samples.with_geometry(
        lattice, "U010010", square(118.010, 27.010, 118.01125, 27.011)
    )

    report = parse_grid_map(stretched)

    assert kinds_and_codes(report) == {("overlap", "U010010")}
    (problem,) = report.problems
    assert "U011010" in problem.message
    overlap = shapely.box(118.011, 27.010, 118.01125, 27.011)
    assert overlap.contains(Point(*lon_lat_in(problem.message)))
