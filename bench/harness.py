"""Plumbing every benchmark shares: fresh databases, uvicorn servers, wrk runs and their numbers.

Conventions for wrk scripts run through `run_wrk`: `done()` prints one line
`@bench key=value ...` with at least `requests ok non_2xx p50_us p99_us duration_us
errors_connect errors_read errors_write errors_timeout`; a script may add its own keys.
"""

import argparse
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import Integer, Select, cast, create_engine, func, literal, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.selectable import CTE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WRK_DIR = Path(__file__).resolve().parent / "wrk"
LOOPBACK = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REPORT_PREFIX = "@bench "

# uvicorn options every benchmarked server runs with, so servers differ only in their app.
# Naming the loop and parser makes a missing uvloop/httptools an error, not a silent fallback.
UVICORN_OPTIONS = (
    "--host",
    LOOPBACK,
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
)


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


class BenchError(Exception):
    """The benchmark could not run as set up; the message says what to fix."""


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Backend, choices=list(Backend), default=Backend.SQLITE, help="database"
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="a PostgreSQL server to create the benchmark databases on (with --db postgres)",
    )


def add_load_arguments(parser: argparse.ArgumentParser, *, duration: int = 15) -> None:
    parser.add_argument(
        "--duration", type=int, default=duration, help="seconds of each measured wrk run"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")


def require_wrk() -> str:
    """The path of wrk, or a clear exit when it is missing."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed; install it with: apt-get install wrk")
    return path


# --- databases --------------------------------------------------------------------------------


def _postgres_url(server_url: str, database: str) -> URL:
    url = make_url(server_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url.set(database=database)


def _postgres_admin(server_url: str, statements: Iterable[str]) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction, hence autocommit.
    maintenance_url = _postgres_url(server_url, "postgres")
    engine = create_engine(maintenance_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    except SQLAlchemyError as error:
        raise BenchError(f"PostgreSQL at {maintenance_url}: {error}") from error
    finally:
        engine.dispose()


def fresh_database(backend: Backend, name: str, workdir: Path, postgres_url: str) -> str:
    """The URL of a new, empty database called `name` (replacing one left by an earlier run).

    SQLite: a file in `workdir`. PostgreSQL: a database of its own on the server of
    `postgres_url`, never a schema of the shared test database.
    """
    if backend is Backend.SQLITE:
        return f"sqlite:///{workdir / name}.db"
    if not name.isidentifier():
        raise BenchError(f"not a plain database name: {name!r}")
    _postgres_admin(
        postgres_url, [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"]
    )
    return _postgres_url(postgres_url, name).render_as_string(hide_password=False)


def copy_database(backend: Backend, url: str, name: str, workdir: Path, postgres_url: str) -> str:
    """The URL of a copy of the database at `url`, called `name`; nothing may be connected
    to it meanwhile."""
    source = make_url(url).database
    if backend is Backend.POSTGRES:
        if not name.isidentifier():
            raise BenchError(f"not a plain database name: {name!r}")
        _postgres_admin(
            postgres_url,
            [
                f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                f"CREATE DATABASE {name} TEMPLATE {source}",
            ],
        )
        return _postgres_url(postgres_url, name).render_as_string(hide_password=False)
    if source is None:
        raise BenchError(f"not a SQLite file: {url}")
    copy = fresh_database(backend, name, workdir, postgres_url)
    checkpoint_sqlite(source)
    shutil.copyfile(source, str(make_url(copy).database))
    return copy


def checkpoint_sqlite(path: str) -> None:
    """Copy the WAL's pages into the SQLite database file and empty the WAL, so that what
    was written before is not copied in by whatever runs next."""
    with closing(sqlite3.connect(path, isolation_level=None)) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def drop_database(backend: Backend, url: str, postgres_url: str) -> None:
    """Remove a database made by `fresh_database` (SQLite files go with their directory)."""
    if backend is Backend.POSTGRES:
        name = make_url(url).database
        _postgres_admin(postgres_url, [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])


def run_hotline_command(database_url: str, *command: str, timeout: float = 300) -> None:
    """Run `hotline COMMAND` (migrate, seed-demo, ...) against `database_url`."""
    env = {**os.environ, "HOTLINE_DATABASE_URL": database_url}
    completed = subprocess.run(
        [sys.executable, "-m", "app.cli", *command],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"hotline {' '.join(command)} failed:\n{completed.stderr.strip()}")


def migrate_and_seed(database_url: str) -> None:
    """Bring the schema to head and load the demo city, as an operator would."""
    run_hotline_command(database_url, "migrate")
    run_hotline_command(database_url, "seed-demo")


def count_rows(database_url: str, counts: Mapping[str, Select[Any]]) -> dict[str, int]:
    """Committed rows per named count query, read on a connection of its own."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return {name: connection.execute(query).scalar_one() for name, query in counts.items()}
    finally:
        engine.dispose()


def rows_of(name: str) -> Select[Any]:
    """A count query for every row of table `name`."""
    return select(func.count()).select_from(table(name))


def settled_row_counts(
    database_url: str,
    tables: Mapping[str, Select[Any]],
    *,
    quiet: float = 1.0,
    timeout: float = 30.0,
) -> dict[str, int]:
    """Row counts once they stop changing for `quiet` seconds.

    When wrk stops, requests still in flight are finished by the server after it has gone;
    counting too early would miss their rows.
    """
    names = dict(tables)
    deadline = time.monotonic() + timeout
    counts = count_rows(database_url, names)
    stable_since = time.monotonic()
    while time.monotonic() - stable_since < quiet:
        if time.monotonic() > deadline:
            raise BenchError(f"row counts still changing after {timeout:.0f} s: {counts}")
        time.sleep(0.2)
        latest = count_rows(database_url, names)
        if latest != counts:
            counts, stable_since = latest, time.monotonic()
    return counts


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port that was free a moment ago (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    base_url: str
    process: "subprocess.Popen[bytes]"
    log_path: Path
    log_file: IO[bytes]

    def log_tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def service_env(database_url: str, upload_dir: Path) -> dict[str, str]:
    """The environment every benchmarked service runs with: its database and upload
    directory, quiet logs, and a signing secret of its own."""
    return {
        "HOTLINE_DATABASE_URL": database_url,
        "HOTLINE_UPLOAD_DIR": str(upload_dir),
        "HOTLINE_LOG_LEVEL": "warning",
        "HOTLINE_JWT_SECRET": secrets.token_urlsafe(48),
    }


def start_server(
    name: str,
    app: str,
    *,
    env: Mapping[str, str],
    log_dir: Path,
    factory: bool = True,
    ready_path: str = "/healthz",
    timeout: float = 60.0,
    workers: int = 1,
) -> Server:
    """Start `uvicorn APP` (`workers` processes) on a free loopback port; return once it
    answers 200."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    log_file = log_path.open("wb")
    command = [sys.executable, "-m", "uvicorn", app, *UVICORN_OPTIONS, "--port", str(port)]
    if factory:
        command.append("--factory")
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server = Server(name, f"http://{LOOPBACK}:{port}", process, log_path, log_file)
    try:
        _wait_until_ready(server, ready_path, timeout)
    except BaseException:
        stop_server(server)
        raise
    return server


def _wait_until_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited while starting:\n{server.log_tail()}")
        try:
            if httpx.get(server.base_url + path, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise BenchError(f"{server.name} did not answer {path} within {timeout:.0f} s")


def stop_server(server: Server, timeout: float = 10.0) -> None:
    """Terminate, give it `timeout` seconds to shut down cleanly, then kill."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout)
    server.log_file.close()


# --- CPU ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuSample:
    at: float
    process_s: float
    machine_busy_s: float


def _stat_fields(pid: int) -> list[str]:
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The fields after the ")" that closes the command name (which may hold spaces).
    return stat[stat.rindex(")") + 2 :].split()


def _with_descendants(pid: int) -> list[int]:
    """`pid` and every process below it (a server's worker processes)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(int(entry.name))[1])
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
            parents.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(parents.get(current, []))
    return found


def cpu_sample(pid: int) -> CpuSample | None:
    """CPU seconds used so far by `pid` and its worker processes (all their threads), and
    by the whole machine.

    None where /proc is missing: the numbers are context, not the result.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        machine = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        process = 0.0
        for member in _with_descendants(pid):
            fields = _stat_fields(member)
            # utime and stime are the 12th and 13th fields after the command name.
            process += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    counters = [int(value) for value in machine[:8]]
    busy = (sum(counters) - counters[3] - counters[4]) / ticks
    return CpuSample(time.monotonic(), process, busy)


@dataclass(frozen=True)
class CpuUsage:
    """Average cores busy over an interval: one process, and the machine as a whole."""

    process_cores: float
    machine_cores: float


def cpu_usage(start: CpuSample | None, end: CpuSample | None) -> CpuUsage | None:
    if start is None or end is None or end.at <= start.at:
        return None
    elapsed = end.at - start.at
    return CpuUsage(
        (end.process_s - start.process_s) / elapsed,
        (end.machine_busy_s - start.machine_busy_s) / elapsed,
    )


# --- wrk --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkRun:
    """What a wrk script's `done()` reported (see the module docstring), and the CPU it took."""

    fields: Mapping[str, str]
    # The watched server's and the machine's CPU during the run; a busy machine skews results.
    cpu: CpuUsage | None = None

    def integer(self, key: str) -> int:
        return int(float(self.fields[key]))

    def items(self, key: str) -> list[str]:
        return [item for item in self.fields.get(key, "").split(",") if item]

    @property
    def ok(self) -> int:
        return self.integer("ok")

    @property
    def non_2xx(self) -> int:
        return self.integer("non_2xx")

    @property
    def duration_s(self) -> float:
        return self.integer("duration_us") / 1e6

    @property
    def ok_per_s(self) -> float:
        return self.ok / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return self.integer("p50_us") / 1000

    @property
    def p99_ms(self) -> float:
        return self.integer("p99_us") / 1000

    @property
    def cpu_ms_per_ok(self) -> float | None:
        """Server CPU per 2xx answer: steadier than req/s when the machine is shared."""
        if self.cpu is None or self.ok_per_s <= 0:
            return None
        return 1000 * self.cpu.process_cores / self.ok_per_s

    @property
    def socket_errors(self) -> int:
        return sum(
            self.integer(f"errors_{kind}") for kind in ("connect", "read", "write", "timeout")
        )


def parse_report(stdout: str) -> dict[str, str]:
    """The `key=value` pairs of the last `@bench` line of wrk's output."""
    lines = [line for line in stdout.splitlines() if line.startswith(REPORT_PREFIX)]
    if not lines:
        raise BenchError(f"the wrk script printed no {REPORT_PREFIX.strip()} line:\n{stdout}")
    pairs = (token.partition("=") for token in lines[-1].removeprefix(REPORT_PREFIX).split())
    return {key: value for key, _, value in pairs}


def run_wrk(
    script: Path,
    url: str,
    *,
    duration: int,
    connections: int,
    threads: int = 2,
    env: Mapping[str, str] | None = None,
    watch_pid: int | None = None,
) -> WrkRun:
    """One wrk run of `script` against `url`; its `done()` numbers, and the CPU `watch_pid`
    and the machine used meanwhile."""
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    start = cpu_sample(watch_pid) if watch_pid is not None else None
    completed = subprocess.run(
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        # wrk stops itself after `duration`; the margin covers start-up and done().
        timeout=duration + 60,
        check=False,
    )
    end = cpu_sample(watch_pid) if watch_pid is not None else None
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}):\n{completed.stderr.strip()}")
    return WrkRun(parse_report(completed.stdout), cpu_usage(start, end))


# --- populations in SQL and wrk scripts, shared by the benchmarks that write their own ----------


def numbers(first: int, last: int) -> CTE:
    """The integers first..last as the column `i` (recursive: SQLite has no generate_series)."""
    start = select(cast(literal(first), Integer).label("i")).cte("numbers", recursive=True)
    return start.union_all(select(start.c.i + 1).where(start.c.i < cast(literal(last), Integer)))


# What each wrk script starts with: its settings come from the environment, and each thread
# knows its number (1, 2, ...) for the share of the work it takes.
LUA_THREADS_AND_SETTINGS = """\
local function required(name)
   local value = os.getenv(name)
   if value == nil or value == "" then
      error("environment variable " .. name .. " is not set")
   end
   return value
end

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("thread_number", #threads)
end

"""

# What each wrk script ends with: count 2xx and the rest (with sample error bodies), and
# print the `@bench` line harness.run_wrk reads.
LUA_COUNT_AND_REPORT = """
function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
      return
   end
   failed = failed + 1
   statuses[status] = (statuses[status] or 0) + 1
   if samples < ERROR_SAMPLES then
      samples = samples + 1
      local file = io.open(ERRORS, "a")
      file:write(status .. " " .. (body or "") .. "\\n")
      file:close()
   end
end

function done(summary, latency, requests)
   local totals = { ok = 0, failed = 0 }
   local statuses = {}
   for _, thread in ipairs(threads) do
      totals.ok = totals.ok + thread:get("ok")
      totals.failed = totals.failed + thread:get("failed")
      for status, count in pairs(thread:get("statuses")) do
         statuses[status] = (statuses[status] or 0) + count
      end
   end
   local by_status = {}
   for status, count in pairs(statuses) do
      by_status[#by_status + 1] = status .. ":" .. count
   end
   local errors = summary.errors
   io.write(string.format(
      "@bench requests=%d ok=%d non_2xx=%d p50_us=%d p99_us=%d mean_us=%d duration_us=%d"
         .. " errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d statuses=%s\\n",
      summary.requests, totals.ok, totals.failed, latency:percentile(50),
      latency:percentile(99), latency.mean, summary.duration, errors.connect, errors.read,
      errors.write, errors.timeout, table.concat(by_status, ",")
   ))
end
"""
