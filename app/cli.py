"""The `hotline` command: serve, migrate, seed-demo."""

import argparse
import getpass
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth.roles import Role
from app.config import Settings
from app.db import create_db_engine, create_session_factory, session_scope
from app.demo.city import build_demo_city
from app.demo.people import seed_demo_people
from app.demo.seed import DatabaseNotEmpty, is_empty, seed_demo_city
from app.errors import HotlineError
from app.schema_version import current_revision, head_revision, upgrade_to_head
from app.tickets.vocabulary import Channel

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
    try:
        with _session(settings) as session:
            if current_revision(session.connection()) != head_revision():
                sys.exit(
                    "seed-demo: the schema is not at the newest migration; run `hotline migrate`"
                )
            if only_if_empty and not is_empty(session):
                print("database already has a grid map; demo city not loaded")
                return
            summary = seed_demo_city(session)
            users, clients = seed_demo_people(session, build_demo_city())
    except DatabaseNotEmpty as error:
        sys.exit(f"seed-demo: {error}")
    print(
        f"demo city loaded: {summary.grids} grids, {summary.departments} departments, "
        f"{summary.categories} categories"
    )
    print("demo staff accounts (demo only, never in production): username / password / role")
    for user in users:
        print(f"  {user.username:<11} {user.password:<26} {user.role}")
    print("demo integration keys (demo only): X-API-Key / channels")
    for client in clients:
        print(f"  {client.key}  {', '.join(client.channels)}")


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
    with _session(settings) as session:
        if auth.admin_exists(session) or auth.username_taken(session, username):
            return
        auth.create_user(
            session,
            username=username,
            display_name=username,
            password=password.get_secret_value(),
            role=Role.ADMIN,
        )
    print(f"first admin {username!r} created from HOTLINE_BOOTSTRAP_ADMIN_USERNAME")


def create_user(settings: Settings, arguments: argparse.Namespace) -> None:
    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline()
    try:
        with _session(settings) as session:
            user = auth.create_user(
                session,
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
            created = auth.create_client(session, arguments.name, arguments.channel)
    except HotlineError as error:
        sys.exit(f"create-client: {error.detail}")
    print(f"integration client {arguments.name!r} for {', '.join(created.client.channels)}")
    print(f"API key (shown once, keep it secret): {created.key}")


def revoke_client(settings: Settings, arguments: argparse.Namespace) -> None:
    try:
        with _session(settings) as session:
            client = auth.revoke_client(session, arguments.client_id)
    except HotlineError as error:
        sys.exit(f"revoke-client: {error.detail}")
    print(f"integration client {client.name!r} revoked")


def serve(settings: Settings, host: str, port: int, demo: bool) -> None:
    migrate(settings)
    bootstrap_admin(settings)
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
    commands.add_parser(
        "migrate",
        help="bring the database schema to the newest migration "
        "(and create the first admin from HOTLINE_BOOTSTRAP_ADMIN_*)",
    )
    commands.add_parser("seed-demo", help="load the demo city and demo accounts")
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
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _parser().parse_args(argv)
    settings = Settings()
    if arguments.command == "serve":
        serve(settings, arguments.host, arguments.port, arguments.demo)
    elif arguments.command == "migrate":
        migrate(settings)
        bootstrap_admin(settings)
    elif arguments.command == "seed-demo":
        seed_demo(settings)
    elif arguments.command == "create-user":
        create_user(settings, arguments)
    elif arguments.command == "create-client":
        create_client(settings, arguments)
    elif arguments.command == "revoke-client":
        revoke_client(settings, arguments)


if __name__ == "__main__":
    main()
