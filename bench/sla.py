"""`python -m bench sla`: the SLA sweeper over a million open tickets, and what an action costs.

Two parts, one after the other so that they do not share the machine:
- sweep: a fresh database (`hotline migrate`, no demo city) filled with `--tickets` signed
  tickets, each with a running reply clock, of which `--due` are past their warning and their
  deadline. `sweep_s` is the wall time of `app.sla.sweeper.sweep` recording those alerts, set
  against the sweeper's own SELECT alone (the ceiling). Then the check: exactly `due`
  warnings and `due` breaches on the timelines, and a second sweep records nothing.
- action: the real service on a fresh demo database under wrk, the same script, connections
  and duration for a plain intake (a web-channel ticket) and for an action (`urge`, cycling
  over the tickets that intake created), both as the demo dispatcher.
  `action_to_intake` is the per-request time (1 / 2xx throughput) of the action over intake's.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import (
    Select,
    String,
    Table,
    case,
    cast,
    create_engine,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, configure_mappers, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine, create_session_factory
from app.dedup.similarity import text_for_matching
from app.demo.city import build_demo_city
from app.demo.people import demo_users
from app.identity.roles import Role
from app.sla import defaults as sla_defaults
from app.sla.models import SlaPolicy, TicketClock
from app.sla.sweeper import SweepResult, sweep
from app.tickets.models import Ticket, TicketEvent
from app.vocabulary import (
    Channel,
    ClockKind,
    ClockState,
    EventKind,
    Priority,
    RequestType,
    TicketStatus,
)
from app.workflow.machine import RULES, Action
from bench import harness
from bench.ceilings import TICKETS_PATH
from bench.harness import Backend, Server, WrkRun

SWEEP_DATABASE = "hotline_bench_sla"
SERVICE_DATABASE = "hotline_bench_sla_service"
SWEEP_TARGET_S = 0.5
ACTION_TARGET_RATIO = 2.0
CHUNK_ROWS = 100_000
RAW_QUERY_RUNS = 5
WARMUP_SECONDS = 2
WRK_THREADS = 2
MIN_TICKETS_PER_CONNECTION = 4
ACTION = Action.URGE
API = "/api/v1"

TICKETS: Table = Ticket.__table__  # type: ignore[assignment]
CLOCKS: Table = TicketClock.__table__  # type: ignore[assignment]
EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]

T = TypeVar("T")


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "sla", help="the SLA sweeper over many open tickets, and an action against intake"
    )
    harness.add_database_arguments(parser)
    harness.add_load_arguments(parser, duration=10)
    parser.add_argument(
        "--tickets", type=int, default=1_000_000, help="open tickets, each with a reply clock"
    )
    parser.add_argument("--due", type=int, default=1000, help="clocks past warning and deadline")
    parser.add_argument(
        "--action-tickets",
        type=int,
        default=1000,
        help="tickets the action cycles over, at most (taken from those intake created)",
    )
    parser.set_defaults(run=run)


def log(message: str) -> None:
    # Progress goes to stderr: stdout is the table and the contract line.
    print(f"[bench sla] {message}", file=sys.stderr, flush=True)


# --- populating the queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClockTimes:
    """When a generated reply clock started, warns and falls due."""

    started_at: datetime
    warn_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class Population:
    tickets: int
    due: int
    # Every `stride`-th ticket, up to `due` of them, is due: spread over the table, as due
    # tickets are in a real queue, rather than all on its first pages.
    stride: int
    now: datetime

    @property
    def overdue(self) -> ClockTimes:
        """Warned and breached by now, neither recorded yet."""
        now = self.now
        return ClockTimes(
            now - timedelta(days=20), now - timedelta(days=2), now - timedelta(days=1)
        )

    @property
    def pending(self) -> ClockTimes:
        now = self.now
        return ClockTimes(
            now - timedelta(hours=1), now + timedelta(days=10), now + timedelta(days=14)
        )


@dataclass(frozen=True)
class ReplyPolicy:
    """The default policy a complaint's reply clock runs under (`hotline migrate` makes it)."""

    id: int
    calendar_id: int
    target: str


def _reply_policy(connection: Connection) -> ReplyPolicy:
    default = next(
        policy
        for policy in sla_defaults.DEFAULT_POLICIES
        if policy.request_type == RequestType.COMPLAINT
    )
    row = connection.execute(
        select(SlaPolicy.id, SlaPolicy.calendar_id, SlaPolicy.reply_target).where(
            SlaPolicy.name == default.name
        )
    ).one_or_none()
    if row is None or row.reply_target is None:
        raise harness.BenchError(f"no {default.name!r} SLA policy: did `hotline migrate` run?")
    return ReplyPolicy(row.id, row.calendar_id, row.reply_target)


def _timestamp(value: datetime) -> ColumnElement[datetime]:
    # Typed, so SQLite gets the text SQLAlchemy writes for a datetime, PostgreSQL a timestamptz.
    return literal(value, TICKETS.c.created_at.type)


def _when_due(is_due: ColumnElement[bool], due: datetime, pending: datetime) -> ColumnElement[Any]:
    return case((is_due, _timestamp(due)), else_=_timestamp(pending))


def _insert_tickets(connection: Connection, population: Population, first: int, last: int) -> None:
    """Tickets numbered first..last: signed complaints from the web, minimal as
    bench/ceilings.py's, with the deadline of their reply clock copied on as the service does."""
    n = harness.numbers(first, last).c.i
    is_due = (n % population.stride == 0) & (n <= population.due * population.stride)
    overdue, pending = population.overdue, population.pending
    reply_due = _when_due(is_due, overdue.due_at, pending.due_at)
    created = _when_due(is_due, overdue.started_at, pending.started_at)
    description = "小区门口路灯不亮已经三天了，晚上行人很不方便"
    columns: dict[str, ColumnElement[Any]] = {
        "number": literal("SLA") + cast(n, String),
        "channel": literal(Channel.WEB.value),
        "request_type": literal(RequestType.COMPLAINT.value),
        "priority": literal(Priority.NORMAL.value),
        "title": literal(description[:20]),
        "description": literal(description),
        "match_text": literal(text_for_matching(description[:20], description)),
        "is_anonymous": literal(False),
        "is_confidential": literal(False),
        "status": literal(TicketStatus.SIGNED.value),
        "reply_due_at": reply_due,
        "next_due_at": reply_due,
        "version": literal(1),
        "tracking_code": cast(n, String),
        "channel_data": literal({}, TICKETS.c.channel_data.type),
        "created_at": created,
        "updated_at": created,
    }
    rows = select(*(value.label(name) for name, value in columns.items()))
    connection.execute(insert(TICKETS).from_select(list(columns), rows))


def _insert_clocks(
    connection: Connection, population: Population, policy: ReplyPolicy, after_id: int
) -> None:
    """A running reply clock for each ticket with an id above `after_id`; the due ones have
    passed their warning and their deadline, and wait for the sweeper to record both."""
    ticket = TICKETS.c
    is_due = ticket.reply_due_at <= _timestamp(population.now)
    warn_at = _when_due(is_due, population.overdue.warn_at, population.pending.warn_at)
    columns: dict[str, ColumnElement[Any]] = {
        "ticket_id": ticket.id,
        "kind": literal(ClockKind.REPLY.value),
        "cycle": literal(1),
        "state": literal(ClockState.RUNNING.value),
        "policy_id": literal(policy.id),
        "calendar_id": literal(policy.calendar_id),
        "target": literal(policy.target),
        "started_at": ticket.created_at,
        "due_at": ticket.reply_due_at,
        "warn_at": warn_at,
        # The warning is not recorded yet, so it is the next alert.
        "next_alert_at": warn_at,
        "extended_days": literal(0),
        "provisional": literal(False),
    }
    rows = select(*(value.label(name) for name, value in columns.items())).where(
        ticket.id > after_id
    )
    connection.execute(insert(CLOCKS).from_select(list(columns), rows))


def _max_ticket_id(connection: Connection) -> int:
    highest: int = connection.execute(select(func.coalesce(func.max(TICKETS.c.id), 0))).scalar_one()
    return highest


def populate(engine: Engine, population: Population) -> None:
    """Insert the tickets and their clocks in committed chunks, with progress on stderr."""
    with engine.connect() as connection:
        policy = _reply_policy(connection)
    started = time.perf_counter()
    for first in range(1, population.tickets + 1, CHUNK_ROWS):
        last = min(first + CHUNK_ROWS - 1, population.tickets)
        with engine.begin() as connection:
            after_id = _max_ticket_id(connection)
            _insert_tickets(connection, population, first, last)
            _insert_clocks(connection, population, policy, after_id)
        log(
            f"populated {last:,} / {population.tickets:,} tickets and clocks "
            f"({time.perf_counter() - started:.1f} s)"
        )


def analyze(engine: Engine) -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ANALYZE ticket_clock"))
        else:
            connection.execute(text("ANALYZE"))


# --- sweeping ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepCheck:
    """What the sweep recorded, against what it had to."""

    due: int
    result: SweepResult
    warned_events: int
    breached_events: int
    second: SweepResult
    events_after_second: tuple[int, int]
    still_due: int

    @property
    def failures(self) -> list[str]:
        found = []
        if (self.result.clocks, self.result.warnings, self.result.breaches) != (self.due,) * 3:
            found.append(f"the sweep reported {self.result}, not {self.due} of each")
        if (self.warned_events, self.breached_events) != (self.due, self.due):
            found.append(
                f"{self.warned_events} sla_warned and {self.breached_events} sla_breached "
                f"events recorded, not {self.due} of each"
            )
        if self.second.clocks or self.second.warnings or self.second.breaches:
            found.append(f"a second sweep recorded {self.second}")
        if self.events_after_second != (self.warned_events, self.breached_events):
            found.append(f"events after the second sweep: {self.events_after_second}")
        if self.still_due:
            found.append(f"{self.still_due} clocks still due after the sweeps")
        return found


@dataclass(frozen=True)
class SweepMeasurement:
    population: Population
    populate_s: float
    analyze_s: float
    raw_query_s: float
    sweep_s: float
    batch: int
    check: SweepCheck

    @property
    def batches(self) -> int:
        """Transactions that record alerts (the sweep ends with one more that finds none
        when the last is full)."""
        return -(-self.population.due // self.batch)


def _due_clocks(now: datetime, batch: int) -> Select[Any]:
    """The sweeper's own SELECT without FOR UPDATE: what reading the due clocks costs."""
    return (
        select(CLOCKS)
        .where(CLOCKS.c.next_alert_at <= now)
        .order_by(CLOCKS.c.next_alert_at)
        .limit(batch)
    )


def time_raw_query(engine: Engine, batch: int, expected: int) -> float:
    """Median wall time of the due-clock query, rows fetched, after one warm-up run (which
    also warms the pages the sweep reads: both are then measured warm)."""
    timings = []
    with engine.connect() as connection:
        for run in range(RAW_QUERY_RUNS + 1):
            started = time.perf_counter()
            rows = connection.execute(_due_clocks(utc_now(), batch)).all()
            if run:
                timings.append(time.perf_counter() - started)
            if len(rows) != min(batch, expected):
                raise harness.BenchError(f"{len(rows)} clocks due, not {min(batch, expected)}")
        connection.rollback()
    return statistics.median(timings)


def _alert_events(engine: Engine) -> tuple[int, int]:
    counts = harness.count_rows(
        engine.url.render_as_string(hide_password=False),
        {
            kind: select(func.count()).select_from(EVENTS).where(EVENTS.c.kind == kind)
            for kind in (EventKind.SLA_WARNED, EventKind.SLA_BREACHED)
        },
    )
    return counts[EventKind.SLA_WARNED], counts[EventKind.SLA_BREACHED]


def _still_due(engine: Engine) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(CLOCKS.c.next_alert_at <= utc_now())
        return connection.execute(query.select_from(CLOCKS)).scalar_one()


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def check_sweep(
    engine: Engine, factory: sessionmaker[Session], due: int, result: SweepResult
) -> SweepCheck:
    """The events the sweep wrote, and that sweeping again finds nothing to record."""
    warned, breached = _alert_events(engine)
    second = sweep(factory)
    return SweepCheck(
        due, result, warned, breached, second, _alert_events(engine), _still_due(engine)
    )


def measure_sweep(database_url: str, population: Population) -> SweepMeasurement:
    """Populate, analyze, time the raw query and the sweep, then check what it recorded."""
    settings = Settings(database_url=database_url)
    engine = create_db_engine(settings)
    factory = create_session_factory(engine)
    batch = settings.sla_sweep_batch
    try:
        _, populate_s = _timed(lambda: populate(engine, population))
        log(f"analyze ({population.tickets:,} tickets)")
        _, analyze_s = _timed(lambda: analyze(engine))
        raw_query_s = time_raw_query(engine, batch, population.due)
        # A warm process, as the service's sweeper runs in: the ORM's one-off set-up (about
        # 0.1 s on the first TicketClock the process builds) is not the sweep's cost.
        configure_mappers()
        log("sweep")
        result, sweep_s = _timed(lambda: sweep(factory, batch))
        check = check_sweep(engine, factory, population.due, result)
    finally:
        engine.dispose()
    return SweepMeasurement(population, populate_s, analyze_s, raw_query_s, sweep_s, batch, check)


def plan_population(tickets: int, due: int) -> Population:
    if not 0 < due <= tickets:
        raise harness.BenchError(f"--due must be between 1 and --tickets ({tickets}), not {due}")
    return Population(tickets, due, tickets // due, utc_now())


# --- an action against intake, under wrk ------------------------------------------------------

# One loop for both request kinds, so that they differ only in what the service does.
# Written next to the run's databases (this module is the whole benchmark).
WRK_SCRIPT = (
    harness.LUA_THREADS_AND_SETTINGS
    + """\
-- wrk script for `python -m bench sla`: POSTs SLA_BODY to each path of SLA_PATHS_FILE in
-- turn, with the bearer token SLA_TOKEN. Thread k of n = SLA_THREADS takes the paths k,
-- k + n, k + 2n, ...: two requests in flight never act on the same ticket while each thread
-- has more paths than connections. The first few non-2xx answers of each thread go to SLA_ERRORS.
-- done() prints one line, "@bench key=value ...", that bench/harness.py parses.

local PATHS_FILE = required("SLA_PATHS_FILE")
local THREADS = tonumber(required("SLA_THREADS"))
local BODY = required("SLA_BODY")
local ERRORS = required("SLA_ERRORS")
local HEADERS = {
   ["Content-Type"] = "application/json",
   ["Authorization"] = "Bearer " .. required("SLA_TOKEN"),
}
local ERROR_SAMPLES = 3

wrk.method = "POST"

function init(args)
   ok = 0
   failed = 0
   statuses = {}
   samples = 0
   local all = {}
   for line in io.lines(PATHS_FILE) do
      all[#all + 1] = line
   end
   paths = {}
   for index = thread_number, #all, THREADS do
      paths[#paths + 1] = all[index]
   end
   if #paths == 0 then
      paths = all -- fewer paths than threads: one path (intake) for every thread
   end
   sent = 0
end

function request()
   sent = sent + 1
   return wrk.format(nil, paths[(sent - 1) % #paths + 1], HEADERS, BODY)
end

"""
    + harness.LUA_COUNT_AND_REPORT
)


@dataclass(frozen=True)
class LoadSetup:
    """What every wrk run of the service shares."""

    server: Server
    database_url: str
    token: str
    workdir: Path
    duration: int
    connections: int

    @property
    def script(self) -> Path:
        return self.workdir / "sla.lua"

    @property
    def errors_file(self) -> Path:
        return self.workdir / "non-2xx.txt"


@dataclass(frozen=True)
class RequestKind:
    name: str
    paths: Sequence[str]
    body: str


@dataclass(frozen=True)
class LoadMeasurement:
    kind: RequestKind
    run: WrkRun
    error_samples: list[str]

    @property
    def per_request_ms(self) -> float:
        """Wall time per 2xx answer at this concurrency: 1 / throughput."""
        return 1000 / self.run.ok_per_s if self.run.ok_per_s > 0 else float("inf")

    @property
    def mean_ms(self) -> float:
        return self.run.integer("mean_us") / 1000


def _login(server: Server, username: str, password: str) -> str:
    response = httpx.post(
        f"{server.base_url}{API}/auth/token",
        data={"username": username, "password": password},
        timeout=30,
    )
    if response.status_code != 200:
        raise harness.BenchError(
            f"login as {username} answered {response.status_code}: {response.text}"
        )
    token: str = response.json()["access_token"]
    return token


def dispatcher_token(server: Server) -> str:
    """A bearer token of the demo dispatcher, who may both file tickets and urge them."""
    dispatcher = next(
        user for user in demo_users(build_demo_city()) if user.role is Role.DISPATCHER
    )
    return _login(server, dispatcher.username, dispatcher.password)


def intake_body(server: Server) -> str:
    """A web-channel complaint with a category and an address of the demo city."""
    response = httpx.get(f"{server.base_url}{API}/categories", timeout=30)
    response.raise_for_status()
    category: str = response.json()[0]["children"][0]["code"]
    body = {
        "channel": Channel.WEB.value,
        "request_type": RequestType.COMPLAINT.value,
        "category_code": category,
        "description": "小区门口路灯不亮已经三天了，晚上行人很不方便",
        "address": "潭城街道府前路18号",
    }
    return json.dumps(body, ensure_ascii=False)


def action_paths(database_url: str, count: int, connections: int) -> list[str]:
    """The action's path on up to `count` tickets that allow it, the newest intake created;
    at least a few per connection, so that no two requests in flight share a ticket."""
    query = (
        select(TICKETS.c.number)
        .where(TICKETS.c.status.in_(RULES[ACTION].sources))
        .order_by(TICKETS.c.id.desc())
        .limit(count)
    )
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            numbers = list(connection.execute(query).scalars())
    finally:
        engine.dispose()
    needed = MIN_TICKETS_PER_CONNECTION * connections
    if len(numbers) < needed:
        raise harness.BenchError(
            f"only {len(numbers)} tickets allow {ACTION}, not the {needed} that "
            f"{connections} connections need: intake created too few (a longer --duration)"
        )
    return [f"{TICKETS_PATH}/{number}/{ACTION}" for number in numbers]


def _wrk(setup: LoadSetup, kind: RequestKind, duration: int, *, watch: bool) -> WrkRun:
    paths_file = setup.workdir / "paths.txt"
    paths_file.write_text("".join(f"{path}\n" for path in kind.paths))
    return harness.run_wrk(
        setup.script,
        setup.server.base_url,
        duration=duration,
        connections=setup.connections,
        threads=WRK_THREADS,
        env={
            "SLA_PATHS_FILE": str(paths_file),
            "SLA_THREADS": str(WRK_THREADS),
            "SLA_BODY": kind.body,
            "SLA_TOKEN": setup.token,
            "SLA_ERRORS": str(setup.errors_file),
        },
        watch_pid=setup.server.process.pid if watch else None,
    )


def _settle(setup: LoadSetup) -> None:
    # wrk leaves requests in flight when it stops; the next run starts once they are done.
    harness.settled_row_counts(setup.database_url, {"events": harness.rows_of("ticket_event")})


def measure_load(setup: LoadSetup, kind: RequestKind) -> LoadMeasurement:
    """A warm-up, then one measured run of `kind`; the first non-2xx answers it got."""
    log(f"{kind.name}: {WARMUP_SECONDS} s warm-up")
    _wrk(setup, kind, WARMUP_SECONDS, watch=False)
    _settle(setup)
    setup.errors_file.unlink(missing_ok=True)
    log(f"{kind.name}: {setup.duration} s measured run")
    run = _wrk(setup, kind, setup.duration, watch=True)
    _settle(setup)
    errors = setup.errors_file.read_text().splitlines() if setup.errors_file.exists() else []
    if run.non_2xx:
        log(
            f"{kind.name}: {run.non_2xx} answers not 2xx; the service log ends:\n"
            f"{setup.server.log_tail()}"
        )
    return LoadMeasurement(kind, run, errors)


@dataclass(frozen=True)
class ActionMeasurement:
    intake: LoadMeasurement
    action: LoadMeasurement

    @property
    def action_to_intake(self) -> float:
        """Per-request time (1 / 2xx throughput) of the action over intake's."""
        return self.action.per_request_ms / self.intake.per_request_ms


def start_service(
    cleanup: ExitStack, backend: Backend, postgres_url: str, workdir: Path
) -> tuple[Server, str]:
    """The real service on a fresh demo database; both go when `cleanup` closes."""
    log(f"preparing the {backend} service database (migrate, seed-demo)")
    url = harness.fresh_database(backend, SERVICE_DATABASE, workdir, postgres_url)
    cleanup.callback(harness.drop_database, backend, url, postgres_url)
    harness.migrate_and_seed(url)
    env = harness.service_env(url, workdir / "uploads")
    server = harness.start_server("service", "app.main:create_app", env=env, log_dir=workdir)
    cleanup.callback(harness.stop_server, server)
    return server, url


def measure_action(
    backend: Backend, postgres_url: str, workdir: Path, arguments: argparse.Namespace
) -> ActionMeasurement:
    """Intake, then the action on tickets intake created, on one server and database."""
    with ExitStack() as cleanup:
        server, url = start_service(cleanup, backend, postgres_url, workdir)
        token = dispatcher_token(server)
        setup = LoadSetup(server, url, token, workdir, arguments.duration, arguments.connections)
        setup.script.write_text(WRK_SCRIPT)
        intake_kind = RequestKind("intake (web)", [TICKETS_PATH], intake_body(server))
        intake = measure_load(setup, intake_kind)
        paths = action_paths(url, arguments.action_tickets, arguments.connections)
        note = json.dumps({"note": "请尽快处理 (bench sla)"}, ensure_ascii=False)
        action = measure_load(setup, RequestKind(str(ACTION), paths, note))
    return ActionMeasurement(intake, action)


# --- the run ----------------------------------------------------------------------------------


def run_sweep(
    backend: Backend, postgres_url: str, workdir: Path, population: Population
) -> SweepMeasurement:
    """The sweep part on a database of its own, dropped afterwards."""
    with ExitStack() as cleanup:
        log(f"preparing the {backend} sweep database (migrate)")
        url = harness.fresh_database(backend, SWEEP_DATABASE, workdir, postgres_url)
        cleanup.callback(harness.drop_database, backend, url, postgres_url)
        harness.run_hotline_command(url, "migrate")
        return measure_sweep(url, population)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def print_sweep(m: SweepMeasurement, backend: Backend, load_before: float) -> None:
    p = m.population
    print(
        f"sla sweep: {backend}, {p.tickets:,} open tickets with a running reply clock, "
        f"{p.due:,} of them due (every {p.stride:,}th); batch {m.batch}; "
        f"load average {load_before:.1f} before the start, on {os.cpu_count()} cores"
    )
    raw_ms, sweep_ms = m.raw_query_s * 1000, m.sweep_s * 1000
    batches = m.batches
    rows = [
        ("populate", f"{m.populate_s:.1f} s", f"INSERT ... SELECT, {CHUNK_ROWS:,} rows a commit"),
        ("analyze", f"{m.analyze_s:.1f} s", "planner statistics, as autovacuum would"),
        (
            "due query (ceiling)",
            f"{raw_ms:.2f} ms",
            f"the sweeper's SELECT without FOR UPDATE, rows fetched; median of "
            f"{RAW_QUERY_RUNS} warm runs" + (f"; x {batches} batches" if batches > 1 else ""),
        ),
        (
            "sweep",
            f"{sweep_ms:.2f} ms",
            f"app.sla.sweeper.sweep, warm pages; target < {SWEEP_TARGET_S * 1000:.0f} ms: "
            f"{_verdict(m.sweep_s < SWEEP_TARGET_S)}",
        ),
        (
            "sweep / due query",
            f"{m.sweep_s / (m.raw_query_s * batches):.1f}",
            "what recording the alerts adds to reading the clocks",
        ),
    ]
    width = max(len(label) for label, _, _ in rows) + 2
    for label, value, note in rows:
        print(f"{label:<{width}}{value:>12}   {note}")
    check = m.check
    if check.failures:
        print("check: FAILED: " + "; ".join(check.failures))
    else:
        print(
            f"check: ok: {check.result.clocks:,} clocks swept, {check.warned_events:,} sla_warned "
            f"and {check.breached_events:,} sla_breached events recorded; a second sweep "
            "recorded nothing; no clock is still due"
        )


def _load_row(m: LoadMeasurement) -> str:
    run = m.run
    per_ok = run.cpu_ms_per_ok
    if run.cpu is None or per_ok is None:
        cpu = f"{'-':>9}{'-':>11}{'-':>9}"
    else:
        cpu = f"{run.cpu.process_cores:>9.2f}{per_ok:>11.2f}{run.cpu.machine_cores:>9.2f}"
    return (
        f"{m.kind.name:<14}{run.ok_per_s:>9.1f}{m.per_request_ms:>9.2f}{m.mean_ms:>9.1f}"
        f"{run.p50_ms:>9.1f}{run.p99_ms:>9.1f}{run.ok:>8}{run.non_2xx:>9}"
        f"{run.socket_errors:>10}{cpu}"
    )


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return "-"
    return f"{numerator / denominator:.2f}"


def print_action(m: ActionMeasurement, backend: Backend, duration: int, connections: int) -> None:
    print()
    print(
        f"sla action cost: {backend}, {connections} connections, {duration} s measured per kind "
        f"after a {WARMUP_SECONDS} s warm-up, one uvicorn worker, as the demo dispatcher; "
        f"{ACTION} cycles over {len(m.action.kind.paths):,} tickets intake created"
    )
    header = (
        f"{'request':<14}{'2xx/s':>9}{'ms/2xx':>9}{'mean ms':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'2xx':>8}{'non-2xx':>9}{'sock err':>10}{'srv cpu':>9}{'cpu ms/2xx':>11}{'box cpu':>9}"
    )
    print(header)
    print("-" * len(header))
    for load in (m.intake, m.action):
        print(_load_row(load))
    intake, action = m.intake, m.action
    print(
        f"{ACTION} / intake: per request (ms/2xx = 1 / 2xx throughput, the contract's "
        f"action_to_intake) {m.action_to_intake:.2f}, target <= {ACTION_TARGET_RATIO:.0f}: "
        f"{_verdict(m.action_to_intake <= ACTION_TARGET_RATIO)}; mean latency "
        f"{_ratio(action.mean_ms, intake.mean_ms)}; server CPU per 2xx "
        f"{_ratio(action.run.cpu_ms_per_ok, intake.run.cpu_ms_per_ok)}"
    )
    print(
        "srv cpu / box cpu: cores busy in the server process / on the whole machine "
        f"(wrk and the database count there too); load average {os.getloadavg()[0]:.1f} "
        "at the end"
    )
    for load in (intake, action):
        if load.run.socket_errors:
            print(
                f"WARNING: {load.kind.name}: {load.run.socket_errors} socket errors (timeouts: "
                "no answer within wrk's 2 s); fewer --connections, or a quieter machine"
            )
        if load.run.non_2xx:
            print(
                f"{load.kind.name}: {load.run.non_2xx} answers not 2xx "
                f"({load.run.fields.get('statuses', '')}); the first of them:"
            )
            for sample in load.error_samples:
                print(f"  {sample}")


def _answered_cleanly(m: ActionMeasurement) -> bool:
    return all(load.run.ok > 0 and load.run.non_2xx == 0 for load in (m.intake, m.action))


def run(arguments: argparse.Namespace) -> int:
    """The whole benchmark; 0 when the sweep recorded exactly what was due and every request
    was answered 2xx. Failing the targets is a result, not an error."""
    harness.require_wrk()
    backend: Backend = arguments.db
    postgres_url: str = arguments.postgres_url
    population = plan_population(arguments.tickets, arguments.due)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-sla-") as directory:
        workdir = Path(directory)
        swept = run_sweep(backend, postgres_url, workdir, population)
        print_sweep(swept, backend, load_before)
        if swept.check.failures:
            print("sla: the sweep did not record exactly what was due; no action measured")
            return 1
        action = measure_action(backend, postgres_url, workdir, arguments)
    print_action(action, backend, arguments.duration, arguments.connections)
    print(
        f"sla sweep_s={swept.sweep_s:.3f} open_tickets={population.tickets} "
        f"due={population.due} action_to_intake={action.action_to_intake:.2f}"
    )
    return 0 if _answered_cleanly(action) else 1
