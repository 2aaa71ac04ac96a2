"""Read and check a grid map: a GeoJSON FeatureCollection of streets, communities and unit grids.

Pure: no database and no HTTP. The caller hands over the file (or its parsed JSON) and the codes
already in the database; it gets back the parsed grids, parents first, and every problem found.
A report with any problem is not `ok`, and the caller must then write nothing.

Each feature carries `properties` {"code", "name", "level" (1, 2 or 3), "parent_code" (a code or
null)} and a Polygon or MultiPolygon geometry in longitude, latitude order (RFC 7946). The
coordinate system (WGS-84, GCJ-02 or BD-09) is the caller's business: all three are degrees.

Areas are in square metres, from an equirectangular projection centred on each measured shape:
x = lon * 111,320 * cos(lat0), y = lat * 110,540, with lat0 the latitude of the shape's centroid.
The projection is linear, so it only scales areas measured in square degrees; across a district
(tens of kilometres) it is within a fraction of a percent of the ellipsoidal area, which is
plenty to tell a rounding sliver from a real overlap or gap.

Tolerances apply per connected piece: an overlap, gap or overhang made of pieces each smaller
than `tolerance_m2` is rounding and not reported; the pieces above it are summed in the message.
"""

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

LEVELS = (1, 2, 3)
LEVEL_NAMES = {1: "street/township", 2: "community/village", 3: "unit grid"}
# The grid table's column sizes (app.units.models.Grid): longer values could not be stored.
MAX_CODE_LENGTH = 32
MAX_NAME_LENGTH = 100

_METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320.0
_METRES_PER_DEGREE_LAT = 110_540.0
# Spatial checks run in chunks so that a progress bar moves during a large level.
_CHUNK = 256
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_VALIDITY_REASON = re.compile(r"^(?P<reason>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")


@dataclass(frozen=True)
class GridFeature:
    code: str
    name: str
    level: int
    parent_code: str | None
    # The GeoJSON geometry, normalised: lists only, [lon, lat] floats (any altitude dropped),
    # every ring closed. Ring orientation is kept as drawn.
    geometry: dict[str, Any]


@dataclass(frozen=True)
class Problem:
    code: str | None  # the grid the problem concerns; None for problems with the whole file
    feature_index: int | None  # position in the "features" array
    kind: str  # machine-readable, one of PROBLEM_KINDS
    message: str  # for an administrator: which grids, what is wrong and where


@dataclass(frozen=True)
class GridMapReport:
    features: tuple[GridFeature, ...]  # parents first (level, then code)
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


PROBLEM_KINDS = frozenset(
    {
        # the file
        "invalid_json",
        "not_feature_collection",
        "no_features",
        # one feature's properties
        "not_feature",
        "missing_property",
        "bad_property",
        "bad_level",
        "duplicate_code",
        # one feature's geometry
        "missing_geometry",
        "unsupported_geometry",
        "invalid_geometry",
        "bad_coordinates",
        "empty_geometry",
        "self_intersection",
        # the hierarchy
        "unexpected_parent",
        "missing_parent",
        "unknown_parent",
        "parent_level",
        # the shapes together
        "outside_parent",
        "overlap",
        "gap",
    }
)


def parse_grid_map(
    source: bytes | str | dict[str, Any],
    *,
    existing_codes: Mapping[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    tolerance_m2: float = 1.0,
) -> GridMapReport:
    """Parse a grid map and check everything that can be checked, collecting every problem.

    `existing_codes` maps the codes already in the database to their levels, so that a partial
    file may name parents it does not carry; a code in the file takes precedence over the same
    code in the database. Containment is checked when the parent is in the file. Coverage (no
    gap) is checked for each parent in the file against the children in the file that name it,
    when there is at least one: a file that redraws a parent and any of its children must carry
    all of them. `progress(done, total)` is called with increasing `done`, ending at
    `(total, total)`; `total` is 0 when the file holds no features.

    `features` holds every feature that parsed completely, parents first (level, then code);
    the report is `ok` only when there is at least one feature and no problem at all.
    """
    return _Validation(existing_codes or {}, progress, tolerance_m2).run(source)


@dataclass
class _Entry:
    """One feature while it is checked. `shape` is None when the geometry is unusable."""

    index: int
    code: str | None = None
    name: str | None = None
    level: int | None = None
    parent_code: str | None = None
    parent_unreadable: bool = False
    properties_ok: bool = True
    geometry: dict[str, Any] | None = None
    shape: Any = None
    geometry_failed: bool = False

    @property
    def where(self) -> str:
        if self.code is None:
            return f"feature #{self.index}"
        return f"grid {self.code} (feature #{self.index})"


class _GeometryError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class _Validation:
    existing_codes: Mapping[str, int]
    progress: Callable[[int, int], None] | None
    tolerance_m2: float
    problems: list[Problem] = field(default_factory=list)
    _reported: int = -1
    _total: int = 0

    def run(self, source: bytes | str | dict[str, Any]) -> GridMapReport:
        raw_features = self._load(source)
        if raw_features is None:
            self._report_progress(0, force=True)
            return GridMapReport((), tuple(self.problems))
        count = len(raw_features)
        # Four passes over the features: each, its hierarchy and containment, overlaps, gaps.
        self._total = 4 * count
        entries = [self._parse_feature(index, raw) for index, raw in enumerate(raw_features)]
        self._report_progress(count)
        self._check_duplicates(entries)
        first_by_code = _first_by_code(entries)
        self._check_hierarchy(entries, first_by_code, done_before=count)
        self._check_overlaps(entries, done_before=2 * count)
        self._check_gaps(entries, first_by_code, done_before=3 * count)
        self._report_progress(self._total, force=True)
        return GridMapReport(_complete_features(entries), tuple(self.problems))

    # -- bookkeeping -------------------------------------------------------------------------

    def _problem(self, entry: _Entry | None, kind: str, message: str) -> None:
        assert kind in PROBLEM_KINDS, kind
        code = entry.code if entry is not None else None
        index = entry.index if entry is not None else None
        self.problems.append(Problem(code, index, kind, message))

    def _report_progress(self, done: int, *, force: bool = False) -> None:
        if self.progress is None or done <= self._reported:
            return
        step = max(1, self._total // 200)
        if force or done >= self._total or done - self._reported >= step:
            self._reported = done
            self.progress(done, self._total)

    # -- the file ----------------------------------------------------------------------------

    def _load(self, source: bytes | str | dict[str, Any]) -> list[Any] | None:
        document: Any = source
        if isinstance(source, bytes | str):
            try:
                text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
            except UnicodeDecodeError as error:
                self._problem(
                    None,
                    "invalid_json",
                    f"the file is not UTF-8 text (byte 0x{source[error.start]:02x} at offset "
                    f"{error.start}); GeoJSON must be saved as UTF-8, not GBK or GB18030",
                )
                return None
            try:
                document = json.loads(text.removeprefix("\ufeff"))
            except json.JSONDecodeError as error:
                self._problem(
                    None,
                    "invalid_json",
                    f"the file is not valid JSON: {error.msg} at line {error.lineno}, "
                    f"column {error.colno}",
                )
                return None
            except RecursionError:
                self._problem(None, "invalid_json", "the file's JSON is nested too deeply")
                return None
        if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
            found = document.get("type") if isinstance(document, dict) else _json_type(document)
            self._problem(
                None,
                "not_feature_collection",
                f'the file must be a GeoJSON object with "type": "FeatureCollection", '
                f"found {found!r}",
            )
            return None
        features = document.get("features")
        if not isinstance(features, list):
            self._problem(
                None,
                "not_feature_collection",
                f'the FeatureCollection must have a "features" array, found {_json_type(features)}',
            )
            return None
        if not features:
            self._problem(None, "no_features", "the FeatureCollection has no features")
            return None
        return features

    # -- one feature -------------------------------------------------------------------------

    def _parse_feature(self, index: int, raw: Any) -> _Entry:
        entry = _Entry(index)
        if not isinstance(raw, dict):
            entry.properties_ok = False
            entry.geometry_failed = True
            self._problem(
                entry,
                "not_feature",
                f"feature #{index} is {_json_type(raw)}, not a GeoJSON Feature object",
            )
            self._report_progress(index + 1)
            return entry
        self._parse_properties(entry, raw.get("properties"))
        if raw.get("type") != "Feature":
            self._problem(
                entry,
                "not_feature",
                f'{entry.where} must have "type": "Feature", found {raw.get("type")!r}',
            )
        self._parse_geometry(entry, raw.get("geometry"))
        self._report_progress(index + 1)
        return entry

    def _parse_properties(self, entry: _Entry, properties: Any) -> None:
        if properties is None:
            entry.properties_ok = False
            self._problem(
                entry,
                "missing_property",
                f"{entry.where} has no properties: it needs code, name, level and parent_code",
            )
            return
        if not isinstance(properties, dict):
            entry.properties_ok = False
            self._problem(
                entry,
                "bad_property",
                f"{entry.where}: properties must be an object, found {_json_type(properties)}",
            )
            return
        entry.code = self._text_property(entry, properties, "code", MAX_CODE_LENGTH, strip=False)
        entry.name = self._text_property(entry, properties, "name", MAX_NAME_LENGTH, strip=True)
        entry.level = self._level_property(entry, properties)
        entry.parent_code = self._parent_property(entry, properties)

    def _text_property(
        self, entry: _Entry, properties: dict[str, Any], key: str, max_length: int, *, strip: bool
    ) -> str | None:
        value = properties.get(key)
        if value is not None and not isinstance(value, str):
            entry.properties_ok = False
            self._problem(
                entry,
                "bad_property",
                f"{entry.where}: {key} must be a string, found {_json_type(value)} {value!r}",
            )
            return None
        if value is None or not value.strip():
            entry.properties_ok = False
            self._problem(entry, "missing_property", f"{entry.where} has no {key} (or it is blank)")
            return None
        if strip:
            value = value.strip()
        if value != value.strip() or _CONTROL_CHARACTERS.search(value):
            entry.properties_ok = False
            self._problem(
                entry,
                "bad_property",
                f"{entry.where}: {key} {value!r} has spaces at its ends or control characters",
            )
            return None
        if len(value) > max_length:
            entry.properties_ok = False
            self._problem(
                entry,
                "bad_property",
                f"{entry.where}: {key} {value!r} is longer than {max_length} characters",
            )
            return None
        return value

    def _level_property(self, entry: _Entry, properties: dict[str, Any]) -> int | None:
        value = properties.get("level")
        if value is None:
            entry.properties_ok = False
            self._problem(
                entry,
                "missing_property",
                f"{entry.where} has no level (1 street/township, 2 community/village, 3 unit grid)",
            )
            return None
        # Some GIS exports write integer fields as 3.0: accept whole numbers of either type.
        if (
            not isinstance(value, bool)
            and isinstance(value, int | float)
            and value in LEVELS
            and float(value).is_integer()
        ):
            return int(value)
        entry.properties_ok = False
        self._problem(
            entry,
            "bad_level",
            f"{entry.where}: level must be the number 1 (street/township), 2 (community/village) "
            f"or 3 (unit grid), found {value!r}",
        )
        return None

    def _parent_property(self, entry: _Entry, properties: dict[str, Any]) -> str | None:
        value = properties.get("parent_code")
        # Shapefile conversions often write an empty string for a null attribute.
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            entry.properties_ok = False
            entry.parent_unreadable = True
            self._problem(
                entry,
                "bad_property",
                f"{entry.where}: parent_code must be a string or null, "
                f"found {_json_type(value)} {value!r}",
            )
            return None
        return value

    def _parse_geometry(self, entry: _Entry, geometry: Any) -> None:
        try:
            entry.geometry, entry.shape = _read_geometry(geometry)
        except _GeometryError as error:
            entry.geometry_failed = True
            self._problem(entry, error.kind, f"{entry.where}: {error.message}")
            return
        reason = shapely.is_valid_reason(entry.shape)
        if reason == "Valid Geometry":
            return
        entry.geometry_failed = True
        entry.shape = None
        self._problem(entry, *_validity_problem(reason, entry.where))

    # -- the features together ---------------------------------------------------------------

    def _check_duplicates(self, entries: list[_Entry]) -> None:
        seen: dict[str, _Entry] = {}
        for entry in entries:
            if entry.code is None:
                continue
            first = seen.setdefault(entry.code, entry)
            if first is not entry:
                self._problem(
                    entry,
                    "duplicate_code",
                    f"{entry.where}: code {entry.code} is already used by feature #{first.index}; "
                    "every grid needs its own code",
                )

    def _check_hierarchy(
        self, entries: list[_Entry], first_by_code: dict[str, _Entry], *, done_before: int
    ) -> None:
        for entry in entries:
            parent = self._check_parent(entry, first_by_code)
            if parent is not None and entry.shape is not None and parent.shape is not None:
                self._check_inside(entry, parent)
            self._report_progress(done_before + entry.index + 1)

    def _check_parent(self, entry: _Entry, first_by_code: dict[str, _Entry]) -> _Entry | None:
        """Report hierarchy problems; return the parent's entry when it is in the file."""
        if entry.level is None or entry.parent_unreadable:
            return None
        if entry.level == 1:
            if entry.parent_code is not None:
                self._problem(
                    entry,
                    "unexpected_parent",
                    f"{entry.where} is a level-1 street/township but names parent "
                    f"{entry.parent_code}; level-1 grids have no parent (parent_code null)",
                )
            return None
        expected = entry.level - 1
        if entry.parent_code is None:
            self._problem(
                entry,
                "missing_parent",
                f"{entry.where} is a level-{entry.level} {LEVEL_NAMES[entry.level]} without "
                f"parent_code; it needs the code of its level-{expected} "
                f"{LEVEL_NAMES[expected]}",
            )
            return None
        parent = first_by_code.get(entry.parent_code)
        if parent is not None:
            parent_level, where = parent.level, "in the file"
        elif entry.parent_code in self.existing_codes:
            parent_level, where = self.existing_codes[entry.parent_code], "in the database"
        else:
            self._problem(
                entry,
                "unknown_parent",
                f"{entry.where} names parent {entry.parent_code}, which is neither in the file "
                "nor among the grids already loaded",
            )
            return None
        if parent_level is not None and parent_level != expected:
            self._problem(
                entry,
                "parent_level",
                f"{entry.where} is level {entry.level} but its parent {entry.parent_code} "
                f"({where}) is level {parent_level}; a level-{entry.level} grid's parent must "
                f"be a level-{expected} {LEVEL_NAMES[expected]}",
            )
        return parent

    def _check_inside(self, child: _Entry, parent: _Entry) -> None:
        shapely.prepare(parent.shape)
        if shapely.contains(parent.shape, child.shape):
            return
        pieces = self._pieces_over_tolerance(shapely.difference(child.shape, parent.shape))
        if pieces:
            self._problem(
                child,
                "outside_parent",
                f"{child.where} reaches outside its parent {parent.code}: "
                f"{_describe_pieces(pieces)} lie outside",
            )

    def _check_overlaps(self, entries: list[_Entry], *, done_before: int) -> None:
        done = done_before
        for level in LEVELS:
            members = [e for e in entries if e.level == level and e.shape is not None]
            if members:
                shapes = np.array([e.shape for e in members], dtype=object)
                tree = shapely.STRtree(shapes)
                for start in range(0, len(members), _CHUNK):
                    self._overlaps_in_chunk(members, shapes, tree, start)
                    done += min(_CHUNK, len(members) - start)
                    self._report_progress(done)
        self._report_progress(done_before + len(entries))

    def _overlaps_in_chunk(self, members: list[_Entry], shapes: Any, tree: Any, start: int) -> None:
        left, right = tree.query(shapes[start : start + _CHUNK], predicate="intersects")
        left = left + start
        keep = left < right
        left, right = left[keep], right[keep]
        if not len(left):
            return
        shared = shapely.intersection(shapes[left], shapes[right])
        # Square degrees to square metres can only shrink them: skip what cannot reach it.
        upper_bound_m2 = (
            shapely.area(shared) * _METRES_PER_DEGREE_LON_AT_EQUATOR * _METRES_PER_DEGREE_LAT
        )
        for i in np.flatnonzero(upper_bound_m2 >= max(self.tolerance_m2, 1e-9)):
            pieces = self._pieces_over_tolerance(shared[i])
            if not pieces:
                continue
            first, second = sorted((members[left[i]], members[right[i]]), key=lambda e: e.index)
            self._problem(
                first,
                "overlap",
                f"level-{first.level} grids {first.code} (feature #{first.index}) and "
                f"{second.code} (feature #{second.index}) overlap: {_describe_pieces(pieces)} "
                "belong to both",
            )

    def _check_gaps(
        self, entries: list[_Entry], first_by_code: dict[str, _Entry], *, done_before: int
    ) -> None:
        children: dict[str, list[_Entry]] = defaultdict(list)
        for entry in entries:
            if entry.parent_code is not None:
                children[entry.parent_code].append(entry)
        for entry in entries:
            kids = [
                kid
                for kid in children.get(entry.code or "", [])
                if kid.level is None or kid.level == (entry.level or 0) + 1
            ]
            if (
                kids
                and entry.level in (1, 2)
                and first_by_code.get(entry.code or "") is entry
                and entry.shape is not None
                # A child whose geometry could not be read has its own problem already;
                # the hole it leaves would only repeat it.
                and not any(kid.geometry_failed for kid in kids)
            ):
                self._check_covered(entry, kids)
            self._report_progress(done_before + entry.index + 1)

    def _check_covered(self, parent: _Entry, children: list[_Entry]) -> None:
        covered = shapely.union_all([child.shape for child in children])
        uncovered = shapely.difference(parent.shape, covered)
        for area_m2, point in self._pieces_over_tolerance(uncovered):
            self._problem(
                parent,
                "gap",
                f"{parent.where} is not covered by its {len(children)} children: "
                f"{area_m2:,.1f} m² around {_lon_lat(point)} belong to none of them",
            )

    def _pieces_over_tolerance(self, geometry: Any) -> list[tuple[float, Any]]:
        """The polygonal pieces of a geometry at or above the tolerance: (m², a point inside)."""
        # Twice: an overlay may return a GeometryCollection that holds a MultiPolygon.
        parts = shapely.get_parts(shapely.get_parts(geometry))
        polygons = parts[
            (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & ~shapely.is_empty(parts)
        ]
        if not len(polygons):
            return []
        areas = _area_m2(polygons)
        keep = (areas >= self.tolerance_m2) & (areas > 0)
        points = shapely.point_on_surface(polygons[keep])
        pieces = [(float(area), point) for area, point in zip(areas[keep], points, strict=True)]
        return sorted(pieces, key=lambda piece: -piece[0])


def _read_geometry(geometry: Any) -> tuple[dict[str, Any], Any]:
    """The normalised GeoJSON geometry and its shapely shape, or a _GeometryError."""
    if geometry is None:
        raise _GeometryError(
            "missing_geometry", "the feature has no geometry; it needs a Polygon or MultiPolygon"
        )
    if not isinstance(geometry, dict):
        raise _GeometryError(
            "invalid_geometry", f"the geometry must be an object, found {_json_type(geometry)}"
        )
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise _GeometryError(
            "unsupported_geometry",
            f"the geometry is a {kind!r}; a grid boundary must be a Polygon or MultiPolygon",
        )
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list):
        raise _GeometryError(
            "invalid_geometry", f"the {kind}'s coordinates must be an array of rings"
        )
    if not coordinates:
        raise _GeometryError("empty_geometry", f"the {kind} has no coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    rings_by_polygon = [_read_polygon(polygon, n, kind) for n, polygon in enumerate(polygons)]
    _check_ranges(rings_by_polygon, kind)
    closed = [
        [_closed(ring, kind, n, r) for r, ring in enumerate(rings)]
        for n, rings in enumerate(rings_by_polygon)
    ]
    shapes = [Polygon(rings[0], rings[1:]) for rings in closed]
    if kind == "Polygon":
        return {"type": kind, "coordinates": closed[0]}, shapes[0]
    return {"type": kind, "coordinates": closed}, MultiPolygon(shapes)


def _read_polygon(polygon: Any, number: int, kind: str) -> list[list[list[float]]]:
    where = "the polygon" if kind == "Polygon" else f"polygon {number} of the MultiPolygon"
    if not isinstance(polygon, list):
        raise _GeometryError("invalid_geometry", f"{where} must be an array of rings")
    if not polygon or not polygon[0]:
        raise _GeometryError("empty_geometry", f"{where} has no outer ring")
    rings: list[list[list[float]]] = []
    for r, ring in enumerate(polygon):
        if not isinstance(ring, list) or not ring:
            raise _GeometryError(
                "invalid_geometry", f"ring {r} of {where} must be a non-empty array of positions"
            )
        rings.append([_read_position(position, where, r, p) for p, position in enumerate(ring)])
    return rings


def _read_position(position: Any, where: str, ring: int, number: int) -> list[float]:
    if (
        not isinstance(position, list)
        or len(position) < 2
        or not all(
            isinstance(value, int | float) and not isinstance(value, bool) for value in position[:2]
        )
    ):
        raise _GeometryError(
            "invalid_geometry",
            f"position {number} of ring {ring} of {where} is {position!r}, "
            "not a [longitude, latitude] pair of numbers",
        )
    try:
        return [float(position[0]), float(position[1])]
    except OverflowError:  # an integer too large for a float is out of range anyway
        return [math.inf, math.inf]


def _check_ranges(rings_by_polygon: list[list[list[list[float]]]], kind: str) -> None:
    bad = [
        (n, r, p, lon, lat)
        for n, rings in enumerate(rings_by_polygon)
        for r, ring in enumerate(rings)
        for p, (lon, lat) in enumerate(ring)
        if not (math.isfinite(lon) and math.isfinite(lat))
        or not (-180 <= lon <= 180 and -90 <= lat <= 90)
    ]
    if not bad:
        return
    n, r, p, lon, lat = bad[0]
    where = "" if kind == "Polygon" else f" of polygon {n}"
    raise _GeometryError(
        "bad_coordinates",
        f"{len(bad)} position(s) are not finite or out of range, the first is [{lon!r}, {lat!r}] "
        f"(position {p} of ring {r}{where}); coordinates must be [longitude, latitude] in "
        "degrees, longitude within -180..180 and latitude within -90..90 "
        "(projected coordinates in metres are not accepted)",
    )


def _closed(ring: list[list[float]], kind: str, number: int, ring_number: int) -> list[list[float]]:
    if ring[0] != ring[-1]:
        ring = [*ring, ring[0]]
    if len(ring) < 4:
        where = "" if kind == "Polygon" else f" of polygon {number}"
        raise _GeometryError(
            "invalid_geometry",
            f"ring {ring_number}{where} has too few points ({len(ring)} with the closing one); "
            "a ring needs at least 3 corners",
        )
    return ring


def _validity_problem(reason: str, where: str) -> tuple[str, str]:
    """The kind and message for GEOS's explanation, e.g. "Self-intersection[118.1 27.3]"."""
    match = _VALIDITY_REASON.match(reason)
    text = match["reason"] if match else reason
    at = ""
    if match:
        try:
            at = f" at {_lon_lat_values(float(match['x']), float(match['y']))}"
        except ValueError:
            at = ""
    if "self-intersection" in text.lower():
        return "self_intersection", (
            f"{where}: the boundary crosses or touches itself{at} ({text}); redraw it so that "
            "no edge crosses another, splitting it into a MultiPolygon if it has several parts"
        )
    return "invalid_geometry", f"{where}: the boundary is not a valid polygon{at}: {text}"


def _first_by_code(entries: Iterable[_Entry]) -> dict[str, _Entry]:
    first: dict[str, _Entry] = {}
    for entry in entries:
        if entry.code is not None:
            first.setdefault(entry.code, entry)
    return first


def _complete_features(entries: Iterable[_Entry]) -> tuple[GridFeature, ...]:
    features = [
        GridFeature(entry.code, entry.name, entry.level, entry.parent_code, entry.geometry)
        for entry in entries
        if entry.properties_ok
        and entry.shape is not None
        and entry.geometry is not None
        and entry.code is not None
        and entry.name is not None
        and entry.level is not None
    ]
    return tuple(sorted(features, key=lambda feature: (feature.level, feature.code)))


def _area_m2(polygons: Any) -> Any:
    """Areas in square metres of shapes in degrees (the module docstring says how)."""
    lat0 = shapely.get_y(shapely.centroid(polygons))
    scale = _METRES_PER_DEGREE_LON_AT_EQUATOR * np.cos(np.radians(lat0)) * _METRES_PER_DEGREE_LAT
    return shapely.area(polygons) * scale


def _describe_pieces(pieces: list[tuple[float, Any]]) -> str:
    total = sum(area for area, _ in pieces)
    largest_area, largest_point = pieces[0]
    if len(pieces) == 1:
        return f"{total:,.1f} m² around {_lon_lat(largest_point)}"
    return (
        f"{total:,.1f} m² in {len(pieces)} pieces, the largest ({largest_area:,.1f} m²) "
        f"around {_lon_lat(largest_point)}"
    )


def _lon_lat(point: Any) -> str:
    return _lon_lat_values(float(point.x), float(point.y))


def _lon_lat_values(lon: float, lat: float) -> str:
    return f"lon {lon:.6f}, lat {lat:.6f}"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
