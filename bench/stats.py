"""`python -m bench stats`: the statistics at a million tickets.

One database (`hotline migrate`, `hotline seed-demo`), then:
- population: `--tickets` tickets made in SQL as `python -m bench queue` makes them (a year
  over the demo city, closed after 30 days), each given a life on its timeline written in
  bulk with its places in the event feed: received, routed to its unit with its deadlines,
  one in ten returned or signed late (a sign-for breach first), signed, replied with its
  handling time, visited back with the citizen's verdict, closed. The rollups are then
  computed by `hotline rebuild-stats`'s code (timed).
- reads, through the real service as the dispatch centre, `--repeats` each after a warm-up:
  a month's report by unit for every unit of each kind (streets, communities, unit grids,
  departments), the rankings of the unit grids (the most units), the hotspots. report_ms is
  the p50 of the slowest kind, ranking_ms the rankings' p50. Target: both under 300 ms.
- export: the queue as CSV, every ticket of the year, rows per second through HTTP, and the
  server's peak memory (VmHWM) before it, after a month's export and after the whole year:
  constant memory means the year adds little to the month. Target: 50,000 rows/s.
- recount: one month's assigned, replied, visited, solved and satisfied per unit, counted
  again from the raw timeline and tickets in SQL, against the rollups.
- rollup overhead: the real service under wrk taking in 12345 calls with the rollups kept
  (HOTLINE_STATS_ROLLUPS=true) and without (false: the ceiling), the server's CPU per ticket
  taken in from the run's start until every request has finished and, kept, the follower
  has counted them all (the rollups are counted from the event feed, after the request);
  and an action (sign-for) one at a time, CPU per action, both ways, counted likewise
  (eight rounds, each way's median). rollup_overhead is the larger of the two. Target: under 0.05.

Last line: `stats tickets=N report_ms=N ranking_ms=N export_rows_per_s=N rollup_overhead=R
matches_recount=yes|no`.
"""

import argparse
import functools
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, Table, and_, create_engine, func, insert, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.pool import NullPool

from app.categories.models import Category
from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine
from app.events.models import EventFeed
from app.events.service import FEED
from app.stats import rollup
from app.stats.models import StatProgress, stat_day, stat_unit_month
from app.stats.periods import PeriodKind, Span, span_of
from app.stats.tally import STATS_ZONE
from app.tickets.models import Ticket, TicketEvent
from app.units.models import Department, Grid
from app.vocabulary import EventKind
from bench import dedup, harness, queue
from bench.harness import Backend

DATABASE = "hotline_bench_stats"
API = "/api/v1"
READ_TARGET_MS = 300.0
EXPORT_TARGET = 50_000
OVERHEAD_TARGET = 0.05
WARMUP = 2
CHUNK = 20_000
ACTIONS = 400  # sign-fors each way, over ACTION_ROUNDS
ACTION_WARMUP = 5  # sign-fors a server makes before its CPU is read
SETTLE_S = 1.5  # a run's quiet time: longer than the follower's poll (1 s by default)
SIGN_HOURS = 4  # the demo policies' sign-for limit for most categories
LOG = "[bench stats]"
_EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
_FEED: Table = EventFeed.__table__  # type: ignore[assignment]
_PROGRESS: Table = StatProgress.__table__  # type: ignore[assignment]


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "stats", help="reports, rankings, hotspots and exports at 1M tickets; rollups' cost"
    )
    harness.add_database_arguments(parser)
    harness.add_load_arguments(parser, duration=10)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets in the table")
    parser.add_argument("--repeats", type=int, default=10, help="timed requests per read")
    parser.set_defaults(run=run)


def log(message: str) -> None:
    print(f"{LOG} {message}", file=sys.stderr, flush=True)


# --- the lives, on the timeline -------------------------------------------------------------


def _event(ticket_id: int, kind: str, at: datetime, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "kind": kind,
        "actor_kind": "system" if kind in ("received", "routed", "sla_breached") else "user",
        "actor_ref": None,
        "channel": None,
        "payload": payload,
        "created_at": at,
    }


def _clock(kind: str, due: datetime) -> dict[str, Any]:
    return {"clock": kind, "cycle": 1, "target": "", "due_at": due.isoformat(), "state": "running"}


def life(row: Any, now: datetime) -> list[dict[str, Any]]:
    """A ticket's timeline as its status says it went (random but repeatable per ticket)."""
    rng = random.Random(row.id)
    at: datetime = row.created_at
    events = [
        _event(
            row.id,
            "received",
            at,
            {
                "channel": row.channel,
                "request_type": row.request_type,
                "category": row.category,
                "grid": row.grid,
            },
        )
    ]
    lead = (
        {"kind": "department", "code": row.department}
        if row.department
        else {"kind": "grid", "code": row.assigned_grid}
        if row.assigned_grid
        else None
    )
    if row.status == "new" or lead is None:
        return events
    routed_at = at + timedelta(seconds=30)
    sign_due = routed_at + timedelta(hours=SIGN_HOURS)
    reply_due = row.reply_due_at or routed_at + timedelta(days=15)
    events.append(_event(row.id, "routed", routed_at, {"lead": lead, "previous": None}))
    started = {"policy": "bench", "clocks": [_clock("sign", sign_due), _clock("reply", reply_due)]}
    events.append(_event(row.id, "clock_started", routed_at, started))
    late = rng.random() < 0.1
    signed_at = routed_at + timedelta(hours=6 if late else rng.uniform(0.1, 3.5))
    if signed_at > now:
        return events
    if late:
        breach = _clock("sign", sign_due) | {"at": sign_due.isoformat()}
        events.append(_event(row.id, "sla_breached", sign_due, breach))
    if row.status == "returned":
        events.append(_event(row.id, "returned", signed_at, {"lead": None, "previous": lead}))
        return events
    if row.status == "dispatched":
        return events
    events.append(_event(row.id, "signed", signed_at, {"note": None}))
    if row.status in ("signed", "suspended"):
        return events
    handling_h = rng.uniform(2, 160)
    replied_at = signed_at + timedelta(hours=handling_h)
    if replied_at > now:
        return events
    payload = {"reply": "已办理", "handling_business_s": round(handling_h * 3600 / 3)}
    events.append(_event(row.id, "replied", replied_at, payload))
    if row.status == "replied":
        return events
    visited_at = replied_at + timedelta(hours=rng.uniform(2, 48))
    if visited_at > now:
        return events
    verdict = rng.random()
    satisfaction = (
        "satisfied"
        if verdict < 0.8
        else "basically_satisfied"
        if verdict < 0.92
        else "dissatisfied"
    )
    visit = {"satisfaction": satisfaction, "solved": rng.random() < 0.93, "note": None}
    events.append(_event(row.id, "visited", visited_at, visit))
    events.append(_event(row.id, "closed", visited_at + timedelta(minutes=5), {"note": None}))
    return events


def _tickets(session: Session, first: int, last: int) -> Any:
    assigned = aliased(Grid)
    located = aliased(Grid)
    return session.execute(
        select(
            Ticket.id,
            Ticket.created_at,
            Ticket.status,
            Ticket.channel,
            Ticket.request_type,
            Ticket.reply_due_at,
            Category.code.label("category"),
            Department.code.label("department"),
            assigned.code.label("assigned_grid"),
            located.code.label("grid"),
        )
        .outerjoin(Category, Category.id == Ticket.category_id)
        .outerjoin(Department, Department.id == Ticket.assigned_department_id)
        .outerjoin(assigned, assigned.id == Ticket.assigned_grid_id)
        .outerjoin(located, located.id == Ticket.grid_id)
        .where(Ticket.id >= first, Ticket.id <= last)
        .order_by(Ticket.id)
    ).all()


def write_lives(engine: Engine, now: datetime) -> int:
    """Every ticket's timeline, written in bulk with its places in the event feed (a year
    of history was placed long ago), the rollups to be counted by `rebuild`."""
    with engine.connect() as connection:
        low, high = connection.execute(select(func.min(Ticket.id), func.max(Ticket.id))).one()
        placed = connection.execute(
            select(_FEED.c.last_position).where(_FEED.c.name == FEED)
        ).scalar_one()
    written = 0
    started = time.perf_counter()
    statement = insert(_EVENTS)
    for first in range(low, high + 1, CHUNK):
        with Session(engine) as session:
            rows = [
                event
                for row in _tickets(session, first, first + CHUNK - 1)
                for event in life(row, now)
            ]
            for row in rows:
                placed += 1
                row["feed_position"] = placed
            session.connection().execute(statement, rows)
            session.execute(update(_FEED).where(_FEED.c.name == FEED).values(last_position=placed))
            session.commit()
        written += len(rows)
        if (first - low) // CHUNK % 10 == 0:
            log(
                f"timelines up to ticket {first + CHUNK - 1:,}: {written:,} events "
                f"({time.perf_counter() - started:.0f} s)"
            )
    return written


# --- the recount ----------------------------------------------------------------------------


def _instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=STATS_ZONE).astimezone(UTC)


def recount(engine: Engine, month: Span) -> tuple[bool, int]:
    """One month's figures per unit from the raw timeline and tickets, against the rollups:
    whether all agree, and how many (unit, figure) pairs were compared."""
    start, end = _instant(month.first), _instant(month.last + timedelta(days=1))
    events = _EVENTS
    in_month = and_(events.c.created_at >= start, events.c.created_at < end)
    lead = events.c.payload["lead"]["code"].as_string()
    unit_of_ticket = func.coalesce(Department.code, Grid.code)
    raw: dict[tuple[str, str], int] = {}
    with engine.connect() as connection:
        for code, count in connection.execute(
            select(lead, func.count()).where(in_month, events.c.kind == "routed").group_by(lead)
        ):
            raw[(code, "assigned")] = count
        # Each expression built once: PostgreSQL groups by the very expression selected.
        solved = events.c.payload["solved"].as_boolean()
        satisfied = events.c.payload["satisfaction"].as_string()
        joined = (
            select(unit_of_ticket, events.c.kind, solved, satisfied, func.count())
            .select_from(events)
            .join(Ticket, Ticket.id == events.c.ticket_id)
            .outerjoin(Department, Department.id == Ticket.assigned_department_id)
            .outerjoin(Grid, Grid.id == Ticket.assigned_grid_id)
            .where(in_month, events.c.kind.in_(["replied", "visited"]))
            .group_by(unit_of_ticket, events.c.kind, solved, satisfied)
        )
        for code, kind, solved, satisfaction, count in connection.execute(joined):
            figures = [kind]
            if kind == "visited" and solved:
                figures.append("solved")
            if kind == "visited" and satisfaction == "satisfied":
                figures.append("satisfied")
            for name in figures:
                raw[(code, name)] = raw.get((code, name), 0) + count
        names = ("assigned", "replied", "visited", "solved", "satisfied")
        # The full buckets, and the per-unit month that reports by unit and rankings read.
        kept_by: list[dict[tuple[str, str], int]] = []
        for table, first in (
            (stat_day, stat_day.c.day),
            (stat_unit_month, stat_unit_month.c.month),
        ):
            kept: dict[tuple[str, str], int] = {}
            rolled = connection.execute(
                select(table.c.unit_code, *(func.sum(table.c[name]) for name in names))
                .where(first >= month.first, first <= month.last, table.c.unit_code != "")
                .group_by(table.c.unit_code)
            )
            for code, *values in rolled:
                for name, value in zip(names, values, strict=True):
                    if value:
                        kept[(code, name)] = int(value)
            kept_by.append(kept)
    return all(raw == kept for kept in kept_by), len(raw)


# --- reads through the service --------------------------------------------------------------


def _timed(
    client: httpx.Client, path: str, params: dict[str, Any], headers: dict[str, str], repeats: int
) -> list[float]:
    timings = []
    for attempt in range(WARMUP + repeats):
        started = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise harness.BenchError(f"GET {path} {params}: {response.status_code} {response.text}")
        if attempt >= WARMUP:
            timings.append(elapsed)
    return timings


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Reads:
    timings: dict[str, list[float]]
    export_rows: int
    export_s: float
    month_rows: int
    rss_mb: dict[str, float | None]


def _export(
    client: httpx.Client, params: dict[str, Any], headers: dict[str, str]
) -> tuple[int, float]:
    started = time.perf_counter()
    lines = 0
    with client.stream("GET", f"{API}/tickets/export", params=params, headers=headers) as answer:
        if answer.status_code != 200:
            raise harness.BenchError(f"export: {answer.status_code} {answer.read()!r}")
        for chunk in answer.iter_bytes():
            lines += chunk.count(b"\n")
    return lines - 1, time.perf_counter() - started


def measure_reads(server: harness.Server, month: date, now: datetime, repeats: int) -> Reads:
    timings: dict[str, list[float]] = {}
    pid = server.process.pid
    rss: dict[str, float | None] = {}
    with httpx.Client(base_url=server.base_url, timeout=600) as client:
        headers = {"Authorization": f"Bearer {queue._token(client, 'dispatcher')}"}
        period = {"period": "month", "date": month.isoformat()}
        for kind in ("street", "community", "grid", "department"):
            params = period | {"by": "unit", "unit_kind": kind}
            timings[f"report:{kind}"] = _timed(
                client, f"{API}/stats/report", params, headers, repeats
            )
            log(f"report by {kind}: p50 {statistics.median(timings[f'report:{kind}']):.0f} ms")
        timings["ranking:grid"] = _timed(
            client, f"{API}/stats/rankings", period | {"kind": "grid"}, headers, repeats
        )
        timings["hotspots"] = _timed(client, f"{API}/stats/hotspots", period, headers, repeats)
        log("exports")
        rss["before"] = _peak_rss_mb(pid)
        month_ago = (now - timedelta(days=30)).isoformat()
        month_rows, _ = _export(client, {"created_from": month_ago}, headers)
        rss["after_month"] = _peak_rss_mb(pid)
        year_ago = (now - timedelta(days=365)).isoformat()
        rows, seconds = _export(client, {"created_from": year_ago}, headers)
        rss["after_year"] = _peak_rss_mb(pid)
    return Reads(timings, rows, seconds, month_rows, rss)


def _cpu_s(pid: int) -> float:
    sample = harness.cpu_sample(pid)
    return sample.process_s if sample else float("nan")


def settle(url: str, keep: bool) -> None:
    """The same quiet time after a run both ways, long enough for the follower's next
    pass; kept, also until it has counted everything. So the server's idle work in that
    time weighs on both, and what differs is the counting."""
    time.sleep(SETTLE_S)
    if keep:
        wait_for_rollups(url)


def wait_for_rollups(url: str, timeout: float = 120.0) -> None:
    """Until the server's follower has counted every committed timeline row."""
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                waiting = connection.execute(
                    select(func.count()).where(_EVENTS.c.feed_position.is_(None))
                ).scalar_one()
                head = connection.execute(
                    select(_FEED.c.last_position).where(_FEED.c.name == FEED)
                ).scalar_one()
                counted = connection.execute(select(_PROGRESS.c.feed_position)).scalar_one()
            if waiting == 0 and counted >= head:
                return
            if time.monotonic() > deadline:
                raise harness.BenchError(f"the rollups did not catch up in {timeout:.0f} s")
            time.sleep(0.1)
    finally:
        engine.dispose()


def measure_actions(url: str, workdir: Path, keep: bool, numbers: list[str]) -> float:
    """Server CPU ms per sign-for, one at a time, with the rollups kept or not."""
    env = harness.service_env(url, workdir / "uploads") | {
        "HOTLINE_STATS_ROLLUPS": str(keep).lower()
    }
    server = harness.start_server(
        f"actions-{keep}", "app.main:create_app", env=env, log_dir=workdir
    )
    try:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            headers = {"Authorization": f"Bearer {queue._token(client, 'unit')}"}
            for number in numbers[:ACTION_WARMUP]:
                client.post(f"{API}/tickets/{number}/sign", json={}, headers=headers)
            settle(url, keep)
            before = _cpu_s(server.process.pid)
            done, refused = 0, ""
            for number in numbers[ACTION_WARMUP:]:
                answer = client.post(f"{API}/tickets/{number}/sign", json={}, headers=headers)
                done += answer.status_code == 200
                if answer.status_code != 200 and not refused:
                    refused = f"{answer.status_code} {answer.text[:300]}"
            settle(url, keep)  # the follower's counting of these actions is their cost
            spent = _cpu_s(server.process.pid) - before
    finally:
        harness.stop_server(server)
    if done == 0:
        log(f"no sign-for succeeded (of {len(numbers) - ACTION_WARMUP}): {refused}")
        return float("nan")
    return spent * 1000 / done


def _dispatched_numbers(engine: Engine, count: int) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(Ticket.number)
                .join(Department, Department.id == Ticket.assigned_department_id)
                .where(Ticket.status == "dispatched", Department.code == queue.UNIT_DEPARTMENT)
                .limit(count)
            ).scalars()
        )


# --- the run --------------------------------------------------------------------------------


ABBA = (True, False, False, True)  # the rounds, with the rollups kept or not
# A sign-for costs a few ms, so a round's CPU also holds the server's idle passes and the
# machine's noise: eight rounds, balanced in order, and each way's median.
ACTION_ROUNDS = ABBA + tuple(not keep for keep in ABBA)


def _settled_ms_per_ticket(runs: list[dedup.Intake]) -> float:
    """Server CPU ms per ticket taken in over `runs`, until each had settled."""
    cpu_s = sum(run.settled_cpu_s or float("nan") for run in runs)
    tickets = sum(run.added[EventKind.RECEIVED] for run in runs)
    return 1000 * cpu_s / tickets if tickets else float("nan")


def _p50(values: list[float]) -> float:
    return statistics.median(values)


def run(arguments: argparse.Namespace) -> int:
    """The whole benchmark; 0 when everything answered. Missing a target is a result."""
    harness.require_wrk()
    backend: Backend = arguments.db
    load_before = os.getloadavg()
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-stats-")))
        log(f"preparing the {backend} database (migrate, seed-demo)")
        url = harness.fresh_database(backend, DATABASE, workdir, arguments.postgres_url)
        cleanup.callback(harness.drop_database, backend, url, arguments.postgres_url)
        harness.migrate_and_seed(url)
        engine = create_db_engine(Settings(database_url=url))
        now = utc_now()
        try:
            categories = dedup._categories(engine)
            units = queue._units(engine)
            population = dedup.Population(arguments.tickets, now)
            started = time.perf_counter()
            queue.populate(engine, population, {c: i.id for c, i in categories.items()}, units)
            events = write_lives(engine, now)
            populate_s = time.perf_counter() - started
            log(f"{events:,} events; rebuilding the rollups from them")
            started = time.perf_counter()
            with Session(engine) as session:
                rebuilt = rollup.rebuild(session)
                session.commit()
            rebuild_s = time.perf_counter() - started
            log(f"rebuilt in {rebuild_s:.0f} s: {rebuilt.buckets:,} daily rows; analyze")
            dedup.analyze(engine)
            today = (now.astimezone(STATS_ZONE)).date()
            month = span_of(PeriodKind.MONTH, today - timedelta(days=45), None, None, today)
            matches, compared = recount(engine, month)
            log(f"recount of {month.first:%Y-%m}: {'matches' if matches else 'DIFFERS'}")
            numbers = _dispatched_numbers(engine, 2 * ACTIONS)
        finally:
            engine.dispose()
        log("starting the service")
        server = harness.start_server(
            "service",
            "app.main:create_app",
            env=harness.service_env(url, workdir / "uploads"),
            log_dir=workdir,
        )
        try:
            reads = measure_reads(server, month.first, now, arguments.repeats)
        finally:
            harness.stop_server(server)
        # Kept, not, not, kept: a machine whose load drifts, or caches that warm, weigh on
        # both ways alike.
        log("actions with the rollups kept and without: kept, not, not, kept, then the reverse")
        share = len(numbers) // len(ACTION_ROUNDS)
        actions: dict[bool, list[float]] = {True: [], False: []}
        for round_, keep in enumerate(ACTION_ROUNDS):
            chunk = numbers[round_ * share : (round_ + 1) * share]
            actions[keep].append(measure_actions(url, workdir, keep, chunk))
        action_on, action_off = _p50(actions[True]), _p50(actions[False])
        intakes: list[dedup.Intake] = []
        for round_, keep in enumerate(ABBA):
            log(f"intake {'with the rollups kept' if keep else 'without them (the ceiling)'}")
            intakes.extend(
                dedup.measure_intakes(
                    [url],
                    workdir,
                    arguments.duration,
                    arguments.connections,
                    seeds=(21 + 2 * round_, 22 + 2 * round_),
                    env_extra={"HOTLINE_STATS_ROLLUPS": str(keep).lower()},
                    settle=functools.partial(settle, url, keep),
                )
            )
    print(
        f"stats: {backend}, {arguments.tickets:,} tickets and {events:,} events filled in "
        f"{populate_s:.0f} s, rollups rebuilt in {rebuild_s:.0f} s ({rebuilt.buckets:,} rows); "
        f"load average before {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print()
    print(f"reads through the service, {arguments.repeats} each after {WARMUP} warm-ups:")
    for name, values in reads.timings.items():
        print(f"  {name:<20} p50 {_p50(values):>8.1f} ms   max {max(values):>8.1f} ms")
    report_ms = max(_p50(v) for k, v in reads.timings.items() if k.startswith("report:"))
    ranking_ms = _p50(reads.timings["ranking:grid"])
    rows_per_s = reads.export_rows / reads.export_s if reads.export_s else 0.0
    print(
        f"export: {reads.export_rows:,} rows in {reads.export_s:.1f} s ({rows_per_s:,.0f} rows/s); "
        f"server peak RSS (VmHWM) MB before {reads.rss_mb['before']}, after a month "
        f"({reads.month_rows:,} rows) {reads.rss_mb['after_month']}, after the year "
        f"{reads.rss_mb['after_year']}"
    )
    print(
        f"recount of {month.first:%Y-%m} from the raw tables: {compared} unit figures, "
        f"{'all equal' if matches else 'NOT EQUAL'}"
    )
    print("intake with the rollups kept, without (the ceiling), without, kept:")
    for intake in intakes:
        dedup.print_intake(intake)
    # Per ticket taken in, from the run's start until every request had finished and (kept)
    # the follower had counted them: what keeping the rollups costs, wherever it is paid.
    on, off = (
        _settled_ms_per_ticket(
            [run for run, kept in zip(intakes, ABBA, strict=True) if kept == keep]
        )
        for keep in (True, False)
    )
    intake_overhead = on / off - 1 if off else float("nan")
    print(
        f"intake CPU per ticket taken in, until settled: {on:.2f} ms with the rollups, "
        f"{off:.2f} without"
    )
    action_overhead = action_on / action_off - 1 if action_off else float("nan")
    print(
        f"sign-for (medians): {action_on:.2f} CPU ms with the rollups, {action_off:.2f} without "
        f"(rounds: {' '.join(f'{x:.2f}' for x in actions[True])} kept, "
        f"{' '.join(f'{x:.2f}' for x in actions[False])} not; overhead "
        f"{action_overhead:.3f}); intake overhead {intake_overhead:.3f}"
    )
    overhead = max(intake_overhead, action_overhead)
    print(
        f"targets: report and ranking < {READ_TARGET_MS:.0f} ms: "
        f"{'met' if max(report_ms, ranking_ms) < READ_TARGET_MS else 'NOT MET'}; export >= "
        f"{EXPORT_TARGET:,} rows/s: {'met' if rows_per_s >= EXPORT_TARGET else 'NOT MET'}; "
        f"rollup_overhead < {OVERHEAD_TARGET}: {'met' if overhead < OVERHEAD_TARGET else 'NOT MET'}"
    )
    print(
        f"stats tickets={arguments.tickets} report_ms={report_ms:.0f} ranking_ms={ranking_ms:.0f} "
        f"export_rows_per_s={rows_per_s:.0f} rollup_overhead={overhead:.3f} "
        f"matches_recount={'yes' if matches else 'no'}"
    )
    failed = sum(intake.load.run.non_2xx for intake in intakes)
    return 0 if failed == 0 else 1
