"""`python -m bench queue`: the queue's screens at a million tickets, and what keeping the
text search index costs intake.

One database (`hotline migrate`, `hotline seed-demo`), then:
- population: `--tickets` tickets made in SQL as `python -m bench dedup` makes them (a year
  of 12345 calls over the demo city, open in the last 30 days), each also with a unit grid,
  a lead unit (the category's department, or the grid), a request type, a priority, a reply
  deadline, an agent's summary for calls, and one in fifty supervised. The search index is
  dropped for the load and built afterwards, as the migration builds it.
- screens: each screen's query through the HTTP API of the real service, as the dispatch
  centre's dispatcher and as a unit (the urban management bureau), on the first page and on
  the page 200 pages deep (its cursor found by paging there); `--repeats` timed requests
  each, one after the other, after a warm-up. Target: every p99 under 100 ms.
- intake: the real service under wrk (12345 calls) with the search index kept in step, and
  at the same time, with the same calls, a second server on a copy of the database without
  the index: the ceiling. `--intake-pairs` such pairs of runs, new calls for each.
  `intake_overhead` is the server CPU per ticket with the index over that without it, minus
  one: the median of the pairs'. Target: under 0.10.

The last line: `queue tickets=N p99_ms=N slowest=NAME slowest_ms=N intake_overhead=R`, where
p99_ms is the p99 of every timed request together and slowest the query with the highest p99.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import BigInteger, case, cast, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.sql.elements import ColumnElement

from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine
from app.tickets import search
from app.vocabulary import Channel, Priority, RequestType, TicketStatus
from bench import dedup, harness
from bench.harness import Backend
from bench.sla import CHUNK_ROWS

DATABASE = "hotline_bench_queue"
CEILING_DATABASE = "hotline_bench_queue_ceiling"
API = "/api/v1"
P99_TARGET_MS = 100.0
OVERHEAD_TARGET = 0.10
PAGE = 50
DEEP_PAGES = 200
WALK_LIMIT = 200  # the largest page: the walk to the deep page takes a quarter of the requests
WARMUP_REQUESTS = 3
UNIT_DEPARTMENT = "urban_management"
USERS = {"dispatcher": "demo-dispatcher-password", "unit": "demo-urban-password"}
LOGINS = {"dispatcher": "dispatcher", "unit": "urban"}

# What agents search for: an address (a few hundred tickets a year), a problem as callers put
# it (one ticket in twenty), a word no ticket has, and a two-character word.
ADDRESS_WORDS = f"{dedup.ROADS[0]}88号"
COMMON_WORDS = dedup.PROBLEMS[0][0][:7]
NOTHING_WORDS = "查无此事之词"
SHORT_WORDS = "停水"

# Out of 20, as DOMAIN.md's week had them (most calls are complaints and consultations).
REQUEST_MIX = (
    (10, RequestType.COMPLAINT),
    (14, RequestType.CONSULTATION),
    (17, RequestType.HELP),
    (18, RequestType.REPORT),
    (19, RequestType.SUGGESTION),
    (20, RequestType.PRAISE),
)
PRIORITY_MIX = ((17, Priority.NORMAL), (19, Priority.URGENT), (20, Priority.EMERGENCY))
SUMMARIES = (
    "来电人情绪激动，要求尽快处理并回电",
    "来电人表示已多次反映，要求督办",
    "已告知来电人办理时限，来电人表示理解",
    "来电人要求保密，不愿透露姓名",
)
RUNNING = (TicketStatus.NEW, TicketStatus.RETURNED, TicketStatus.DISPATCHED, TicketStatus.SIGNED)


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "queue", help="the queue's screens at 1M tickets; the text index's cost to intake"
    )
    harness.add_database_arguments(parser)
    harness.add_load_arguments(parser, duration=10)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets in the table")
    parser.add_argument("--repeats", type=int, default=40, help="timed requests per query")
    parser.add_argument(
        "--intake-pairs",
        type=int,
        default=3,
        help="pairs of intake runs, with the search index and, at the same time, without it",
    )
    parser.set_defaults(run=run)


def log(message: str) -> None:
    print(f"[bench queue] {message}", file=sys.stderr, flush=True)


# --- the population, in SQL ---------------------------------------------------------------


@dataclass(frozen=True)
class Units:
    unit_grid_ids: list[int]
    department_of_category: dict[int, int]  # category id -> its department's id
    street_code: str


def _units(engine: Engine) -> Units:
    with engine.connect() as connection:
        grids = connection.execute(text("SELECT id FROM grid WHERE level = 3 ORDER BY id"))
        departments = connection.execute(
            text("SELECT id, department_id FROM category WHERE department_id IS NOT NULL")
        )
        street = connection.execute(text("SELECT code FROM grid WHERE level = 1 ORDER BY code"))
        return Units(
            [row[0] for row in grids],
            dict(departments.tuples().all()),
            street.scalars().first() or "",
        )


def _queue_columns(
    tickets: dedup.GeneratedTickets, population: dedup.Population, units: Units, dialect: str
) -> None:
    """Add what the queue filters on to the dedup benchmark's tickets."""
    g, columns = tickets.generated, tickets.columns
    n = cast(g.n, BigInteger)
    status = columns["status"]
    grid_id = case(
        dict(enumerate(units.unit_grid_ids)),
        value=dedup._choice(n, 2654435761, len(units.unit_grid_ids)),
    )
    routed = status != TicketStatus.NEW
    to_department = dedup._choice(n, 1597334677, 10) < 7  # else to the unit grid
    department = case(units.department_of_category, value=g.category_id, else_=None)
    created_s = int(population.oldest.timestamp()) + n * population.span_s // population.tickets
    reply_days = dedup._choice(n, 3812015801, 13) + 3
    # Running tickets: one in twenty overdue (cities report 95% on time), the rest due
    # within the next two weeks; the others kept the deadline they had.
    late = dedup._choice(n, 1103515245, 20) == 0
    ahead_s = int(population.now.timestamp()) + dedup._choice(n, 2869860233, 14 * 24) * 3600
    reply_due = case(
        (status.in_(RUNNING) & late, dedup._created_at(created_s + 86_400, dialect)),
        (status.in_(RUNNING), dedup._created_at(ahead_s + 3600, dialect)),
        else_=dedup._created_at(created_s + reply_days * 86_400, dialect),
    )
    calls = g.channel.in_([Channel.HOTLINE_12345, Channel.MINSHENG_110])
    summary = dedup._pick(SUMMARIES, dedup._choice(n, 2246822507, len(SUMMARIES)))
    extra: dict[str, ColumnElement[Any]] = {
        "grid_id": grid_id,
        "assigned_department_id": case((routed & to_department, department), else_=None),
        "assigned_grid_id": case((routed & ~to_department, grid_id), else_=None),
        "request_type": dedup._bucketed(dedup._choice(n, 3266489917, 20), REQUEST_MIX),
        "priority": dedup._bucketed(dedup._choice(n, 668265263, 20), PRIORITY_MIX),
        "reply_due_at": reply_due,
        "next_due_at": case((status.in_(RUNNING), reply_due), else_=None),
        "agent_summary": case((calls, summary), else_=None),
        "is_supervised": dedup._choice(n, 374761393, 50) == 0,
    }
    columns.update(extra)


def populate(
    engine: Engine, population: dedup.Population, category_ids: dict[str, int], units: Units
) -> None:
    """The tickets in committed chunks, without the search index, which is built at the end
    (a bulk load, as the migration does for the tickets already there)."""
    dialect = engine.dialect.name
    started = time.perf_counter()
    with engine.begin() as connection:
        search.drop_index(connection)
    for first in range(1, population.tickets + 1, CHUNK_ROWS):
        last = min(first + CHUNK_ROWS - 1, population.tickets)
        tickets = dedup.generated_tickets(dialect, population, category_ids, first, last)
        _queue_columns(tickets, population, units, dialect)
        with engine.begin() as connection:
            tickets.insert(connection)
        log(f"populated {last:,} / {population.tickets:,} ({time.perf_counter() - started:.0f} s)")
    with engine.begin() as connection:
        search.create_index(connection)
    log(f"search index built ({time.perf_counter() - started:.0f} s)")


# --- the screens --------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    name: str
    params: dict[str, Any]


def screens(units: Units, now_iso: str, month_ago_iso: str) -> list[Screen]:
    """Each screen's query, as DOMAIN.md's dispatch centre and units use the queue."""
    open_at_unit = [TicketStatus.DISPATCHED.value, TicketStatus.SIGNED.value]
    return [
        Screen("newest", {}),
        Screen(
            "status+unit+due",
            {"status": open_at_unit, "assigned_department": UNIT_DEPARTMENT, "sort": "due_soonest"},
        ),
        Screen("status+due", {"status": open_at_unit, "sort": "due_soonest"}),
        Screen("next_due", {"sort": "next_due"}),
        Screen("group+period", {"category": "01", "created_from": month_ago_iso}),
        Screen("category+period", {"category": "0101", "created_from": month_ago_iso}),
        Screen("grid+status", {"grid": units.street_code, "status": TicketStatus.SIGNED.value}),
        Screen("overdue", {"overdue": "true"}),
        Screen("overdue+due", {"overdue": "true", "sort": "due_soonest"}),
        Screen("channel+priority", {"channel": "minsheng_110", "priority": "urgent"}),
        Screen("supervised", {"supervised": "true"}),
        Screen("request_type", {"request_type": "report", "created_to": now_iso}),
        Screen("text+status", {"q": ADDRESS_WORDS, "status": TicketStatus.CLOSED.value}),
        Screen("text:address", {"q": ADDRESS_WORDS}),
        Screen("text:common", {"q": COMMON_WORDS}),
        Screen("text:nothing", {"q": NOTHING_WORDS}),
        Screen("text:short", {"q": SHORT_WORDS}),
        Screen("count:status", {"status": TicketStatus.SIGNED.value, "count": "exact"}),
        Screen("count:text", {"q": ADDRESS_WORDS, "count": "exact"}),
    ]


@dataclass
class Measured:
    screen: str
    user: str
    depth: str  # first, or deep (200 pages in; fewer when the screen has fewer)
    pages_in: int
    timings_ms: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.screen}/{self.user}/{self.depth}"

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p99_ms(self) -> float:
        return percentile(self.timings_ms, 99)


def percentile(values: Sequence[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1) + 0.4999))]


def _token(client: httpx.Client, user: str) -> str:
    response = client.post(
        f"{API}/auth/token", data={"username": LOGINS[user], "password": USERS[user]}
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def _get(client: httpx.Client, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"{API}/tickets", params=params, headers=headers)
    if response.status_code != 200:
        raise harness.BenchError(f"GET tickets {params}: {response.status_code} {response.text}")
    answer: dict[str, Any] = response.json()
    return answer


def _deep_cursor(
    client: httpx.Client, params: dict[str, Any], headers: dict[str, str]
) -> tuple[str | None, int]:
    """The cursor of the page DEEP_PAGES in (of PAGE tickets), found by paging there with
    the largest pages; fewer pages in when the screen has fewer."""
    walk = {key: value for key, value in params.items() if key != "count"}
    cursor, rows = None, 0
    while rows < PAGE * DEEP_PAGES:
        step = min(WALK_LIMIT, PAGE * DEEP_PAGES - rows)
        answer = _get(
            client, walk | {"limit": step} | ({"cursor": cursor} if cursor else {}), headers
        )
        if answer["next_cursor"] is None:
            break
        cursor, rows = answer["next_cursor"], rows + step
    return cursor, rows // PAGE


def measure_screens(base_url: str, all_screens: Sequence[Screen], repeats: int) -> list[Measured]:
    measured = []
    with httpx.Client(base_url=base_url, timeout=60) as client:
        tokens = {user: _token(client, user) for user in USERS}
        for screen in all_screens:
            for user, token in tokens.items():
                headers = {"Authorization": f"Bearer {token}"}
                cursor, pages_in = _deep_cursor(client, screen.params, headers)
                depths: list[tuple[str, int, str | None]] = [("first", 0, None)]
                if cursor is not None:
                    depths.append(("deep", pages_in, cursor))
                for depth, pages, at in depths:
                    result = Measured(screen.name, user, depth, pages)
                    params = screen.params | {"limit": PAGE} | ({"cursor": at} if at else {})
                    for attempt in range(WARMUP_REQUESTS + repeats):
                        started = time.perf_counter()
                        _get(client, params, headers)
                        if attempt >= WARMUP_REQUESTS:
                            result.timings_ms.append((time.perf_counter() - started) * 1000)
                    log(f"{result.name}: p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
                    measured.append(result)
    return measured


# --- intake with the search index and without it ------------------------------------------

# A pair is intake on the database with the index kept in step and, at the same time and
# with the same calls, on a copy without it (the ceiling). This machine's speed drifts by
# a tenth within a minute, as much as the index costs: runs one after the other measured
# the drift as much as the index.
IntakePair = tuple[dedup.Intake, dedup.Intake]


def measure_intake_pairs(
    backend: Backend, url: str, workdir: Path, arguments: argparse.Namespace
) -> list[IntakePair]:
    log("copying the database, without the search index (the ceiling)")
    ceiling = harness.copy_database(backend, url, CEILING_DATABASE, workdir, arguments.postgres_url)
    engine = create_db_engine(Settings(database_url=ceiling))
    try:
        with engine.begin() as connection:
            search.drop_index(connection)
    finally:
        engine.dispose()
    if backend is Backend.SQLITE:
        harness.checkpoint_sqlite(str(make_url(ceiling).database))
    pairs: list[IntakePair] = []
    try:
        for number in range(arguments.intake_pairs):
            log(f"intake pair {number + 1}: with the search index and without it, together")
            # New calls for every pair: a call posted again would be merged, not searched.
            seeds = (20 + 2 * number, 21 + 2 * number)
            with_index, without = dedup.measure_intakes(
                [url, ceiling], workdir, arguments.duration, arguments.connections, seeds
            )
            pairs.append((with_index, without))
    finally:
        harness.drop_database(backend, ceiling, arguments.postgres_url)
    return pairs


def _overhead(pair: IntakePair) -> float:
    on, off = pair[0].cpu_ms, pair[1].cpu_ms
    return (on / off - 1) if on is not None and off is not None and off > 0 else float("nan")


def print_intake_pairs(pairs: Sequence[IntakePair]) -> float:
    """Print each pair's runs and overhead; the median overhead."""
    for number, (with_index, without) in enumerate(pairs, start=1):
        print(f"intake pair {number}: with the search index (first) and, at the same time, without")
        dedup.print_intake(with_index)
        dedup.print_intake(without)
    overheads = [_overhead(pair) for pair in pairs]
    print(
        "intake_overhead of each pair (server CPU per ticket with the index over without, "
        f"minus one): {' '.join(f'{x:.3f}' for x in overheads)}; the median is reported"
    )
    return statistics.median(overheads)


# --- the report ---------------------------------------------------------------------------


def print_screens(measured: Sequence[Measured], all_screens: Sequence[Screen]) -> None:
    print()
    print(
        "screens: GET /api/v1/tickets?limit=50 through the real service (one uvicorn worker),"
        " one request at a time; 'deep' is the page 200 pages in (or as deep as it goes)"
    )
    floor = next(m for m in measured if m.name == "newest/dispatcher/first").p50_ms
    header = (
        f"{'query':<34}{'pages in':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/target':>11}"
        f"{'p50/newest':>11}"
    )
    print(header)
    print("-" * len(header))
    for m in measured:
        print(
            f"{m.name:<34}{m.pages_in:>9}{m.p50_ms:>9.1f}{m.p99_ms:>9.1f}"
            f"{m.p99_ms / P99_TARGET_MS:>11.2f}{m.p50_ms / floor:>11.2f}"
        )
    print()
    for screen in all_screens:
        print(f"  {screen.name}: {screen.params}")


def run(arguments: argparse.Namespace) -> int:
    """The whole benchmark; 0 when every request was answered. Missing a target is a result."""
    harness.require_wrk()
    backend: Backend = arguments.db
    postgres_url: str = arguments.postgres_url
    if arguments.tickets < PAGE or arguments.repeats < 1 or arguments.intake_pairs < 1:
        raise harness.BenchError(
            f"--tickets must be at least {PAGE}, --repeats and --intake-pairs at least 1"
        )
    load_before = os.getloadavg()
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-queue-")))
        log(f"preparing the {backend} database (migrate, seed-demo)")
        url = harness.fresh_database(backend, DATABASE, workdir, postgres_url)
        cleanup.callback(harness.drop_database, backend, url, postgres_url)
        harness.migrate_and_seed(url)
        engine = create_db_engine(Settings(database_url=url))
        try:
            categories = dedup._categories(engine)
            category_ids = {code: info.id for code, info in categories.items()}
            units = _units(engine)
            now = utc_now()
            population = dedup.Population(arguments.tickets, now)
            started = time.perf_counter()
            populate(engine, population, category_ids, units)
            populate_s = time.perf_counter() - started
            log("analyze")
            dedup.analyze(engine)
        finally:
            engine.dispose()
        month_ago = (now - timedelta(days=30)).isoformat()
        all_screens = screens(units, now.isoformat(), month_ago)
        log("starting the service")
        server = harness.start_server(
            "service",
            "app.main:create_app",
            env=harness.service_env(url, workdir / "uploads"),
            log_dir=workdir,
        )
        try:
            measured = measure_screens(server.base_url, all_screens, arguments.repeats)
        finally:
            harness.stop_server(server)
        pairs = measure_intake_pairs(backend, url, workdir, arguments)
    print(
        f"queue: {backend}, {arguments.tickets:,} tickets filled in {populate_s:.0f} s; "
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print_screens(measured, all_screens)
    print()
    overhead = print_intake_pairs(pairs)
    everything = [t for m in measured for t in m.timings_ms]
    slowest = max(measured, key=lambda m: m.p99_ms)
    p99 = percentile(everything, 99)
    print()
    print(
        f"targets: every p99 < {P99_TARGET_MS:.0f} ms: "
        f"{'met' if slowest.p99_ms < P99_TARGET_MS else 'NOT MET'}; intake_overhead < "
        f"{OVERHEAD_TARGET}: {'met' if overhead < OVERHEAD_TARGET else 'NOT MET'}"
    )
    print(
        f"queue tickets={arguments.tickets} p99_ms={p99:.0f} slowest={slowest.name} "
        f"slowest_ms={slowest.p99_ms:.0f} intake_overhead={overhead:.3f}"
    )
    failed = sum(run.load.run.non_2xx for pair in pairs for run in pair)
    return 0 if failed == 0 else 1
