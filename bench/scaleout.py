"""`python -m bench scaleout --db postgres`: the same intake load on one server process,
then on two (`--workers 2`), each on a fresh database; the speedup is the second's tickets
per second over the first's, and every 2xx must be a row.

On a 2-core machine the load generator and PostgreSQL take cores of their own, so two
processes cannot double the rate: the table's `box cpu` column shows how busy the whole
machine was, which is what limits the speedup.
"""

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench import harness, intake
from bench.harness import Backend

PROCESSES = 2
DATABASES = {1: "hotline_bench_scale_one", PROCESSES: "hotline_bench_scale_two"}


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "scaleout", help=f"intake on 1 server process, then on {PROCESSES}, under the same load"
    )
    harness.add_database_arguments(parser)
    harness.add_load_arguments(parser)
    parser.set_defaults(run=run)


def log(message: str) -> None:
    print(f"[bench scaleout] {message}", file=sys.stderr, flush=True)


def run(arguments: argparse.Namespace) -> int:
    harness.require_wrk()
    backend: Backend = arguments.db
    if backend is not Backend.POSTGRES:
        raise harness.BenchError("several processes need PostgreSQL: use --db postgres")
    load_before = os.getloadavg()[0]
    measurements: list[intake.Measurement] = []
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-")))
        for processes, name in DATABASES.items():
            log(f"{processes} process(es): preparing {name} (migrate, seed-demo)")
            url = harness.fresh_database(backend, name, workdir, arguments.postgres_url)
            cleanup.callback(harness.drop_database, backend, url, arguments.postgres_url)
            harness.migrate_and_seed(url)
            server = harness.start_server(
                f"{processes} process" + ("es" if processes > 1 else ""),
                "app.main:create_app",
                env={
                    "HOTLINE_DATABASE_URL": url,
                    "HOTLINE_UPLOAD_DIR": str(workdir / "uploads"),
                    "HOTLINE_LOG_LEVEL": "warning",
                },
                log_dir=workdir,
                workers=processes,
            )
            try:
                script_env = intake.script_environment(server, intake.upload_photo(server))
                measurements.append(
                    intake.measure(
                        server,
                        url,
                        intake.write_script(workdir),
                        script_env,
                        duration=arguments.duration,
                        connections=arguments.connections,
                    )
                )
            finally:
                harness.stop_server(server)

    print(
        f"scaleout: {backend}, {arguments.connections} connections, {arguments.duration} s "
        f"measured per run; load average {load_before:.1f} before the start"
    )
    intake.print_table(measurements)
    one, several = measurements
    speedup = several.run.ok_per_s / one.run.ok_per_s if one.run.ok_per_s > 0 else 0.0
    rows_match = all(m.rows is not None and m.rows.matches for m in measurements)
    all_2xx = all(m.run.non_2xx == 0 and m.run.ok > 0 for m in measurements)
    print(
        f"scaleout processes={PROCESSES} speedup={speedup:.2f} "
        f"rows_match={'yes' if rows_match else 'no'} p99_ms={several.run.p99_ms:.0f}"
    )
    return 0 if rows_match and all_2xx else 1
