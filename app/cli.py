"""The `hotline` command: serve, migrate, seed-demo."""

import argparse
import getpass
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session

from app.audit.service import SYSTEM_EDITOR
from app.auth import service as auth
from app.city import folder as city
from app.city.folder import load_city as load_city_folder
from app.city.tables import Problem
from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine, create_session_factory, session_scope
from app.demo.city import build_demo_city
from app.demo.guard import check_for_demo, refusal
from app.demo.knowledge import seed_demo_knowledge
from app.demo.people import DEMO_CLIENTS, demo_users
from app.demo.seed import DEMO_FOLDER
from app.errors import HotlineError
from app.geo.crs import Crs
from app.grids.service import GridMapRejected, existing_levels, import_grid_map
from app.identity.roles import Role
from app.kb import service as kb_service
from app.observability import metrics
from app.photos.storage import DATABASE, FILESYSTEM, PhotoStore, copy_photos
from app.schema_version import current_revision, head_revision, schema_lock, upgrade_to_head
from app.sla import defaults as sla_defaults
from app.sla import presets, sweeper
from app.stats import rollup
from app.vocabulary import Channel
from app.webhooks import delivery

logger = logging.getLogger("hotline")


def _ensure_sqlite_directory(settings: Settings) -> None:
    if settings.is_sqlite and settings.database_url.startswith("sqlite:///"):
        database_file = Path(settings.database_url.removeprefix("sqlite:///"))
        database_file.parent.mkdir(parents=True, exist_ok=True)


def _say_another_process_migrates() -> None:
    print("another process is migrating the database; waiting for it to finish", flush=True)


def migrate(settings: Settings) -> None:
    _ensure_sqlite_directory(settings)
    engine = create_db_engine(settings)
    with schema_lock(engine, on_wait=_say_another_process_migrates):
        upgrade_to_head(engine)
        print("database schema is at the newest migration")
        with _session(settings) as session:
            added = sla_defaults.ensure_defaults(session, settings.timezone)
            covered = sla_defaults.covered_years(session)
    engine.dispose()
    if added:
        print(f"working-day calendar: holiday notices for {', '.join(map(str, added))} added")
    next_year = utc_now().year + 1
    if next_year not in covered:
        print(
            f"working-day calendar: no holiday notice for {next_year} yet; deadlines in "
            f"{next_year} are provisional until it is added (PUT /api/v1/calendars/"
            f"{sla_defaults.STANDARD}/years/{next_year})"
        )


def seed_demo(settings: Settings, *, serving: bool = False) -> None:
    """Load the demo city into an empty database. Refuses one that holds anything else;
    when `serving`, a database that holds the demo city already is served as it is."""
    command = "serve --demo" if serving else "seed-demo"
    city = build_demo_city()
    with _session(settings) as session:
        if current_revision(session.connection()) != head_revision():
            sys.exit(f"{command}: the schema is not at the newest migration; run `hotline migrate`")
        check = check_for_demo(session, city)
        if check.foreign:
            sys.exit(refusal(check, command))
        if check.demo_loaded:
            if serving:
                print("the database holds the demo city already; serving it as it is")
                return
            sys.exit(f"{command}: the demo city is loaded already; nothing was written")
        if not check.empty:
            sys.exit(
                f"{command}: this database holds part of the demo city, not all of it; "
                "use a new database for the demo. Nothing was written."
            )
        loaded = load_city_folder(session, DEMO_FOLDER, editor=SYSTEM_EDITOR)
        articles = seed_demo_knowledge(session, kb_service.local_today(settings.timezone))
    counts = loaded.counts
    print(
        f"demo city loaded from {DEMO_FOLDER.name}/: {counts['grids']} grids, "
        f"{counts['departments']} departments, {counts['categories']} categories, "
        f"{counts['routing_rules']} routing rules, {len(articles)} knowledge-base articles"
    )
    print("demo staff accounts (demo only, never in production): username / password / role")
    for user in demo_users(city):
        print(f"  {user.username:<11} {user.password:<26} {user.role}")
    print("demo integration keys (demo only): X-API-Key / channels")
    for client in DEMO_CLIENTS:
        print(f"  {client.key}  {', '.join(client.channels)}")


def seed_demo_history(settings: Settings, days: int) -> None:
    """Months of the demo city's tickets, lived through the service (app/demo/history.py)."""
    # Imported here: it loads the whole service, which no other command needs.
    from app.demo.history import seed_history

    def progress(done: int, total: int) -> None:
        if done % 10 == 0 or done == total:
            print(f"  history: day {done} of {total}", flush=True)

    lived = seed_history(settings, days=days, progress=progress)
    print(f"demo history: {lived.tickets} tickets over {lived.days} days, with their figures")


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """One transaction on a short-lived engine: committed if the block succeeds."""
    engine = create_db_engine(settings)
    try:
        with contextmanager(session_scope)(create_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def bootstrap_admin(settings: Settings) -> None:
    """Create the first admin from HOTLINE_BOOTSTRAP_ADMIN_* when no admin exists yet."""
    username = settings.bootstrap_admin_username
    password = settings.bootstrap_admin_password
    if not username or password is None:
        return
    try:
        with _session(settings) as session:
            if auth.admin_exists(session) or auth.username_taken(session, username):
                return
            auth.create_user(
                session,
                editor=SYSTEM_EDITOR,
                username=username,
                display_name=username,
                password=password.get_secret_value(),
                role=Role.ADMIN,
            )
    except HotlineError as error:
        sys.exit(f"HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: {error.detail}")
    print(f"first admin {username!r} created from HOTLINE_BOOTSTRAP_ADMIN_USERNAME")


def create_user(settings: Settings, arguments: argparse.Namespace) -> None:
    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline()
    try:
        with _session(settings) as session:
            user = auth.create_user(
                session,
                editor=SYSTEM_EDITOR,
                username=arguments.username,
                display_name=arguments.display_name or arguments.username,
                password=password.rstrip("\n"),
                role=Role(arguments.role),
                department_code=arguments.department,
                grid_code=arguments.grid,
            )
    except HotlineError as error:
        sys.exit(f"create-user: {error.detail}")
    print(f"user {user.username!r} ({user.role}) created")


def create_client(settings: Settings, arguments: argparse.Namespace) -> None:
    try:
        with _session(settings) as session:
            created = auth.create_client(
                session, arguments.name, arguments.channel, editor=SYSTEM_EDITOR
            )
    except HotlineError as error:
        sys.exit(f"create-client: {error.detail}")
    print(f"integration client {arguments.name!r} for {', '.join(created.client.channels)}")
    print(f"API key (shown once, keep it secret): {created.key}")


def revoke_client(settings: Settings, arguments: argparse.Namespace) -> None:
    try:
        with _session(settings) as session:
            client = auth.revoke_client(session, arguments.client_id, editor=SYSTEM_EDITOR)
    except HotlineError as error:
        sys.exit(f"revoke-client: {error.detail}")
    print(f"integration client {client.name!r} revoked")


# Not a possible username (app.auth.schemas.Username), so never mistaken for an account.
COMMAND_LINE_IMPORTER = "(command line)"


class _ProgressBar:
    """`[#######.............]  35%` on one line of standard error, redrawn in place."""

    WIDTH = 40

    def __init__(self, label: str = "validating") -> None:
        self._label = label
        self._open = False
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        # Rounded down: 100% only once it is done.
        filled = done * self.WIDTH // total if total else self.WIDTH
        percent = done * 100 // total if total else 100
        if self._open and percent == self._shown and done < total:
            return  # redrawn only when the figure moves
        self._shown = percent
        bar = "#" * filled + "." * (self.WIDTH - filled)
        sys.stderr.write(f"\r{self._label} [{bar}] {percent:3d}%")
        self._open = True
        if done >= total:
            self.finish()
        else:
            sys.stderr.flush()

    def finish(self) -> None:
        if self._open:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._open = False


def import_grids(settings: Settings, arguments: argparse.Namespace) -> None:
    """Validate a GeoJSON grid map and, unless it is a dry run, import it in one transaction."""
    path = Path(arguments.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        sys.exit(f"import-grids: cannot read {path}: {error.strerror or error}")
    progress = _ProgressBar()
    try:
        with _session(settings) as session:
            if current_revision(session.connection()) != head_revision():
                sys.exit(
                    "import-grids: the schema is not at the newest migration; run `hotline migrate`"
                )
            known = existing_levels(session)  # read apart: no lock held while checking
        with _session(settings) as session:
            result = import_grid_map(
                session,
                data,
                source_name=path.name,
                crs=Crs(arguments.crs),
                imported_by=COMMAND_LINE_IMPORTER,
                dry_run=arguments.dry_run,
                complete=arguments.complete,
                progress=progress,
                known_levels=known,
            )
    except GridMapRejected as error:
        problems = error.extensions["problems"]
        for problem in problems:
            print(f"{problem['kind']}\t{problem['code'] or '-'}\t{problem['message']}")
        sys.exit(f"import-grids: {path.name} has {len(problems)} problem(s); nothing was imported")
    finally:
        progress.finish()
    counts = (
        f"{result.added} added, {result.changed} changed, {result.unchanged} unchanged, "
        f"{result.retired} retired"
    )
    if result.version is None:
        print(f"dry run: {path.name} is a valid map ({counts}); nothing was written")
    else:
        print(f"grid map version {result.version.id} imported from {path.name}: {counts}")


def _require_head(session: Session, command: str) -> None:
    if current_revision(session.connection()) != head_revision():
        sys.exit(f"{command}: the schema is not at the newest migration; run `hotline migrate`")


def load_city(settings: Settings, arguments: argparse.Namespace) -> None:
    """Check a city's folder and, unless it is a dry run, load all of it in one transaction."""
    folder = Path(arguments.folder)
    progress = _ProgressBar("checking and loading")
    try:
        with _session(settings) as session:
            _require_head(session, "load-city")
            result = city.load_city(session, folder, editor=SYSTEM_EDITOR, progress=progress)
            if arguments.dry_run:
                session.rollback()
    except city.CityRejected as error:
        progress.finish()
        for problem in error.extensions["problems"]:
            print(Problem(**problem))
        sys.exit(f"load-city: {error.detail}")
    finally:
        progress.finish()
    for note in result.notes:
        print(note)
    counts = ", ".join(f"{count} {name}" for name, count in result.counts.items())
    if arguments.dry_run:
        print(f"dry run: {folder.name} is valid ({counts}); nothing was written")
        return
    print(f"city loaded from {folder.name}: {counts}")
    if result.secrets:
        print("made up for rows that left them empty (shown once, never again):")
        for secret in result.secrets:
            print(f"  {secret.kind:<18} {secret.owner:<40} {secret.value}")


def export_city(settings: Settings, arguments: argparse.Namespace) -> None:
    folder = Path(arguments.folder)
    with _session(settings) as session:
        _require_head(session, "export-city")
        counts = city.export_city(session, folder)
    listed = ", ".join(f"{name} ({count})" for name, count in counts.items())
    print(f"city exported to {folder}: {listed}")
    print("passwords and keys are not exported: loading the folder makes new ones")


def _share_metrics_between(workers: int) -> None:
    """Several workers count into one directory that every scrape reads (a fresh one, or
    PROMETHEUS_MULTIPROC_DIR emptied of an earlier run's counts)."""
    if workers < 2:
        return
    directory = metrics.multiprocess_directory()
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="hotline-metrics-"))
        os.environ[metrics.MULTIPROCESS_DIRECTORY] = str(directory)
    metrics.clear_directory(directory)


def load_policies(settings: Settings, arguments: argparse.Namespace) -> None:
    """Load a preset's SLA policies and disable the others, in one transaction."""
    try:
        with _session(settings) as session:
            _require_head(session, "load-policies")
            loaded = presets.load_preset(
                session, arguments.preset, SYSTEM_EDITOR, arguments.utilities_group
            )
    except HotlineError as error:
        sys.exit(f"load-policies: {error.detail}")
    print(f"policies of the {arguments.preset} preset loaded")
    for label, names in (
        ("created", loaded.created),
        ("updated", loaded.updated),
        ("disabled", loaded.disabled),
    ):
        if names:
            print(f"  {label}: {', '.join(names)}")


def serve(settings: Settings, host: str, port: int, demo: bool, workers: int) -> None:
    if workers > 1 and settings.is_sqlite:
        # SQLite's writes go through one process's commit group (docs/architecture.md).
        sys.exit(
            "serve: several workers need PostgreSQL (HOTLINE_DATABASE_URL); SQLite serves from one"
        )
    migrate(settings)
    if demo:  # before the bootstrap admin: with the demo, its admin is the demo's
        seed_demo(settings, serving=True)
        # The demo's receivers run on the same machine (a local server in the README).
        os.environ.setdefault("HOTLINE_WEBHOOK_ALLOW_PRIVATE", "true")
    bootstrap_admin(settings)
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    _share_metrics_between(workers)
    processes = f", {workers} worker processes" if workers > 1 else ""
    print(f"Hotline on http://{host}:{port}{processes}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        log_level=settings.log_level,
        proxy_headers=True,
        workers=workers,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        # A worker imports the whole service before it answers its supervisor's first
        # check: seconds on a busy machine, more than uvicorn's default 5.
        timeout_worker_healthcheck=60,
    )


def deliver_webhooks(settings: Settings, arguments: argparse.Namespace) -> None:
    """Deliver the event feed to the webhook subscriptions until stopped (--once: until
    nothing is due). Safe beside the servers' own delivery and other workers: each
    delivery is claimed by one of them (see app/webhooks/delivery.py)."""
    engine = create_db_engine(settings)
    factory = create_session_factory(engine)
    policy = delivery.Policy.of(settings)
    try:
        if arguments.once:
            with delivery.Pump(factory, policy) as pump:
                total = pump.drain()
            print(f"{total} deliveries sent")
            return
        print(f"delivering webhooks (looking every {arguments.interval} s); stop with Ctrl-C")
        worker = delivery.Deliverer(factory, policy, arguments.interval)
        with suppress(KeyboardInterrupt):
            worker.run_here()
    finally:
        engine.dispose()


def migrate_photos(settings: Settings, arguments: argparse.Namespace) -> None:
    """Copy every photo's bytes into the storage named by --to from the other one, a batch
    per transaction; nothing is deleted. Exits 1 naming the photos neither storage holds."""
    target = PhotoStore(arguments.to, settings.upload_dir)
    source = PhotoStore(FILESYSTEM if arguments.to == DATABASE else DATABASE, settings.upload_dir)
    engine = create_db_engine(settings)
    totals = None
    try:
        with create_session_factory(engine)() as session:
            _require_head(session, "migrate-photos")
            for totals in copy_photos(session, source, target):
                session.commit()
                checked = totals.copied + totals.already_there + len(totals.missing)
                print(f"{checked} photos checked", end="\r", file=sys.stderr, flush=True)
    finally:
        engine.dispose()
    if totals is None:
        print("no photos: nothing to copy")
        return
    print(
        f"photos copied from {source.storage} to {target.storage}: {totals.copied} copied, "
        f"{totals.already_there} already there"
    )
    if totals.missing:
        sys.exit(
            f"migrate-photos: {len(totals.missing)} photos have their bytes in neither "
            f"storage: {', '.join(totals.missing[:20])}"
        )


def sla_sweep(settings: Settings, arguments: argparse.Namespace) -> None:
    """Record due warnings and breaches: once, or every --interval seconds until stopped.
    Safe beside the servers' own sweepers and other workers (see app/sla/sweeper.py)."""
    engine = create_db_engine(settings)
    factory = create_session_factory(engine)
    try:
        if arguments.once:
            result = sweeper.sweep(factory, settings.sla_sweep_batch)
            print(f"{result.warnings} warnings, {result.breaches} breaches recorded")
            return
        print(f"sweeping every {arguments.interval} s; stop with Ctrl-C")
        worker = sweeper.sweeper(factory, arguments.interval, settings.sla_sweep_batch)
        worker.start()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            worker.stop()
    finally:
        engine.dispose()


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def rebuild_stats(settings: Settings) -> None:
    """Count every ticket's timeline again into the statistics' rollups, in one transaction:
    after an upgrade that brought statistics, or whenever their figures are in doubt."""
    with _session(settings) as session:
        _require_head(session, "rebuild-stats")
        rebuilt = rollup.rebuild(session)
    print(
        f"statistics rebuilt from the event log: {rebuilt.tickets} tickets, "
        f"{rebuilt.events} events, {rebuilt.buckets} daily rollup rows"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hotline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="apply migrations, then run the HTTP API")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument(
        "--demo", action="store_true", help="load the demo city into an empty database"
    )
    serve_parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes sharing the port, each with its own connection pool "
        "(PostgreSQL only)",
    )
    commands.add_parser(
        "migrate",
        help="bring the database schema to the newest migration "
        "(and create the first admin from HOTLINE_BOOTSTRAP_ADMIN_*)",
    )
    demo_parser = commands.add_parser(
        "seed-demo",
        help="load the demo city and its demo accounts into an empty database "
        "(refused when the database holds anything else)",
    )
    demo_parser.add_argument(
        "--history",
        action="store_true",
        help="also live a few months of tickets through the service, so reports show "
        "something at once (a few minutes)",
    )
    demo_parser.add_argument(
        "--days", type=int, default=90, help="with --history: how many days (default 90)"
    )
    user_parser = commands.add_parser(
        "create-user", help="create a staff account (password read from standard input)"
    )
    user_parser.add_argument("username")
    user_parser.add_argument("--role", required=True, choices=[role.value for role in Role])
    user_parser.add_argument("--display-name")
    user_parser.add_argument("--department", help="department code, for a unit handler")
    user_parser.add_argument("--grid", help="grid code, for a unit handler or grid worker")
    client_parser = commands.add_parser(
        "create-client", help="create an integration client and print its key once"
    )
    client_parser.add_argument("name")
    client_parser.add_argument(
        "--channel",
        action="append",
        required=True,
        choices=[channel.value for channel in Channel],
        help="a channel the key may post for (repeat for several)",
    )
    revoke_parser = commands.add_parser("revoke-client", help="revoke an integration's key")
    revoke_parser.add_argument("client_id", type=int)
    grids_parser = commands.add_parser(
        "import-grids",
        help="validate a GeoJSON grid map and import it (all of it, or nothing)",
    )
    grids_parser.add_argument("file", help="a GeoJSON FeatureCollection of grids, UTF-8")
    grids_parser.add_argument(
        "--crs",
        default=Crs.WGS84.value,
        choices=[crs.value for crs in Crs],
        help="the system the boundaries are drawn in (default wgs84; gcj02: Amap, Tencent)",
    )
    grids_parser.add_argument(
        "--dry-run", action="store_true", help="validate and count the changes, write nothing"
    )
    grids_parser.add_argument(
        "--complete",
        action="store_true",
        help="the file is the whole map: retire the grids in force that it leaves out",
    )
    load_parser = commands.add_parser(
        "load-city",
        help="check a city's folder (grid map, units, categories, rules, SLA, staff, keys) "
        "and load all of it, or nothing",
    )
    load_parser.add_argument("folder", help="the folder; README.md lists its files and columns")
    load_parser.add_argument(
        "--dry-run", action="store_true", help="check everything and write nothing"
    )
    export_parser = commands.add_parser(
        "export-city", help="write the city's set-up to a folder that load-city reads"
    )
    export_parser.add_argument("folder")
    policies_parser = commands.add_parser(
        "load-policies",
        help="replace the SLA policies with a local standard's (e.g. beijing); the others "
        "are disabled",
    )
    policies_parser.add_argument("preset", choices=sorted(presets.PRESETS))
    policies_parser.add_argument(
        "--utilities-group",
        help="the category group of water, power, gas and heating (default: the one group "
        "whose name says so)",
    )
    sweep_parser = commands.add_parser(
        "sla-sweep",
        help="record SLA warnings and breaches, as a worker of its own "
        "(then set HOTLINE_SLA_SWEEP_SECONDS=0 on the servers, or keep both: it is safe)",
    )
    sweep_parser.add_argument("--once", action="store_true", help="one sweep, then exit")
    sweep_parser.add_argument("--interval", type=float, default=30.0, help="seconds between sweeps")
    webhooks_parser = commands.add_parser(
        "deliver-webhooks",
        help="deliver events to the webhook subscriptions, as a worker of its own "
        "(then set HOTLINE_WEBHOOK_POLL_SECONDS=0 on the servers, or keep both: it is safe)",
    )
    webhooks_parser.add_argument(
        "--once", action="store_true", help="deliver what is due, then exit"
    )
    webhooks_parser.add_argument(
        "--interval", type=float, default=0.25, help="seconds between looks when idle"
    )
    photos_parser = commands.add_parser(
        "migrate-photos",
        help="copy photos' bytes into the storage named by --to (before changing "
        "HOTLINE_PHOTO_STORAGE to it); nothing is deleted from the other",
    )
    photos_parser.add_argument("--to", choices=(FILESYSTEM, DATABASE), required=True)
    commands.add_parser(
        "reindex-kb",
        help="index every knowledge-base article again (after the word lists changed)",
    )
    commands.add_parser(
        "rebuild-stats",
        help="recompute the statistics' rollups from the event log (reports read them)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _parser().parse_args(argv)
    settings = Settings()
    if arguments.command == "serve":
        serve(settings, arguments.host, arguments.port, arguments.demo, arguments.workers)
    elif arguments.command == "migrate":
        migrate(settings)
        bootstrap_admin(settings)
    elif arguments.command == "seed-demo":
        seed_demo(settings)
        if arguments.history:
            seed_demo_history(settings, arguments.days)
    elif arguments.command == "reindex-kb":
        with _session(settings) as session:
            print(f"{kb_service.reindex(session)} knowledge-base articles indexed")
    elif arguments.command == "create-user":
        create_user(settings, arguments)
    elif arguments.command == "create-client":
        create_client(settings, arguments)
    elif arguments.command == "revoke-client":
        revoke_client(settings, arguments)
    elif arguments.command == "import-grids":
        import_grids(settings, arguments)
    elif arguments.command == "load-policies":
        load_policies(settings, arguments)
    elif arguments.command == "load-city":
        load_city(settings, arguments)
    elif arguments.command == "export-city":
        export_city(settings, arguments)
    elif arguments.command == "sla-sweep":
        sla_sweep(settings, arguments)
    elif arguments.command == "deliver-webhooks":
        deliver_webhooks(settings, arguments)
    elif arguments.command == "migrate-photos":
        migrate_photos(settings, arguments)
    elif arguments.command == "rebuild-stats":
        rebuild_stats(settings)


if __name__ == "__main__":
    main()
