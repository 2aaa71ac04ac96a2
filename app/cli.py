"""The `hotline` command: serve, migrate, seed-demo."""

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from app.config import Settings
from app.db import create_db_engine, create_session_factory, session_scope
from app.demo.seed import DatabaseNotEmpty, is_empty, seed_demo_city
from app.schema_version import current_revision, head_revision, upgrade_to_head

logger = logging.getLogger("hotline")


def _ensure_sqlite_directory(settings: Settings) -> None:
    if settings.is_sqlite and settings.database_url.startswith("sqlite:///"):
        database_file = Path(settings.database_url.removeprefix("sqlite:///"))
        database_file.parent.mkdir(parents=True, exist_ok=True)


def migrate(settings: Settings) -> None:
    _ensure_sqlite_directory(settings)
    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    engine.dispose()
    print("database schema is at the newest migration")


def seed_demo(settings: Settings, *, only_if_empty: bool = False) -> None:
    engine = create_db_engine(settings)
    factory = create_session_factory(engine)
    with engine.connect() as connection:
        if current_revision(connection) != head_revision():
            engine.dispose()
            sys.exit("seed-demo: the schema is not at the newest migration; run `hotline migrate`")
    try:
        for session in session_scope(factory):
            if only_if_empty and not is_empty(session):
                print("database already has a grid map; demo city not loaded")
                return
            summary = seed_demo_city(session)
    except DatabaseNotEmpty as error:
        sys.exit(f"seed-demo: {error}")
    finally:
        engine.dispose()
    print(
        f"demo city loaded: {summary.grids} grids, {summary.departments} departments, "
        f"{summary.categories} categories"
    )


def serve(settings: Settings, host: str, port: int, demo: bool) -> None:
    migrate(settings)
    if demo:
        seed_demo(settings, only_if_empty=True)
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    print(f"Hotline on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        log_level=settings.log_level,
        proxy_headers=True,
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
    commands.add_parser("migrate", help="bring the database schema to the newest migration")
    commands.add_parser("seed-demo", help="load the demo city into an empty database")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _parser().parse_args(argv)
    settings = Settings()
    if arguments.command == "serve":
        serve(settings, arguments.host, arguments.port, arguments.demo)
    elif arguments.command == "migrate":
        migrate(settings)
    elif arguments.command == "seed-demo":
        seed_demo(settings)


if __name__ == "__main__":
    main()
