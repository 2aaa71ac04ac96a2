"""Grid maps as GeoJSON for tests: the demo city, broken variants of a map, a large lattice.

Every function returns a new collection and leaves its argument untouched.
"""

import copy
import json
from typing import Any

import shapely
from shapely import affinity
from shapely.geometry import shape

from app.demo.city import build_demo_city
from app.demo.seed import demo_grid_map

FeatureCollection = dict[str, Any]


def demo_feature_collection() -> FeatureCollection:
    """The demo city's 360 grids (10 streets, 50 communities, 300 unit grids), parents first."""
    return copy.deepcopy(demo_grid_map(build_demo_city()))


def feature(
    code: str, name: str, level: int, parent_code: str | None, geometry: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code},
        "geometry": copy.deepcopy(geometry),
    }


def codes(collection: FeatureCollection, *, level: int | None = None) -> list[str]:
    return [
        f["properties"]["code"]
        for f in collection["features"]
        if level is None or f["properties"]["level"] == level
    ]


def children(collection: FeatureCollection, parent_code: str) -> list[str]:
    return [
        f["properties"]["code"]
        for f in collection["features"]
        if f["properties"]["parent_code"] == parent_code
    ]


def properties_of(collection: FeatureCollection, code: str) -> dict[str, Any]:
    return dict(_find(collection, code)["properties"])


def shape_of(collection: FeatureCollection, code: str) -> Any:
    return shape(_find(collection, code)["geometry"])


def index_of(collection: FeatureCollection, code: str) -> int:
    return codes(collection).index(code)


def only(collection: FeatureCollection, keep: set[str]) -> FeatureCollection:
    """A partial map: only the features with these codes."""
    return {
        "type": "FeatureCollection",
        "features": [
            copy.deepcopy(f) for f in collection["features"] if f["properties"]["code"] in keep
        ],
    }


def without(collection: FeatureCollection, code: str) -> FeatureCollection:
    """A map missing one grid: its parent has a hole where it was."""
    return only(collection, set(codes(collection)) - {code})


def with_properties(
    collection: FeatureCollection, code: str, changes: dict[str, Any]
) -> FeatureCollection:
    """Change one grid's properties; a value of REMOVE deletes the property."""
    result = copy.deepcopy(collection)
    properties = _find(result, code)["properties"]
    for key, value in changes.items():
        if value is REMOVE:
            del properties[key]
        else:
            properties[key] = value
    return result


REMOVE = object()


def with_feature_keys(
    collection: FeatureCollection, code: str, changes: dict[str, Any]
) -> FeatureCollection:
    """Change one feature's own members ("type", "properties", "geometry")."""
    result = copy.deepcopy(collection)
    target = _find(result, code)
    for key, value in changes.items():
        if value is REMOVE:
            del target[key]
        else:
            target[key] = value
    return result


def with_geometry(
    collection: FeatureCollection, code: str, geometry: dict[str, Any] | None
) -> FeatureCollection:
    result = copy.deepcopy(collection)
    _find(result, code)["geometry"] = copy.deepcopy(geometry)
    return result


def with_vertex(
    collection: FeatureCollection, code: str, position: list[Any], index: int = 1
) -> FeatureCollection:
    """Replace one vertex of a grid's outer ring (not the closing one)."""
    result = copy.deepcopy(collection)
    _find(result, code)["geometry"]["coordinates"][0][index] = position
    return result


def bowtie(collection: FeatureCollection, code: str) -> FeatureCollection:
    """The grid's boundary becomes a bow-tie over its bounding box, crossing at the box centre."""
    min_x, min_y, max_x, max_y = shape_of(collection, code).bounds
    ring = [[min_x, min_y], [max_x, max_y], [max_x, min_y], [min_x, max_y], [min_x, min_y]]
    return with_geometry(collection, code, {"type": "Polygon", "coordinates": [ring]})


def moved(
    collection: FeatureCollection, code: str, dlon: float, dlat: float = 0.0
) -> FeatureCollection:
    """The grid shifted by (dlon, dlat) degrees."""
    return with_geometry(
        collection, code, _geojson(affinity.translate(shape_of(collection, code), dlon, dlat))
    )


def spread_into_siblings(
    collection: FeatureCollection, code: str, dlon: float = 0.002
) -> FeatureCollection:
    """The grid grows by a copy of itself shifted dlon degrees east, cut to its parent.

    It then overlaps the siblings east of it, but stays inside its parent and leaves no gap.
    """
    own = shape_of(collection, code)
    parent = shape_of(collection, properties_of(collection, code)["parent_code"])
    grown = shapely.intersection(shapely.union(own, affinity.translate(own, dlon, 0.0)), parent)
    return with_geometry(collection, code, _geojson(grown))


def lattice_feature_collection(
    size: int = 75,
    community_block: int = 5,
    street_block: int = 3,
    step: float = 0.001,
    origin: tuple[float, float] = (118.0, 27.0),
) -> FeatureCollection:
    """A size x size lattice of square unit grids under square communities and streets.

    The defaults give 5,625 unit grids (about 100 m square), 225 communities of 5 x 5 and 25
    streets of 3 x 3 communities: 5,875 features, the size of a prefecture-level city's map.
    """
    lon0, lat0 = origin

    def square(col: int, row: int, span: int) -> dict[str, Any]:
        x0, y0 = round(lon0 + col * step, 6), round(lat0 + row * step, 6)
        x1, y1 = round(lon0 + (col + span) * step, 6), round(lat0 + (row + span) * step, 6)
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        return {"type": "Polygon", "coordinates": [ring]}

    street_span = community_block * street_block

    def block_code(prefix: str, col: int, row: int, span: int) -> str:
        return f"{prefix}{col // span * span:03d}{row // span * span:03d}"

    features: list[dict[str, Any]] = []
    for col in range(0, size, street_span):
        for row in range(0, size, street_span):
            street = block_code("S", col, row, street_span)
            geometry = square(col, row, street_span)
            features.append(feature(street, f"Street {street}", 1, None, geometry))
    for col in range(0, size, community_block):
        for row in range(0, size, community_block):
            street = block_code("S", col, row, street_span)
            community = block_code("C", col, row, community_block)
            geometry = square(col, row, community_block)
            features.append(feature(community, f"Community {community}", 2, street, geometry))
    for col in range(size):
        for row in range(size):
            community = block_code("C", col, row, community_block)
            unit = block_code("U", col, row, 1)
            features.append(feature(unit, f"Grid {unit}", 3, community, square(col, row, 1)))
    return {"type": "FeatureCollection", "features": features}


def to_bytes(collection: FeatureCollection) -> bytes:
    return json.dumps(collection, ensure_ascii=False).encode()


def _find(collection: FeatureCollection, code: str) -> dict[str, Any]:
    for f in collection["features"]:
        if (f.get("properties") or {}).get("code") == code:
            result: dict[str, Any] = f
            return result
    raise KeyError(code)


def _geojson(geometry: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return result
