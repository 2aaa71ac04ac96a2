"""`python -m bench routing`: grid lookups, and the CPU that routing adds to intake.

One run measures:
- lookup: `GridIndex.locate` on a synthetic lattice map the size of Nanping's (5,638 unit
  grids under communities and streets): the mean of one timed loop, and a p99 from calls
  timed one by one;
- bulk: `GridIndex.locate_many` over many points at once;
- share of intake: process CPU of `route()` per ticket over intake's process CPU per ticket,
  both for the same mix of tickets on a fresh SQLite database holding the demo city. Intake
  runs in this process through `TestClient`; with `--wrk`, also as `bench intake` runs it
  (uvicorn under wrk, the server process's CPU per 2xx) as a second denominator.
"""

import argparse
import json
import math
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import shapely
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from app.channels.normalise import TITLE_FROM_DESCRIPTION_CHARS
from app.config import Settings
from app.db import create_db_engine, create_session_factory, session_scope
from app.demo.city import build_demo_city
from app.demo.people import seed_demo_people
from app.demo.routing import seed_demo_routing
from app.demo.seed import seed_demo_city
from app.geo.crs import Crs
from app.grids.locator import GridIndex, GridLocator, LocatedGrid, build_index
from app.main import create_app
from app.routing import service as routing_service
from app.routing.service import RoutingState, TicketToRoute
from app.schema_version import upgrade_to_head
from bench import ceilings, harness, intake
from bench.harness import Backend

NANPING_UNIT_GRIDS = 5_638
API = "/api/v1"
TICKETS_PATH = f"{API}/tickets"
WRK_DATABASE = "hotline_bench_routing"
T = TypeVar("T")


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "routing", help="grid lookup speed, and routing's share of intake's CPU per ticket"
    )
    parser.add_argument(
        "--grids", type=int, default=NANPING_UNIT_GRIDS, help="unit grids in the lattice map"
    )
    parser.add_argument("--lookups", type=int, default=50_000, help="locate() calls, one loop")
    parser.add_argument(
        "--timed-lookups", type=int, default=20_000, help="locate() calls timed one by one"
    )
    parser.add_argument("--bulk-points", type=int, default=200_000, help="locate_many() points")
    parser.add_argument("--tickets", type=int, default=5_000, help="route() calls measured")
    parser.add_argument("--posts", type=int, default=2_000, help="intake posts measured")
    parser.add_argument("--seed", type=int, default=35_100_201, help="random seed")
    parser.add_argument(
        "--wrk",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the service's CPU per 2xx under wrk, as `bench intake` does",
    )
    harness.add_load_arguments(parser, duration=8)
    parser.set_defaults(run=run)


def log(message: str) -> None:
    # Progress goes to stderr: stdout is the table and the contract line.
    print(f"[bench routing] {message}", file=sys.stderr, flush=True)


# --- the lattice map and its lookups -----------------------------------------------------------

# About 100 m: unit grids the size of a city's, communities of 5 x 5 and streets of 3 x 3
# communities, as in tests/grids/geojson_samples.py (not imported: bench must not need tests).
LATTICE_STEP = 0.001
COMMUNITY_SPAN = 5
STREET_SPAN = 15
LATTICE_ORIGIN = (27.0, 118.0)  # (lat, lon) of the south-west corner


@dataclass(frozen=True)
class Lattice:
    index: GridIndex
    corners: list[tuple[float, float]]  # (lat, lon) of each unit grid's south-west corner
    communities: int
    streets: int

    def random_points(self, count: int, rng: random.Random) -> list[tuple[float, float]]:
        """Points inside unit grids, every grid equally likely."""
        points = []
        for _ in range(count):
            lat, lon = rng.choice(self.corners)
            points.append((lat + rng.random() * LATTICE_STEP, lon + rng.random() * LATTICE_STEP))
        return points


def _square(lat: float, lon: float, span: int) -> dict[str, Any]:
    size = span * LATTICE_STEP
    x0, y0, x1, y1 = round(lon, 6), round(lat, 6), round(lon + size, 6), round(lat + size, 6)
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def build_lattice(unit_count: int) -> Lattice:
    """`unit_count` square unit grids filling a near-square lattice row by row, under square
    communities and streets (only those holding a unit grid)."""
    width = math.ceil(math.sqrt(unit_count))
    rows = math.ceil(unit_count / width)
    lat0, lon0 = LATTICE_ORIGIN
    grids: list[LocatedGrid] = []
    boundaries: list[dict[str, Any]] = []

    def add(code: str, level: int, parent_path: str, col: int, row: int, span: int) -> str:
        grid_id = len(grids) + 1
        path = f"{parent_path}{grid_id}/"
        grids.append(LocatedGrid(grid_id, code, level, path, ""))
        lat, lon = lat0 + row * LATTICE_STEP, lon0 + col * LATTICE_STEP
        boundaries.append(_square(lat, lon, span))
        return path

    def blocks(span: int) -> list[tuple[int, int]]:
        # A block holds a unit grid when its first cell (row-major) is one.
        return [
            (col, row)
            for row in range(0, rows, span)
            for col in range(0, width, span)
            if row * width + col < unit_count
        ]

    street_paths = {
        block: add(f"S{block[0]:03d}{block[1]:03d}", 1, "/", *block, STREET_SPAN)
        for block in blocks(STREET_SPAN)
    }
    community_paths = {}
    for col, row in blocks(COMMUNITY_SPAN):
        street = street_paths[(col // STREET_SPAN * STREET_SPAN, row // STREET_SPAN * STREET_SPAN)]
        community_paths[(col, row)] = add(
            f"C{col:03d}{row:03d}", 2, street, col, row, COMMUNITY_SPAN
        )
    corners = []
    for cell in range(unit_count):
        row, col = divmod(cell, width)
        block = (col // COMMUNITY_SPAN * COMMUNITY_SPAN, row // COMMUNITY_SPAN * COMMUNITY_SPAN)
        add(f"U{col:03d}{row:03d}", 3, community_paths[block], col, row, 1)
        corners.append((lat0 + row * LATTICE_STEP, lon0 + col * LATTICE_STEP))
    index = GridIndex(1, Crs.WGS84, grids, boundaries)
    return Lattice(index, corners, len(community_paths), len(street_paths))


@dataclass(frozen=True)
class LookupResult:
    build_ms: float
    mean_us: float
    mean_cpu_us: float
    p50_us: float
    p99_us: float
    bulk_points_per_s: float
    bulk_points: int


def _percentile(sorted_values: Sequence[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def measure_lookups(
    arguments: argparse.Namespace, rng: random.Random
) -> tuple[Lattice, LookupResult]:
    """Build the lattice's index, then time locate() and locate_many() on random points."""
    started = time.perf_counter()
    lattice = build_lattice(arguments.grids)
    build_ms = (time.perf_counter() - started) * 1000
    index = lattice.index
    points = lattice.random_points(arguments.lookups, rng)
    timed_points = lattice.random_points(arguments.timed_lookups, rng)
    bulk_points = lattice.random_points(arguments.bulk_points, rng)

    # Both APIs must agree, and find a unit grid for every point: numbers from a broken
    # index would mean nothing. This also warms locate() up.
    check = points[:1000]
    singles = [index.locate(lat, lon) for lat, lon in check]
    if singles != index.locate_many(check) or any(g is None or g.level != 3 for g in singles):
        raise harness.BenchError("locate and locate_many disagree, or a point found no unit grid")

    locate = index.locate
    started, started_cpu = time.perf_counter(), time.process_time()
    for lat, lon in points:
        locate(lat, lon)
    mean_us = (time.perf_counter() - started) / len(points) * 1e6
    # On a shared machine the wall clock also counts time the process waited for a core.
    mean_cpu_us = (time.process_time() - started_cpu) / len(points) * 1e6

    durations = []
    clock = time.perf_counter_ns
    for lat, lon in timed_points:
        before = clock()
        locate(lat, lon)
        durations.append((clock() - before) / 1000)
    durations.sort()

    index.locate_many(bulk_points[:10_000])  # warm-up: numpy and shapely paths
    started = time.perf_counter()
    found = index.locate_many(bulk_points)
    bulk_s = time.perf_counter() - started
    if any(grid is None for grid in found):
        raise harness.BenchError("locate_many left a point inside the map unlocated")
    result = LookupResult(
        build_ms=build_ms,
        mean_us=mean_us,
        mean_cpu_us=mean_cpu_us,
        p50_us=_percentile(durations, 0.50),
        p99_us=_percentile(durations, 0.99),
        bulk_points_per_s=len(bulk_points) / bulk_s,
        bulk_points=len(bulk_points),
    )
    return lattice, result


# --- the ticket mix --------------------------------------------------------------------------


class Kind(StrEnum):
    POINT = "point + category"
    CLASSIFY = "point, classifier"
    QR = "QR community"
    ADDRESS = "address only"


# Out of every 20 tickets, interleaved so that a short run sees the same mix as a long one.
MIX = {Kind.POINT: 10, Kind.CLASSIFY: 4, Kind.QR: 3, Kind.ADDRESS: 3}
CHANNELS = {
    Kind.POINT: "hotline_12345",
    Kind.CLASSIFY: "photo_report",  # a phone report: a point, and no category
    Kind.QR: "qr_code",
    Kind.ADDRESS: "web",
}
# The texts bench/wrk/intake.lua posts.
DESCRIPTIONS = (
    "小区门口路灯不亮已经三天了，晚上行人很不方便",
    "楼下烧烤店油烟太大，窗户都不敢开",
    "工地夜间施工噪音扰民，凌晨一点还在打桩",
    "公交站台的顶棚被风吹坏了，下雨天没法候车",
    "单位拖欠三个月工资，老板一直不接电话",
    "人行道上的井盖缺失，很危险，请尽快处理",
    "小区电梯经常停在两层之间，物业不管",
    "河道里有人倾倒建筑垃圾，水都变浑了",
    "超市卖过期的牛奶，要求处理并赔偿",
    "学校门口违规停车严重，早上接送孩子堵得厉害",
)
# No road may contain a street's or community's name: the address must name one place only.
ROADS = ("中山路", "五一路", "八一路", "环城路", "站前路")
REQUEST_TYPES = ("complaint", "complaint", "report", "help", "consultation", "suggestion")


@dataclass(frozen=True)
class Sample:
    """One ticket of the mix: what routing is given, and the body a channel would post."""

    kind: Kind
    request_type: str
    description: str
    category_code: str | None
    point: tuple[float, float] | None  # WGS-84 (lat, lon)
    community: LocatedGrid | None  # QR poster
    address: str | None
    phone: str

    @property
    def channel(self) -> str:
        return CHANNELS[self.kind]

    def to_route(self) -> TicketToRoute:
        """What intake hands to `route()` for this body (title defaults as intake makes it)."""
        title = self.description.splitlines()[0].strip()[:TITLE_FROM_DESCRIPTION_CHARS]
        return TicketToRoute(
            channel=self.channel,
            request_type=self.request_type,
            text=f"{title} {self.description}",
            address=self.address,
            category_code=self.category_code,
            grid_path=self.community.path if self.community else None,
            lat=self.point[0] if self.point else None,
            lon=self.point[1] if self.point else None,
        )

    def body(self, external_id: str, photo_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "channel": self.channel,
            "external_id": external_id,
            "request_type": self.request_type,
            "description": self.description,
        }
        if self.category_code is not None:
            body["category_code"] = self.category_code
        if self.point is not None:
            body["location"] = {"lat": self.point[0], "lon": self.point[1], "crs": "wgs84"}
        if self.address is not None:
            body["address"] = self.address
        if self.kind is Kind.POINT:
            body["call"] = {
                "caller_number": self.phone,
                "agent_id": "A0042",
                "started_at": "2026-11-23T09:30:00+08:00",
                "recording_ref": f"rec-{external_id}",
            }
        elif self.kind is Kind.CLASSIFY:
            body["photos"] = [photo_id]
            body["reporter"] = {"phone": self.phone}
        elif self.kind is Kind.QR and self.community is not None:
            body["community_code"] = self.community.code
            body["reporter"] = {"phone": self.phone}
        return body


@dataclass(frozen=True)
class DemoPlaces:
    """What the mix draws on: the demo city's categories, communities and unit grids."""

    categories: list[str]
    communities: list[LocatedGrid]
    unit_shapes: list[Any]  # shapely polygons, WGS-84


def demo_places(index: GridIndex) -> DemoPlaces:
    city = build_demo_city()
    categories = [c.code for c in city.categories if c.parent_code is not None]
    communities = sorted(
        (grid for grid in index.by_code.values() if grid.level == 2), key=lambda g: g.code
    )
    units = [shapely.geometry.shape(g.boundary) for g in city.grids if g.level == 3]
    return DemoPlaces(categories, communities, units)


def _point_in(shape: Any, rng: random.Random) -> tuple[float, float]:
    min_x, min_y, max_x, max_y = shape.bounds
    while True:
        lon, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(shape, lon, lat):
            return lat, lon


def _address(community: LocatedGrid, rng: random.Random) -> str:
    return f"{community.name}{rng.choice(ROADS)}{rng.randint(1, 199)}号"


def build_mix(count: int, places: DemoPlaces, index: GridIndex, rng: random.Random) -> list[Sample]:
    pattern = [kind for kind, share in MIX.items() for _ in range(share)]
    rng.shuffle(pattern)
    samples = []
    for number in range(count):
        kind = pattern[number % len(pattern)]
        community = rng.choice(places.communities)
        point = _point_in(rng.choice(places.unit_shapes), rng)
        address = _address(community, rng)
        if kind is Kind.ADDRESS and index.match_address(address) != community:
            raise harness.BenchError(f"the address {address!r} does not name {community.name}")
        samples.append(
            Sample(
                kind=kind,
                request_type=rng.choice(REQUEST_TYPES),
                description=rng.choice(DESCRIPTIONS),
                category_code=None if kind is Kind.CLASSIFY else rng.choice(places.categories),
                point=point if kind in (Kind.POINT, Kind.CLASSIFY) else None,
                community=community if kind is Kind.QR else None,
                # The call centre types the caller's address too; routing prefers the point.
                address=address if kind in (Kind.POINT, Kind.ADDRESS) else None,
                phone=f"139{rng.randrange(10**8):08d}",
            )
        )
    return samples


# --- route() ---------------------------------------------------------------------------------


def demo_settings(workdir: Path) -> Settings:
    """A fresh SQLite database, migrated and seeded as the tests seed theirs."""
    settings = Settings(
        database_url=f"sqlite:///{workdir / 'routing.db'}",
        upload_dir=workdir / "uploads",
        jwt_secret=SecretStr(secrets.token_urlsafe(48)),
        log_level="warning",
    )
    engine = create_db_engine(settings)
    try:
        upgrade_to_head(engine)
        city = build_demo_city()
        for session in session_scope(create_session_factory(engine)):
            seed_demo_city(session, city)
            seed_demo_people(session, city)
            seed_demo_routing(session, city)
    finally:
        engine.dispose()
    return settings


@dataclass(frozen=True)
class KindCost:
    kind: Kind
    tickets: int
    route_us: float
    locate_us: float | None  # the point or address lookup alone
    classify_us: float | None  # the keyword classifier alone


@dataclass(frozen=True)
class RouteCost:
    per_ticket_ms: float
    tickets: int
    by_kind: list[KindCost]
    # The point tickets again, each with its grid given instead of its point: the difference
    # is what locating costs inside route(), caches shared with the rules, not in a tight loop.
    point_as_grid_us: float
    cached_state_us: float  # snapshot() and index() when nothing needs checking
    refresh_check_ms: float  # the same when the check is due (every 2 s per process)


def _cpu_us_per_call(calls: Sequence[T], function: Callable[[T], object]) -> float:
    """Process CPU per call of `function(item)` over `calls`, in µs."""
    started = time.process_time()
    for item in calls:
        function(item)
    return (time.process_time() - started) / max(1, len(calls)) * 1e6


def measure_route(settings: Settings, samples: Sequence[Sample], warmup: int) -> RouteCost:
    engine = create_db_engine(settings)
    try:
        # Closed before intake runs: SQLite's BEGIN IMMEDIATE would hold the write lock.
        with create_session_factory(engine)() as session:
            return _route_costs(session, samples, warmup)
    finally:
        engine.dispose()


def _route_costs(session: Session, samples: Sequence[Sample], warmup: int) -> RouteCost:
    state = RoutingState(GridLocator())
    tickets = [sample.to_route() for sample in samples]

    def route(ticket: TicketToRoute) -> None:
        routing_service.route(session, state, ticket)

    for ticket in tickets[:warmup]:
        route(ticket)
    # The measured figure: the whole mix in one loop, as intake would call it.
    measured = tickets[warmup:]
    started = time.process_time()
    for ticket in measured:
        route(ticket)
    per_ticket_ms = (time.process_time() - started) / len(measured) * 1000

    # Where it goes, by kind of ticket and by step.
    snapshot = state.snapshot(session)
    index = state.locator.index(session)
    if index is None:
        raise harness.BenchError("the demo database has no grid map")
    by_kind = []
    for kind in Kind:
        of_kind = [t for t, s in zip(tickets, samples, strict=True) if s.kind is kind]
        points = [s.point for s in samples if s.kind is kind and s.point is not None]
        addresses = [t.address for t in of_kind if t.address is not None]
        locate_us: float | None = None
        classify_us: float | None = None
        if kind in (Kind.POINT, Kind.CLASSIFY):
            locate_us = _cpu_us_per_call(points, lambda p: index.locate_wgs84(*p))
        if kind is Kind.ADDRESS:
            locate_us = _cpu_us_per_call(addresses, index.match_address)
        if kind is Kind.CLASSIFY:
            classify_us = _cpu_us_per_call(of_kind, lambda t: snapshot.classifier.classify(t.text))
        route_us = _cpu_us_per_call(of_kind, route)
        by_kind.append(KindCost(kind, len(of_kind), route_us, locate_us, classify_us))

    def cached(_: object) -> None:
        state.snapshot(session)
        state.locator.index(session)

    def refresh(_: object) -> None:
        state.forget()
        cached(None)

    as_grid = []
    for ticket in tickets:
        grid = index.locate_wgs84(ticket.lat, ticket.lon) if ticket.lat and ticket.lon else None
        if ticket.category_code is not None and grid is not None:
            as_grid.append(replace(ticket, lat=None, lon=None, grid_path=grid.grid.path))
    point_as_grid_us = _cpu_us_per_call(as_grid, route)
    cached_state_us = _cpu_us_per_call(range(20_000), cached)
    refresh_check_ms = _cpu_us_per_call(range(300), refresh) / 1000
    return RouteCost(
        per_ticket_ms,
        len(measured),
        by_kind,
        point_as_grid_us,
        cached_state_us,
        refresh_check_ms,
    )


# --- intake in process -----------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeCost:
    per_ticket_ms: float  # process CPU per post
    posts: int
    non_201: int
    wall_per_s: float


def _upload_photo(client: TestClient, keys: dict[str, str]) -> str:
    files = [("files", ("street-light.jpg", intake.camera_jpeg(), "image/jpeg"))]
    response = client.post(
        f"{API}/photos", files=files, headers={"X-API-Key": keys["photo_report"]}
    )
    if response.status_code != 201:
        raise harness.BenchError(f"photo upload answered {response.status_code}: {response.text}")
    photo_id: str = response.json()[0]["id"]
    return photo_id


def encode_posts(samples: Sequence[Sample], photo_id: str) -> list[tuple[bytes, dict[str, str]]]:
    """Each sample's body and headers, encoded up front so the client's share of the CPU
    stays small."""
    keys = intake.channel_keys()
    run_id = secrets.token_hex(4)
    return [
        (
            json.dumps(s.body(f"rt-{run_id}-{n}", photo_id), ensure_ascii=False).encode(),
            {"Content-Type": "application/json", "X-API-Key": keys[s.channel]},
        )
        for n, s in enumerate(samples)
    ]


def time_posts(
    client: TestClient, requests: Sequence[tuple[bytes, dict[str, str]]], warmup: int
) -> IntakeCost:
    """Process CPU per post over all but the first `warmup` requests."""
    for content, headers in requests[:warmup]:
        client.post(TICKETS_PATH, content=content, headers=headers)
    measured = requests[warmup:]
    non_201 = 0
    started, started_wall = time.process_time(), time.perf_counter()
    for content, headers in measured:
        if client.post(TICKETS_PATH, content=content, headers=headers).status_code != 201:
            non_201 += 1
    cpu_s, wall_s = time.process_time() - started, time.perf_counter() - started_wall
    return IntakeCost(cpu_s / len(measured) * 1000, len(measured), non_201, len(measured) / wall_s)


def measure_intake(
    settings: Settings, samples: Sequence[Sample], warmup: int
) -> tuple[IntakeCost, IntakeCost]:
    """The service's CPU per post, and the same posts to `bench intake`'s bare app (FastAPI
    and body validation only): the HTTP floor inside the service's figure."""
    with TestClient(create_app(settings)) as client:
        keys = intake.channel_keys()
        service = time_posts(client, encode_posts(samples, _upload_photo(client, keys)), warmup)
    with TestClient(ceilings.bare_app()) as client:
        # The bare app stores nothing: any well-formed photo id passes.
        bare = time_posts(client, encode_posts(samples, "0" * 64), warmup)
    return service, bare


# --- intake under wrk (optional) -------------------------------------------------------------


def measure_wrk(arguments: argparse.Namespace, workdir: Path) -> harness.WrkRun:
    """`bench intake`'s service run: uvicorn on a fresh demo database, wrk's channel mix."""
    url = harness.fresh_database(
        Backend.SQLITE, WRK_DATABASE, workdir, harness.DEFAULT_POSTGRES_URL
    )
    harness.migrate_and_seed(url)
    env = {
        "HOTLINE_DATABASE_URL": url,
        "HOTLINE_UPLOAD_DIR": str(workdir / "wrk-uploads"),
        "HOTLINE_LOG_LEVEL": "warning",
    }
    server = harness.start_server("service", "app.main:create_app", env=env, log_dir=workdir)
    try:
        script_env = intake.script_environment(server, intake.upload_photo(server))
        measurement = intake.measure(
            server,
            url,
            intake.write_script(workdir),
            script_env,
            duration=arguments.duration,
            connections=arguments.connections,
        )
    finally:
        harness.stop_server(server)
    return measurement.run


# --- the run ---------------------------------------------------------------------------------


def print_report(
    lattice: Lattice,
    lookups: LookupResult,
    routing: RouteCost,
    posts: IntakeCost,
    bare: IntakeCost,
    wrk: harness.WrkRun | None,
    load_before: float,
) -> float:
    """The table; returns the share of intake for the contract line."""
    share = routing.per_ticket_ms / posts.per_ticket_ms
    print(
        f"routing: lattice of {len(lattice.corners):,} unit grids under {lattice.communities} "
        f"communities and {lattice.streets} streets (index built in {lookups.build_ms:.0f} ms); "
        f"demo city on SQLite; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
    )
    rows = [
        (
            "locate() mean",
            f"{lookups.mean_us:.1f} µs",
            f"one timed loop, target < 50 µs; {lookups.mean_cpu_us:.1f} µs of CPU",
        ),
        (
            "locate() p50 / p99",
            f"{lookups.p50_us:.1f} / {lookups.p99_us:.1f} µs",
            "calls timed one by one (timer overhead included)",
        ),
        (
            "locate_many()",
            f"{lookups.bulk_points_per_s:,.0f} points/s",
            f"{lookups.bulk_points:,} points in one call",
        ),
        (
            "route() CPU per ticket",
            f"{routing.per_ticket_ms:.3f} ms",
            f"{routing.tickets:,} tickets of the mix, after a warm-up",
        ),
        (
            "intake CPU per ticket",
            f"{posts.per_ticket_ms:.3f} ms",
            f"{posts.posts:,} posts via TestClient, {posts.wall_per_s:.0f}/s; incl. client",
        ),
        (
            "  of which HTTP floor",
            f"{bare.per_ticket_ms:.3f} ms",
            "the same posts to bench intake's bare app (validation only)",
        ),
        ("routing share of intake", f"{share:.3f}", "route() / intake, both process CPU"),
    ]
    if wrk is not None and wrk.cpu_ms_per_ok:
        wrk_share = routing.per_ticket_ms / wrk.cpu_ms_per_ok
        rows.append(
            (
                "service CPU per 2xx, wrk",
                f"{wrk.cpu_ms_per_ok:.3f} ms",
                f"uvicorn under wrk, bench intake's mix, {wrk.ok_per_s:.0f} 2xx/s",
            )
        )
        rows.append(("  share of that", f"{wrk_share:.3f}", "route() / server CPU per 2xx"))
    width = max(len(label) for label, _, _ in rows) + 2
    for label, value, note in rows:
        print(f"{label:<{width}}{value:>22}   {note}")

    print()
    header = (
        f"{'route() by kind':<20}{'share':>7}{'route µs':>10}{'locate µs':>11}"
        f"{'classify µs':>13}{'rest µs':>9}"
    )
    print(header)
    print("-" * len(header))
    total = sum(cost.tickets for cost in routing.by_kind)
    for cost in routing.by_kind:
        locate = f"{cost.locate_us:.1f}" if cost.locate_us is not None else "-"
        classify = f"{cost.classify_us:.1f}" if cost.classify_us is not None else "-"
        rest = cost.route_us - (cost.locate_us or 0) - (cost.classify_us or 0)
        print(
            f"{cost.kind.value:<20}{cost.tickets / total:>7.0%}{cost.route_us:>10.1f}"
            f"{locate:>11}{classify:>13}{rest:>9.1f}"
        )
    print(
        "locate: locate_wgs84 for a point, match_address for an address (a QR grid is a dict "
        "lookup); rest: the rules (decide), the grid's lineage, the reasons' text and, for a "
        "point, what locating costs beyond the tight loop"
    )
    point = next(cost for cost in routing.by_kind if cost.kind is Kind.POINT)
    print(
        f"point + category tickets given their grid instead of the point: "
        f"{routing.point_as_grid_us:.1f} µs, so locating costs "
        f"{point.route_us - routing.point_as_grid_us:.1f} µs inside route() "
        f"({point.locate_us or 0:.1f} µs in a tight loop)"
    )
    print(
        f"each route() also fetches the cached snapshot and index: {routing.cached_state_us:.1f} "
        f"µs; when the 2 s check is due, {routing.refresh_check_ms:.2f} ms (two small queries)"
    )
    print(
        "CPU is time.process_time of this process: intake's includes TestClient's client side "
        "and its event-loop thread; route()'s includes no HTTP at all"
    )
    if posts.non_201 or bare.non_201:
        print(f"WARNING: {posts.non_201 + bare.non_201} posts were not answered 201")
    if wrk is not None and wrk.non_2xx:
        print(f"WARNING: {wrk.non_2xx} answers under wrk were not 2xx")
    return share


def run(arguments: argparse.Namespace) -> int:
    """The whole benchmark; 0 when every post was answered 201."""
    load_before = os.getloadavg()[0]
    rng = random.Random(arguments.seed)
    log(f"lattice of {arguments.grids:,} unit grids: locate and locate_many")
    lattice, lookups = measure_lookups(arguments, rng)

    with tempfile.TemporaryDirectory(prefix="bench-routing-") as directory:
        workdir = Path(directory)
        log("fresh SQLite database with the demo city and its routing rules")
        settings = demo_settings(workdir)
        engine = create_db_engine(settings)
        try:
            with create_session_factory(engine)() as session:
                demo_index = build_index(session)
        finally:
            engine.dispose()
        if demo_index is None:
            raise harness.BenchError("the demo database has no grid map")
        places = demo_places(demo_index)
        route_warmup, post_warmup = 500, 200
        route_mix = build_mix(route_warmup + arguments.tickets, places, demo_index, rng)
        post_mix = build_mix(post_warmup + arguments.posts, places, demo_index, rng)

        log(f"route(): {arguments.tickets:,} tickets")
        routing = measure_route(settings, route_mix, route_warmup)
        log(f"intake via TestClient: {arguments.posts:,} posts")
        posts, bare = measure_intake(settings, post_mix, post_warmup)

        wrk: harness.WrkRun | None = None
        if arguments.wrk and shutil.which("wrk") is None:
            log("wrk is not installed: no wrk denominator")
        elif arguments.wrk:
            log(f"intake under wrk: {arguments.duration} s at {arguments.connections} connections")
            wrk = measure_wrk(arguments, workdir)

    share = print_report(lattice, lookups, routing, posts, bare, wrk, load_before)
    print(
        f"routing lookup_us={lookups.mean_us:.1f} "
        f"bulk_points_per_s={lookups.bulk_points_per_s:.0f} share_of_intake={share:.3f}"
    )
    return 0 if posts.non_201 == 0 and bare.non_201 == 0 else 1
