"""A fictional county-level district for demos and local development, built as plain data.

Nothing here touches the database: loaders and seed commands turn this data into rows.
The same call always returns the same city (fixed seeds, no clock, no global random state).
"""

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, Point, Polygon


@dataclass(frozen=True)
class DemoGrid:
    code: str
    name: str
    level: int
    parent_code: str | None
    boundary: dict[str, Any]


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str


@dataclass(frozen=True)
class DemoCategory:
    code: str
    name: str
    parent_code: str | None
    default_priority: str
    department_code: str | None


@dataclass(frozen=True)
class DemoCity:
    name: str
    area_code: str
    timezone: str
    grids: tuple[DemoGrid, ...]
    departments: tuple[DemoDepartment, ...]
    categories: tuple[DemoCategory, ...]


CITY_NAME = "建溪市潭城区"
# 3510 is no real prefecture (Fujian's run from 3501 to 3509), so the code cannot clash.
AREA_CODE = "351002"
TIMEZONE = "Asia/Shanghai"
CENTRE_LON = 118.12
CENTRE_LAT = 27.33

# Street/township order decides the kind: the nearest to the centre are urban streets.
# GB/T 10114 numbers streets 001-099, towns 100-199 and townships 200-399; at the next level
# residents' committees (communities) 001-199 and villagers' committees (villages) 200-399.
STREET_NAMES = ("潭城街道", "水南街道", "东门街道", "书坊街道", "溪东街道")
TOWN_NAMES = ("莒口镇", "将口镇", "崇雒镇")
TOWNSHIP_NAMES = ("黄坑乡", "回龙乡")
URBAN_COMMUNITY_NAMES = (
    "观前社区", "府前社区", "西门社区", "南门社区", "北门社区",
    "书院社区", "鼓楼社区", "县前社区", "红旗社区", "解放社区",
    "人民社区", "建设社区", "朝阳社区", "滨江社区", "溪南社区",
    "水东社区", "桥南社区", "长安社区", "新华社区", "和平社区",
    "文化社区", "同心社区", "福兴社区", "崇文社区", "紫阳社区",
)  # fmt: skip
VILLAGE_NAMES = (
    "长坪村", "下洋村", "上坊村", "黄墩村", "溪源村",
    "坪山村", "樟埠村", "后山村", "枫林村", "洋墩村",
    "马伏村", "东山村", "岭下村", "高桥村", "湖头村",
    "石门村", "丰乐村", "竹洲村", "梅林村", "大布村",
    "双溪村", "翠岭村",
)  # fmt: skip

DEPARTMENTS = (
    ("urban_management", "城市管理局"),
    ("public_security", "公安分局"),
    ("justice", "司法局"),
    ("ecology_environment", "生态环境局"),
    ("housing_construction", "住房和城乡建设局"),
    ("market_regulation", "市场监督管理局"),
    ("human_resources", "人力资源和社会保障局"),
    ("transport", "交通运输局"),
    ("water", "水利局"),
    ("health", "卫生健康局"),
    ("education", "教育局"),
    ("natural_resources", "自然资源局"),
)

# (group name, group priority, ((category name, priority, department code), ...)).
# Codes follow the order: group "01", its categories "0101", "0102", ...
CATEGORY_TREE: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("市容环境", "normal", (
        ("路灯损坏", "normal", "urban_management"),
        ("垃圾清运", "normal", "urban_management"),
        ("违章搭建", "normal", "urban_management"),
        ("道路破损", "normal", "housing_construction"),
        ("井盖缺失", "urgent", "urban_management"),
    )),
    ("环境保护", "normal", (
        ("噪声扰民", "normal", "ecology_environment"),
        ("大气污染", "normal", "ecology_environment"),
        ("水体污染", "normal", "ecology_environment"),
        ("餐饮油烟", "normal", "ecology_environment"),
        ("固体废物倾倒", "normal", "ecology_environment"),
    )),
    ("市场监管", "normal", (
        ("食品安全", "normal", "market_regulation"),
        ("价格违法", "normal", "market_regulation"),
        ("消费维权", "normal", "market_regulation"),
        ("虚假广告", "normal", "market_regulation"),
        ("无证经营", "normal", "market_regulation"),
    )),
    ("劳动保障", "normal", (
        ("拖欠工资", "normal", "human_resources"),
        ("社会保险", "normal", "human_resources"),
        ("劳动合同纠纷", "normal", "human_resources"),
        ("就业招聘", "normal", "human_resources"),
        ("工伤认定", "normal", "human_resources"),
    )),
    ("交通出行", "normal", (
        ("公交服务", "normal", "transport"),
        ("出租车服务", "normal", "transport"),
        ("道路拥堵", "normal", "public_security"),
        ("违规停车", "normal", "public_security"),
        ("交通设施损坏", "urgent", "transport"),
    )),
    ("供水供电供气供暖", "urgent", (
        ("停水", "urgent", "water"),
        ("水压不足", "urgent", "water"),
        # No utility company among the demo units: housing and construction oversees them.
        ("停电", "urgent", "housing_construction"),
        ("燃气供应", "urgent", "housing_construction"),
        ("供暖故障", "urgent", "housing_construction"),
    )),
    ("公共安全", "emergency", (
        ("火灾隐患", "emergency", "public_security"),
        ("燃气泄漏", "emergency", "housing_construction"),
        ("危房险情", "emergency", "housing_construction"),
        ("地质灾害隐患", "emergency", "natural_resources"),
        ("治安隐患", "urgent", "public_security"),
    )),
    ("住房物业", "normal", (
        ("物业服务", "normal", "housing_construction"),
        ("电梯故障", "urgent", "market_regulation"),
        ("房屋质量", "normal", "housing_construction"),
        ("商品房交付", "normal", "housing_construction"),
        ("维修资金", "normal", "housing_construction"),
    )),
    ("教育卫生", "normal", (
        ("学校收费", "normal", "education"),
        ("入学报名", "normal", "education"),
        ("校外培训", "normal", "education"),
        ("医疗服务", "normal", "health"),
        ("疫苗接种", "normal", "health"),
    )),
    ("社区治理", "normal", (
        ("邻里纠纷", "normal", "justice"),
        ("家庭纠纷", "normal", "justice"),
        ("高空抛物", "urgent", "public_security"),
        ("犬只扰民", "normal", "public_security"),
        ("违法占地", "normal", "natural_resources"),
    )),
)  # fmt: skip

_SEED = 35100201
COMMUNITIES_PER_STREET = 5
GRIDS_PER_COMMUNITY = 6
# Half extents of the outline before its wobble, in metres: about 25 km by 20 km in all.
_HALF_WIDTH_M = 12_500.0
_HALF_HEIGHT_M = 10_000.0
# Seed density halves this far from the centre, so central grids come out smaller.
_DENSITY_RADIUS_M = 4_000.0
_OUTLINE_VERTICES = 160
_MAX_ATTEMPTS = 200
# Reject splits that leave a child tiny or a thin sliver.
_MIN_AREA_SHARE = 0.2
_MIN_COMPACTNESS = 0.3
# 6 decimals of a degree, about 0.1 m: the precision every coordinate is snapped to.
_GRID_SIZE = 1e-6
_METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180


@cache
def build_demo_city() -> DemoCity:
    """Build the demo district: 10 streets/townships, 50 communities/villages, 300 unit grids.

    Grids come parents first; each level tiles its parent exactly (shared vertices, no gaps, no
    overlaps), every boundary is one valid counter-clockwise WGS-84 polygon with 6 decimals.
    The result is cached and must be treated as read-only.
    """
    return DemoCity(
        name=CITY_NAME,
        area_code=AREA_CODE,
        timezone=TIMEZONE,
        grids=_build_grids(),
        departments=tuple(DemoDepartment(code, name) for code, name in DEPARTMENTS),
        categories=_build_categories(),
    )


def _build_categories() -> tuple[DemoCategory, ...]:
    categories: list[DemoCategory] = []
    for group_index, (group_name, group_priority, children) in enumerate(CATEGORY_TREE, 1):
        group_code = f"{group_index:02d}"
        categories.append(DemoCategory(group_code, group_name, None, group_priority, None))
        for child_index, (name, priority, department) in enumerate(children, 1):
            code = f"{group_code}{child_index:02d}"
            categories.append(DemoCategory(code, name, group_code, priority, department))
    return tuple(categories)


@dataclass(frozen=True)
class _Area:
    """One grid while it is built, in local metres (x east, y north of the centre)."""

    code: str
    name: str
    level: int
    parent_code: str | None
    shape: Polygon


def _build_grids() -> tuple[DemoGrid, ...]:
    streets = _street_areas(_outline())
    communities = [area for street in streets for area in _community_areas(street)]
    units = [area for community in communities for area in _unit_areas(community)]
    unit_shapes = _snap_to_shared_vertices(units)
    shapes = _merge_upwards(unit_shapes, communities, streets)
    return tuple(
        DemoGrid(area.code, area.name, area.level, area.parent_code, _geojson(shapes[area.code]))
        for area in (*streets, *communities, *units)
    )


def _outline() -> Polygon:
    """An irregular, star-shaped district outline: an ellipse with a few random bulges."""
    rng = random.Random(f"{_SEED}:outline")
    bulges = [
        (k, rng.uniform(0.02, 0.07) / math.sqrt(k), rng.uniform(0, 2 * math.pi))
        for k in range(2, 8)
    ]
    points = []
    for i in range(_OUTLINE_VERTICES):
        angle = 2 * math.pi * i / _OUTLINE_VERTICES
        radius = 1 + sum(a * math.sin(k * angle + p) for k, a, p in bulges)
        radius += rng.uniform(-0.01, 0.01)
        points.append(
            (_HALF_WIDTH_M * radius * math.cos(angle), _HALF_HEIGHT_M * radius * math.sin(angle))
        )
    return Polygon(points)


def _street_areas(outline: Polygon) -> list[_Area]:
    names = (*STREET_NAMES, *TOWN_NAMES, *TOWNSHIP_NAMES)
    shapes = _split(outline, len(names), "streets", _street_seeds)
    numbers = [
        *range(1, len(STREET_NAMES) + 1),
        *range(101, len(TOWN_NAMES) + 101),
        *range(201, len(TOWNSHIP_NAMES) + 201),
    ]
    return [
        _Area(f"{AREA_CODE}{number:03d}", name, 1, None, shape)
        for number, name, shape in zip(numbers, names, shapes, strict=True)
    ]


def _community_areas(street: _Area) -> list[_Area]:
    shapes = _split(street.shape, COMMUNITIES_PER_STREET, street.code)
    street_index = int(street.code[-3:])
    if street.name.endswith("街道"):
        first = (street_index - 1) * COMMUNITIES_PER_STREET
        names = URBAN_COMMUNITY_NAMES[first : first + COMMUNITIES_PER_STREET]
        numbers = list(range(1, COMMUNITIES_PER_STREET + 1))
    else:
        villages_before = _villages_before(street.name)
        village_count = COMMUNITIES_PER_STREET
        seat: tuple[str, ...] = ()
        if street.name.endswith("镇"):  # a town's seat is a community, the rest are villages
            village_count -= 1
            seat = (street.name.removesuffix("镇") + "社区",)
        villages = VILLAGE_NAMES[villages_before : villages_before + village_count]
        names = (*seat, *villages)
        numbers = [*range(1, len(seat) + 1), *range(201, village_count + 201)]
    return [
        _Area(f"{street.code}{number:03d}", name, 2, street.code, shape)
        for number, name, shape in zip(numbers, names, shapes, strict=True)
    ]


def _villages_before(street_name: str) -> int:
    """How many village names the towns and townships listed before this one use."""
    count = 0
    for name in (*TOWN_NAMES, *TOWNSHIP_NAMES):
        if name == street_name:
            return count
        count += COMMUNITIES_PER_STREET - (1 if name.endswith("镇") else 0)
    raise ValueError(f"not a town or township: {street_name}")


def _unit_areas(community: _Area) -> list[_Area]:
    shapes = _split(community.shape, GRIDS_PER_COMMUNITY, community.code)
    return [
        _Area(f"{community.code}{n:03d}", f"{community.name}第{n}网格", 3, community.code, shape)
        for n, shape in enumerate(shapes, 1)
    ]


_SeedSampler = Callable[[Polygon, int, random.Random], list[tuple[float, float]] | None]


def _split(
    parent: Polygon, count: int, key: str, sampler: _SeedSampler | None = None
) -> list[Polygon]:
    """Split a polygon into Voronoi cells of random seeds, nearest to the centre first.

    Retries with fresh seeds until every cell is one compact polygon of a fair size.
    """
    for attempt in range(_MAX_ATTEMPTS):
        rng = random.Random(f"{_SEED}:{key}:{attempt}")
        seeds = (sampler or _sample_seeds)(parent, count, rng)
        if seeds is None:
            continue
        cells = _clip_cells(parent, seeds)
        if cells is not None:
            order = sorted(range(count), key=lambda i: math.hypot(*seeds[i]))
            return [cells[i] for i in order]
    raise RuntimeError(f"could not split {key} into {count} grids")


def _density(x: float, y: float) -> float:
    return 1 / (1 + (math.hypot(x, y) / _DENSITY_RADIUS_M) ** 2)


def _street_seeds(
    outline: Polygon, count: int, rng: random.Random
) -> list[tuple[float, float]] | None:
    """An old town in the middle, a ring of urban streets around it, towns further out."""
    inner = len(STREET_NAMES) - 1
    outer = count - 1 - inner
    rings = [(1, 0.0, 0.05), (inner, 0.3, 0.05), (outer, 0.72, 0.06)]
    seeds: list[tuple[float, float]] = []
    for ring_count, radius, wobble in rings:
        turn = rng.uniform(0, 2 * math.pi)
        for i in range(ring_count):
            angle = turn + 2 * math.pi * (i + rng.uniform(-0.15, 0.15)) / ring_count
            r = radius + rng.uniform(-wobble, wobble)
            seeds.append(
                (_HALF_WIDTH_M * r * math.cos(angle), _HALF_HEIGHT_M * r * math.sin(angle))
            )
    if not all(outline.contains(Point(seed)) for seed in seeds):
        return None
    return seeds


def _sample_seeds(
    parent: Polygon, count: int, rng: random.Random
) -> list[tuple[float, float]] | None:
    min_x, min_y, max_x, max_y = parent.bounds
    min_gap = 0.3 * math.sqrt(parent.area / count)
    seeds: list[tuple[float, float]] = []
    for _ in range(1000 * count):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if rng.random() > _density(x, y) or not parent.contains(Point(x, y)):
            continue
        if all(math.hypot(x - sx, y - sy) >= min_gap for sx, sy in seeds):
            seeds.append((x, y))
            if len(seeds) == count:
                return seeds
    return None


def _clip_cells(parent: Polygon, seeds: list[tuple[float, float]]) -> list[Polygon] | None:
    """The Voronoi cells of the seeds cut to the parent, in seed order; None if one is poor."""
    extent = parent.envelope.buffer(math.sqrt(parent.area))
    diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=extent, ordered=True)
    fair_area = parent.area / len(seeds)
    cells: list[Polygon] = []
    for cell in diagram.geoms:
        piece = cell.intersection(parent)
        if not isinstance(piece, Polygon) or piece.area < _MIN_AREA_SHARE * fair_area:
            return None
        if 4 * math.pi * piece.area / piece.length**2 < _MIN_COMPACTNESS:
            return None
        cells.append(piece)
    return cells


def _to_degrees(shape: Polygon) -> Polygon:
    """Local metres to WGS-84 degrees (equirectangular: exact enough across 25 km)."""
    x_scale = 1 / (_METRES_PER_DEGREE * math.cos(math.radians(CENTRE_LAT)))
    y_scale = 1 / _METRES_PER_DEGREE
    matrix = [x_scale, 0, 0, y_scale, CENTRE_LON, CENTRE_LAT]
    result: Polygon = affinity.affine_transform(shape, matrix)
    return result


def _snap_to_shared_vertices(units: list[_Area]) -> dict[str, Polygon]:
    """Unit-grid polygons in degrees, snapped to the 6-decimal grid as one coverage.

    Clipping cuts each polygon on its own, so neighbours' float vertices can disagree in the
    last bits and a node on one side may be missing on the other. Noding all boundaries in one
    snap-rounding pass and polygonizing the result gives faces that share every vertex.
    """
    shapes = [_to_degrees(unit.shape) for unit in units]
    linework = shapely.union_all([shape.exterior for shape in shapes], grid_size=_GRID_SIZE)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    owners = shapely.STRtree(shapes).query(shapely.point_on_surface(faces), predicate="within")
    faces_by_unit: dict[int, list[Polygon]] = defaultdict(list)
    for face_index, unit_index in zip(*owners, strict=True):
        faces_by_unit[int(unit_index)].append(faces[face_index])
    if sorted(owners[0].tolist()) != list(range(len(faces))) or len(faces_by_unit) != len(units):
        raise RuntimeError("snapping the unit grids to 6 decimals lost a face")
    return {
        unit.code: _single_polygon(shapely.coverage_union_all(faces_by_unit[index]), unit.code)
        for index, unit in enumerate(units)
    }


def _merge_upwards(
    shapes: dict[str, Polygon], communities: list[_Area], streets: list[_Area]
) -> dict[str, Polygon]:
    """Each parent is the exact union of its children, so the levels nest without slivers."""
    merged = dict(shapes)
    for parents in (communities, streets):
        children: dict[str, list[Polygon]] = defaultdict(list)
        for code, shape in merged.items():
            children[code[:-3]].append(shape)
        for parent in parents:
            union = shapely.coverage_union_all(children[parent.code])
            merged[parent.code] = _single_polygon(union, parent.code)
    return merged


def _single_polygon(shape: Any, code: str) -> Polygon:
    if not isinstance(shape, Polygon) or not shape.is_valid or shape.interiors:
        raise RuntimeError(f"grid {code} is not one simple valid polygon")
    return shape


def _geojson(shape: Polygon) -> dict[str, Any]:
    """A GeoJSON Polygon, counter-clockwise, rounded to 6 decimals (snapping made them so)."""
    ring = shapely.orient_polygons(shape).exterior.coords
    return {
        "type": "Polygon",
        "coordinates": [[[round(lon, 6), round(lat, 6)] for lon, lat in ring]],
    }
