"""`python -m bench intake`: tickets per second through POST /api/v1/tickets, against two ceilings.

Three servers run side by side, each with its own uvicorn worker: the bare ceiling (validation
only), the minimal-insert ceiling (one Core insert of a ticket and its event, committed) and the
real service. Each gets a warm-up, then a measured wrk run of the same channel mix; for the two
that write, the rows in the database must account for every 2xx answer.
"""

import argparse
import io
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import ExifTags, Image, ImageDraw, TiffImagePlugin
from sqlalchemy import column, create_engine, func, select, table
from sqlalchemy.pool import NullPool

from app.demo.city import CENTRE_LAT, CENTRE_LON
from app.demo.people import DEMO_CLIENTS
from app.geo.crs import wgs84_to_gcj02
from app.observability.metrics import MULTIPROCESS_DIRECTORY
from bench import harness
from bench.harness import Backend, Server, WrkRun

# The script's own part; the run writes it out behind the harness's shared prelude.
SCRIPT_BODY = harness.WRK_DIR / "intake.lua"
SERVICE_DATABASE = "hotline_bench"
MINIMAL_DATABASE = "hotline_bench_minimal"
UNOBSERVED_DATABASE = "hotline_bench_unobserved"
# What --compare-observability turns off in the second service: metrics and request ids.
UNOBSERVED = {"HOTLINE_METRICS_ENABLED": "false", "HOTLINE_REQUEST_IDS": "false"}
# One `received` event per accepted ticket (the service adds a routing event beside it).
ROW_TABLES = {
    "ticket": harness.rows_of("ticket"),
    "ticket_event": harness.rows_of("ticket_event").where(column("kind") == "received"),
}
WARMUP_SECONDS = 2
API = "/api/v1"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "intake", help="ticket intake throughput against a bare and a minimal-insert ceiling"
    )
    harness.add_database_arguments(parser)
    harness.add_load_arguments(parser)
    parser.add_argument(
        "--compare-observability",
        type=int,
        default=0,
        metavar="PAIRS",
        help="also run a service with metrics and request ids off, and measure PAIRS pairs "
        "of runs (observed, unobserved) interleaved after the ceilings",
    )
    parser.set_defaults(run=run)


# --- what the wrk script posts ----------------------------------------------------------------


def _dms(degrees: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    whole = int(degrees)
    minutes = int((degrees - whole) * 60)
    seconds = round(((degrees - whole) * 60 - minutes) * 60 * 100)
    rational = TiffImagePlugin.IFDRational
    return rational(whole, 1), rational(minutes, 1), rational(seconds, 100)


def camera_jpeg() -> bytes:
    """A phone-camera-like JPEG with an EXIF GPS position in the demo city."""
    image = Image.new("RGB", (640, 480), (90, 120, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 120, 440, 400), fill=(200, 180, 60))
    draw.ellipse((280, 40, 360, 120), fill=(250, 250, 210))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: _dms(CENTRE_LAT),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: _dms(CENTRE_LON),
    }
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, exif=exif)
    return out.getvalue()


def channel_keys() -> dict[str, str]:
    """The X-API-Key of each channel: the demo integration clients `seed-demo` creates."""
    return {channel.value: client.key for client in DEMO_CLIENTS for channel in client.channels}


def upload_photo(service: Server) -> str:
    """Upload one photo to the real service, as the citizen app does; its id."""
    files = [("files", ("street-light.jpg", camera_jpeg(), "image/jpeg"))]
    headers = {"X-API-Key": channel_keys()["photo_report"]}
    response = httpx.post(
        f"{service.base_url}{API}/photos", files=files, headers=headers, timeout=30
    )
    if response.status_code != 201:
        raise harness.BenchError(f"photo upload answered {response.status_code}: {response.text}")
    photo = response.json()[0]
    if photo["exif_gps"] is None:
        raise harness.BenchError("the uploaded photo lost its EXIF GPS position")
    photo_id: str = photo["id"]
    return photo_id


def script_environment(service: Server, photo_id: str) -> dict[str, str]:
    """Codes the demo city really has, read from the service, for the wrk script."""

    def get(path: str) -> list[dict[str, object]]:
        response = httpx.get(f"{service.base_url}{API}{path}", timeout=30)
        response.raise_for_status()
        items: list[dict[str, object]] = response.json()
        return items

    categories = [
        str(child["code"])
        for group in get("/categories")
        for child in group["children"]  # type: ignore[attr-defined]
    ]
    communities = [str(grid["code"]) for grid in get("/grids?level=2")]
    grids = [str(grid["code"]) for grid in get("/grids?level=3")]
    if not (categories and communities and grids):
        raise harness.BenchError("the demo city is missing: no categories or grids")
    lat, lon = wgs84_to_gcj02(CENTRE_LAT, CENTRE_LON)
    return {
        "INTAKE_CATEGORIES": ",".join(categories),
        "INTAKE_COMMUNITIES": ",".join(communities),
        "INTAKE_GRIDS": ",".join(grids),
        "INTAKE_PHOTO": photo_id,
        "INTAKE_CENTRE": f"{lat:.6f},{lon:.6f}",
        "INTAKE_KEYS": ",".join(f"{channel}={key}" for channel, key in channel_keys().items()),
    }


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowCheck:
    """Rows written during the measured run against the answers wrk saw."""

    tickets: int
    events: int
    answered_2xx: int
    # Requests wrk sent but stopped waiting for, which the server still committed afterwards.
    landed_after_stop: int

    @property
    def matches(self) -> bool:
        expected = self.answered_2xx + self.landed_after_stop
        return self.tickets == expected and self.events == expected


@dataclass(frozen=True)
class Measurement:
    name: str
    run: WrkRun
    rows: RowCheck | None  # None: the server writes nothing


def _tickets_with_external_ids(database_url: str, external_ids: Sequence[str]) -> int:
    if not external_ids:
        return 0
    ticket = table("ticket", column("external_id"))
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(ticket.c.external_id.in_(external_ids))
            return connection.execute(query.select_from(ticket)).scalar_one()
    finally:
        engine.dispose()


def write_script(directory: Path) -> Path:
    """The whole wrk script: the shared prelude, then intake's own part."""
    script = directory / "intake.lua"
    script.write_text(harness.LUA_THREADS_AND_SETTINGS + SCRIPT_BODY.read_text())
    return script


def measure(
    server: Server,
    database_url: str | None,
    script: Path,
    script_env: dict[str, str],
    *,
    duration: int,
    connections: int,
) -> Measurement:
    """Warm `server` up, then one measured run; check its rows when it has a database."""
    # A fresh prefix per run: a reused external id would be answered 200 from the first ticket.
    run_id = secrets.token_hex(4)
    url = f"{server.base_url}{API}/tickets"
    log(f"{server.name}: {WARMUP_SECONDS} s warm-up")
    harness.run_wrk(
        script,
        url,
        duration=WARMUP_SECONDS,
        connections=connections,
        env={**script_env, "INTAKE_RUN": f"{run_id}w", "INTAKE_TRACK": "0"},
    )
    # Settling also lets the warm-up's abandoned requests finish, so the measured run starts
    # with `connections` requests in flight, not up to twice that.
    before = harness.settled_row_counts(database_url, ROW_TABLES) if database_url else None
    log(f"{server.name}: {duration} s measured run")
    run = harness.run_wrk(
        script,
        url,
        duration=duration,
        connections=connections,
        env={
            **script_env,
            "INTAKE_RUN": f"{run_id}m",
            "INTAKE_TRACK": "1" if database_url else "0",
        },
        watch_pid=server.process.pid,
    )
    if run.non_2xx:
        log(f"{server.name}: {run.non_2xx} answers not 2xx; its log ends:\n{server.log_tail()}")
    if database_url is None or before is None:
        return Measurement(server.name, run, None)
    after = harness.settled_row_counts(database_url, ROW_TABLES)
    rows = RowCheck(
        tickets=after["ticket"] - before["ticket"],
        events=after["ticket_event"] - before["ticket_event"],
        answered_2xx=run.ok,
        landed_after_stop=_tickets_with_external_ids(database_url, run.items("pending")),
    )
    return Measurement(server.name, run, rows)


# --- reporting --------------------------------------------------------------------------------


def log(message: str) -> None:
    # Progress goes to stderr: stdout is the table and the contract line.
    print(f"[bench intake] {message}", file=sys.stderr, flush=True)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _cpu_columns(run: WrkRun) -> str:
    per_ok = run.cpu_ms_per_ok
    if run.cpu is None or per_ok is None:
        return f"{'-':>9}{'-':>11}{'-':>9}"
    return f"{run.cpu.process_cores:>9.2f}{per_ok:>11.2f}{run.cpu.machine_cores:>9.2f}"


def print_table(measurements: Sequence[Measurement]) -> None:
    header = (
        f"{'server':<16}{'2xx/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'2xx':>8}{'non-2xx':>9}"
        f"{'sock err':>10}{'tickets':>9}{'events':>8}{'late':>6}{'rows':>6}"
        f"{'srv cpu':>9}{'cpu ms/2xx':>11}{'box cpu':>9}"
    )
    print(header)
    print("-" * len(header))
    for m in measurements:
        run = m.run
        if m.rows is None:
            rows = f"{'-':>9}{'-':>8}{'-':>6}{'-':>6}"
        else:
            verdict = "yes" if m.rows.matches else "no"
            late = m.rows.landed_after_stop
            rows = f"{m.rows.tickets:>9}{m.rows.events:>8}{late:>6}{verdict:>6}"
        print(
            f"{m.name:<16}{run.ok_per_s:>9.1f}{run.p50_ms:>9.1f}{run.p99_ms:>9.1f}{run.ok:>8}"
            f"{run.non_2xx:>9}{run.socket_errors:>10}{rows}{_cpu_columns(run)}"
        )
    print(
        "late: requests in flight when wrk stopped that the server committed after it; "
        "rows: tickets == received events == 2xx + late"
    )
    print(
        f"srv cpu / box cpu: cores busy in the server process / on the whole machine "
        f"({os.cpu_count()} cores; wrk and the database count there too)"
    )


def run(arguments: argparse.Namespace) -> int:
    """The whole benchmark; 0 when every server answered, only with 2xx, and every row is
    accounted for."""
    harness.require_wrk()
    # Other work on the machine skews every number: say how busy it was.
    load_before = os.getloadavg()[0]
    backend: Backend = arguments.db
    postgres_url: str = arguments.postgres_url
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-intake-")))
        log(f"preparing the {backend} databases (migrate, seed-demo)")
        urls: dict[str, str] = {}
        pairs: int = arguments.compare_observability
        names = (SERVICE_DATABASE, MINIMAL_DATABASE) + ((UNOBSERVED_DATABASE,) if pairs else ())
        for name in names:
            urls[name] = harness.fresh_database(backend, name, workdir, postgres_url)
            cleanup.callback(harness.drop_database, backend, urls[name], postgres_url)
            harness.migrate_and_seed(urls[name])

        log("starting the bare, minimal-insert and service servers")

        def service_env(database: str) -> dict[str, str]:
            return {
                "HOTLINE_DATABASE_URL": urls[database],
                "HOTLINE_UPLOAD_DIR": str(workdir / "uploads"),
                "HOTLINE_LOG_LEVEL": "warning",
            }

        servers: list[Server] = []
        for name, app, env in (
            ("bare", "bench.ceilings:bare_app", {}),
            (
                "minimal insert",
                "bench.ceilings:minimal_insert_app",
                {"BENCH_DATABASE_URL": urls[MINIMAL_DATABASE]},
            ),
            (
                "service",
                "app.main:create_app",
                # Counting into files, as several workers do: the dearer of the two modes.
                service_env(SERVICE_DATABASE) | multiprocess_metrics(workdir)
                if pairs
                else service_env(SERVICE_DATABASE),
            ),
        ):
            server = harness.start_server(name, app, env=env, log_dir=workdir)
            cleanup.callback(harness.stop_server, server)
            servers.append(server)
        bare, minimal, service = servers

        script_env = script_environment(service, upload_photo(service))
        script = write_script(workdir)
        load = {"duration": arguments.duration, "connections": arguments.connections}
        measurements = [
            measure(bare, None, script, script_env, **load),
            measure(minimal, urls[MINIMAL_DATABASE], script, script_env, **load),
            measure(service, urls[SERVICE_DATABASE], script, script_env, **load),
        ]
        observed_pairs: list[tuple[Measurement, Measurement]] = []
        if pairs:
            unobserved = harness.start_server(
                "service, no obs",
                "app.main:create_app",
                env=service_env(UNOBSERVED_DATABASE) | UNOBSERVED,
                log_dir=workdir,
            )
            cleanup.callback(harness.stop_server, unobserved)
            unobserved_env = script_environment(unobserved, upload_photo(unobserved))
            # The observed service's database holds the ceiling run's tickets: give the other
            # as many (duplicate screening reads the tickets around each new one).
            measure(unobserved, urls[UNOBSERVED_DATABASE], script, unobserved_env, **load)

            def observed() -> Measurement:
                return measure(service, urls[SERVICE_DATABASE], script, script_env, **load)

            def unobserved_run() -> Measurement:
                database = urls[UNOBSERVED_DATABASE]
                return measure(unobserved, database, script, unobserved_env, **load)

            for round_number in range(pairs):
                # Alternate which goes first, so a drift in the machine's load evens out.
                if round_number % 2 == 0:
                    pair = (observed(), unobserved_run())
                else:
                    second = unobserved_run()
                    pair = (observed(), second)
                observed_pairs.append(pair)
                measurements.extend(pair)

    print(
        f"intake: {backend}, {arguments.connections} connections, {arguments.duration} s "
        f"measured per server after a {WARMUP_SECONDS} s warm-up; "
        f"load average {load_before:.1f} before the start"
    )
    print_table(measurements)
    bare_m, minimal_m, service_m = measurements[:3]
    rows_match = all(m.rows.matches for m in measurements if m.rows is not None)
    all_2xx = all(m.run.non_2xx == 0 for m in measurements)
    if not all_2xx:
        print("WARNING: some answers were not 2xx; the bodies or the servers need a look")
    stalled = [m.name for m in measurements if m.run.ok == 0]
    if stalled:
        print(f"WARNING: no 2xx at all from {', '.join(stalled)}: stalled or failing")
    tickets_per_s = service_m.run.ok_per_s
    print(
        f"intake tickets_per_s={tickets_per_s:.1f} p99_ms={service_m.run.p99_ms:.1f} "
        f"ratio_to_minimal_insert={_ratio(tickets_per_s, minimal_m.run.ok_per_s):.2f} "
        f"ratio_to_bare={_ratio(tickets_per_s, bare_m.run.ok_per_s):.2f} "
        f"rows_match={'yes' if rows_match else 'no'}"
    )
    if observed_pairs:
        print_observability_cost(observed_pairs, added_us_per_request())
    return 0 if rows_match and all_2xx and not stalled else 1


def multiprocess_metrics(workdir: Path) -> dict[str, str]:
    directory = workdir / "metrics"
    directory.mkdir()
    return {MULTIPROCESS_DIRECTORY: str(directory)}


def added_us_per_request() -> float:
    """bench/observability.py's measure, counting into files as several workers do."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as directory:
        finished = subprocess.run(
            [sys.executable, "-m", "bench.observability"],
            env={**os.environ, MULTIPROCESS_DIRECTORY: directory},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    return float(finished.stdout.strip().removeprefix("added_us="))


def print_observability_cost(
    pairs: Sequence[tuple[Measurement, Measurement]], added_us: float
) -> None:
    """What metrics and request ids cost intake: throughput and server CPU per ticket,
    observed against unobserved, pair by pair and over all pairs."""
    throughput_costs: list[float] = []
    cpu_costs: list[float] = []
    for on, off in pairs:
        throughput_cost = 1 - _ratio(on.run.ok_per_s, off.run.ok_per_s)
        throughput_costs.append(throughput_cost)
        line = (
            f"observability pair: on {on.run.ok_per_s:.1f}/s off {off.run.ok_per_s:.1f}/s "
            f"throughput_cost={throughput_cost * 100:+.1f}%"
        )
        on_cpu, off_cpu = on.run.cpu_ms_per_ok, off.run.cpu_ms_per_ok
        if on_cpu is not None and off_cpu:
            cpu_costs.append(on_cpu / off_cpu - 1)
            line += (
                f" cpu_ms_per_2xx on {on_cpu:.2f} off {off_cpu:.2f}"
                f" cpu_cost={cpu_costs[-1] * 100:+.1f}%"
            )
        print(line)
    total_on = sum(on.run.ok for on, _ in pairs) / sum(on.run.duration_s for on, _ in pairs)
    total_off = sum(off.run.ok for _, off in pairs) / sum(off.run.duration_s for _, off in pairs)
    summary = (
        f"intake observability_cost throughput={(1 - _ratio(total_on, total_off)) * 100:+.1f}% "
        f"median_pair={statistics.median(throughput_costs) * 100:+.1f}%"
    )
    if cpu_costs:
        summary += f" cpu_per_ticket_median={statistics.median(cpu_costs) * 100:+.1f}%"
    # The deterministic measure, against the unobserved service's CPU per ticket.
    unobserved_cpu: list[float] = [
        cpu for _, off in pairs if (cpu := off.run.cpu_ms_per_ok) is not None
    ]
    summary += f" added_us_per_request={added_us:.1f}"
    if unobserved_cpu:
        share = added_us / (statistics.median(unobserved_cpu) * 1000)
        summary += f" added_share_of_intake_cpu={share * 100:.2f}%"
    print(summary)
