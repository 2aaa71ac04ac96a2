import math
import re
from collections import defaultdict
from itertools import combinations

import pytest
import shapely
from shapely.geometry import Polygon, shape

from app.demo.city import DemoCity, DemoGrid, build_demo_city

CODE_LENGTHS = {1: 9, 2: 12, 3: 15}
PRIORITIES = {"emergency", "urgent", "normal"}


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return build_demo_city()


@pytest.fixture(scope="module")
def shapes(city: DemoCity) -> dict[str, Polygon]:
    return {grid.code: shape(grid.boundary) for grid in city.grids}


def children_by_parent(city: DemoCity) -> dict[str, list[DemoGrid]]:
    children: dict[str, list[DemoGrid]] = defaultdict(list)
    for grid in city.grids:
        if grid.level > 1:
            assert grid.parent_code is not None
            children[grid.parent_code].append(grid)
    return children


def test_city_identity(city: DemoCity) -> None:
    assert city.name
    assert re.fullmatch(r"\d{6}", city.area_code)
    assert city.timezone == "Asia/Shanghai"


def test_grid_counts_per_level(city: DemoCity) -> None:
    levels = [grid.level for grid in city.grids]
    assert (levels.count(1), levels.count(2), levels.count(3)) == (10, 50, 300)
    children = children_by_parent(city)
    for grid in city.grids:
        expected = {1: 5, 2: 6, 3: 0}[grid.level]
        assert len(children.get(grid.code, [])) == expected, grid.code


def test_grid_codes_nest_gb_t_10114_style(city: DemoCity) -> None:
    codes = [grid.code for grid in city.grids]
    assert len(set(codes)) == len(codes)
    by_code = {grid.code: grid for grid in city.grids}
    for grid in city.grids:
        assert re.fullmatch(rf"\d{{{CODE_LENGTHS[grid.level]}}}", grid.code), grid.code
        if grid.level == 1:
            assert grid.parent_code is None
            assert grid.code.startswith(city.area_code)
        else:
            assert grid.parent_code is not None
            parent = by_code[grid.parent_code]
            assert parent.level == grid.level - 1
            assert grid.code[:-3] == parent.code


def test_parents_come_before_children(city: DemoCity) -> None:
    seen: set[str] = set()
    for grid in city.grids:
        if grid.level > 1:
            assert grid.parent_code in seen, grid.code
        seen.add(grid.code)


def test_names_are_unique_and_chinese(city: DemoCity) -> None:
    for level in (1, 2, 3):
        names = [grid.name for grid in city.grids if grid.level == level]
        assert len(set(names)) == len(names), level
    by_code = {grid.code: grid for grid in city.grids}
    for grid in city.grids:
        if grid.level == 1:
            assert grid.name.endswith(("街道", "镇", "乡")), grid.name
        elif grid.level == 2:
            assert grid.name.endswith(("社区", "村")), grid.name
        else:
            assert grid.parent_code is not None
            community = by_code[grid.parent_code].name
            assert re.fullmatch(rf"{community}第[1-6]网格", grid.name), grid.name


def test_boundaries_are_valid_geojson_polygons(city: DemoCity, shapes: dict[str, Polygon]) -> None:
    for grid in city.grids:
        assert grid.boundary["type"] == "Polygon"
        (ring,) = grid.boundary["coordinates"]
        assert ring[0] == ring[-1], grid.code
        assert all(round(value, 6) == value for point in ring for value in point)
        polygon = shapes[grid.code]
        assert polygon.geom_type == "Polygon", grid.code
        assert polygon.is_valid, grid.code
        assert not polygon.is_empty
        assert polygon.exterior.is_ccw, grid.code


def test_city_spans_a_county_sized_area(shapes: dict[str, Polygon]) -> None:
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(list(shapes.values()))
    km_per_degree = 6371.0088 * math.pi / 180
    width_km = (max_lon - min_lon) * km_per_degree * math.cos(math.radians(min_lat))
    height_km = (max_lat - min_lat) * km_per_degree
    assert 15 < width_km < 40
    assert 15 < height_km < 40
    assert 73 < min_lon < max_lon < 135
    assert 18 < min_lat < max_lat < 54


def test_children_lie_inside_and_cover_their_parent(
    city: DemoCity, shapes: dict[str, Polygon]
) -> None:
    for parent_code, children in children_by_parent(city).items():
        parent = shapes[parent_code]
        grown = parent.buffer(1e-6)
        for child in children:
            assert grown.contains(shapes[child.code]), child.code
        union = shapely.union_all([shapes[child.code] for child in children])
        assert union.area == pytest.approx(parent.area, rel=0.005), parent_code


def test_siblings_do_not_overlap(city: DemoCity, shapes: dict[str, Polygon]) -> None:
    for parent_code, children in children_by_parent(city).items():
        for first, second in combinations(children, 2):
            overlap = shapes[first.code].intersection(shapes[second.code]).area
            assert overlap < 1e-12, (parent_code, first.code, second.code)


def test_each_level_tiles_the_district_without_gaps(
    city: DemoCity, shapes: dict[str, Polygon]
) -> None:
    outline = shapely.union_all([shapes[grid.code] for grid in city.grids if grid.level == 1])
    assert outline.geom_type == "Polygon"
    for level in (1, 2, 3):
        polygons = [shapes[grid.code] for grid in city.grids if grid.level == level]
        assert shapely.coverage_is_valid(polygons), level
        assert sum(polygon.area for polygon in polygons) == pytest.approx(outline.area, rel=1e-9)


def test_central_grids_are_smaller_than_outlying_ones(
    city: DemoCity, shapes: dict[str, Polygon]
) -> None:
    units = [shapes[grid.code] for grid in city.grids if grid.level == 3]
    centre = shapely.union_all(units).centroid
    units.sort(key=lambda unit: unit.centroid.distance(centre))
    inner = sum(unit.area for unit in units[:60])
    outer = sum(unit.area for unit in units[-60:])
    assert inner * 3 < outer


def test_build_is_deterministic(city: DemoCity) -> None:
    rebuilt = build_demo_city.__wrapped__()
    assert rebuilt is not city
    assert rebuilt == city
    assert build_demo_city() is city


def test_departments(city: DemoCity) -> None:
    codes = [department.code for department in city.departments]
    assert len(codes) == 12
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z][a-z_]*", code) for code in codes)
    names = [department.name for department in city.departments]
    assert len(set(names)) == len(names)
    assert "城市管理局" in names


def test_category_tree(city: DemoCity) -> None:
    groups = [category for category in city.categories if category.parent_code is None]
    children = [category for category in city.categories if category.parent_code is not None]
    assert [group.code for group in groups] == [f"{n:02d}" for n in range(1, 11)]
    assert 45 <= len(children) <= 55
    codes = [category.code for category in city.categories]
    assert len(set(codes)) == len(codes)
    seen_groups: set[str] = set()
    department_codes = {department.code for department in city.departments}
    for category in city.categories:
        assert category.name
        assert category.default_priority in PRIORITIES
        if category.parent_code is None:
            seen_groups.add(category.code)
            continue
        assert category.parent_code in seen_groups, category.code
        assert re.fullmatch(rf"{category.parent_code}\d{{2}}", category.code)
        assert category.department_code in department_codes, category.code
    for group in groups:
        names = [child.name for child in children if child.parent_code == group.code]
        assert len(set(names)) == len(names) >= 3, group.code


def test_utilities_are_urgent_and_some_safety_matters_are_emergencies(city: DemoCity) -> None:
    by_name = {category.name: category for category in city.categories}
    utilities = by_name["供水供电供气供暖"]
    assert utilities.default_priority == "urgent"
    assert all(
        category.default_priority == "urgent"
        for category in city.categories
        if category.parent_code == utilities.code
    )
    safety = by_name["公共安全"]
    assert any(
        category.default_priority == "emergency"
        for category in city.categories
        if category.parent_code == safety.code
    )
