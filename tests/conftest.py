"""Fixtures: every test runs on SQLite, and on PostgreSQL too when TEST_POSTGRES_URL is set.

The schema is made once per database by `alembic upgrade head`, the demo city loaded once,
and each test runs inside a transaction that is rolled back, so tests never see each other.
Under pytest-xdist each worker has databases of its own: its SQLite files under its own
temporary directory, its own PostgreSQL schemas (`worker_schema`).
"""

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import StaffUser
from app.auth.tokens import issue_access_token
from app.clock import FrozenClock, frozen_clock, utc_now
from app.config import Settings
from app.db import create_db_engine, create_session_factory, session_scope
from app.demo.city import build_demo_city
from app.demo.people import DEMO_CLIENTS, seed_demo_people
from app.demo.routing import seed_demo_routing
from app.demo.seed import seed_demo_city
from app.main import create_app
from app.schema_version import upgrade_to_head
from app.sla.defaults import ensure_defaults
from tests.apps import fresh_app, in_test_transaction

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
JWT_SECRET = "test-secret-" + "x" * 40
# The pytest-xdist worker running this process ("gw0", ...), or "main" without workers.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_schema(name: str) -> str:
    """A PostgreSQL schema of this worker's own."""
    return f"{name}_{WORKER}"


TEST_SCHEMA = worker_schema("hotline_test")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]

# Tables that tests write to; reference data (grids, departments, categories) stays.
TRANSACTIONAL_TABLES = (
    "stat_day",
    "stat_unit_day",
    "stat_unit_month",
    "stat_place",
    "stat_ticket",
    "stat_settings",
    "audit_entry",
    "webhook_attempt",
    "webhook_delivery",
    "webhook_subscription",
    "rate_limit_window",
    "refresh_token",
    "kb_citation",
    "ticket_event",
    "ticket_attachment",
    "ticket_assisting_unit",
    "extension_request",
    "ticket_clock",
    "ticket",
    "ticket_number_counter",
    "idempotency_record",
    "photo_bytes",
    "photo",
)


def _postgres_url_in_test_schema() -> str:
    assert POSTGRES_URL is not None
    settings = Settings(database_url=POSTGRES_URL)
    separator = "&" if "?" in settings.database_url else "?"
    return f"{settings.database_url}{separator}options=-csearch_path%3D{TEST_SCHEMA}"


def _fresh_postgres_schema() -> None:
    admin = create_engine(Settings(database_url=POSTGRES_URL or "").database_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {TEST_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {TEST_SCHEMA}"))
    ensure_trigram_extension(POSTGRES_URL or "")
    admin.dispose()


@contextlib.contextmanager
def empty_database(backend: str, directory: Path, name: str) -> Iterator[str]:
    """The URL of an empty database of `backend`, not the one the other tests share: a
    SQLite file in `directory`, or a PostgreSQL schema of this worker's own named after
    `name`, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'{name}.db'}"
        return
    schema = worker_schema(name)
    base_url = Settings(database_url=POSTGRES_URL or "").database_url
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def ensure_trigram_extension(url: str) -> None:
    """pg_trgm in the database's public schema, which no test drops: made by a migration
    inside a worker's schema, it would go with that schema (and every index using it)."""
    admin = create_engine(Settings(database_url=url).database_url)
    with contextlib.suppress(IntegrityError), admin.begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a migrated database holding the demo city, one per backend."""
    directory = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'hotline.db'}"
    else:
        _fresh_postgres_schema()
        url = _postgres_url_in_test_schema()
    # The sweeper is driven by the tests themselves, never by a thread behind their back.
    settings = Settings(
        database_url=url,
        upload_dir=directory / "uploads",
        jwt_secret=SecretStr(JWT_SECRET),
        sla_sweep_seconds=0,
        # Webhooks are delivered by the tests' own passes, to receivers on this machine.
        webhook_poll_seconds=0,
        webhook_allow_private=True,
        # The statistics count the feed when a test says so (tests/stats/conftest.py).
        stats_poll_seconds=0,
        # Fixtures file the same report again and again as separate tickets; the duplicate
        # tests turn merging on for themselves (tests/dedup).
        dedup_auto_merge=False,
    )
    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    for session in session_scope(create_session_factory(engine)):
        seed_demo_city(session)
        seed_demo_people(session, build_demo_city())
        seed_demo_routing(session, build_demo_city())
        ensure_defaults(session, settings.timezone)
        # Each test starts with an empty audit log, not with the seed's own entries.
        session.execute(text("DELETE FROM audit_entry"))
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def auth(settings: Settings, engine: Engine) -> dict[str, dict[str, str]]:
    """Request headers per demo identity: staff by username (admin, dispatcher, supervisor,
    urban, street, community, gridworker) and keys (call_centre, citizen_app, grid_app)."""
    headers: dict[str, dict[str, str]] = {}
    with Session(engine) as session:
        for user_id, username in session.execute(select(StaffUser.id, StaffUser.username)):
            token = issue_access_token(user_id, JWT_SECRET, utc_now(), timedelta(hours=2))
            headers[username] = {"Authorization": f"Bearer {token}"}
    for name, client in zip(("call_centre", "citizen_app", "grid_app"), DEMO_CLIENTS, strict=True):
        headers[name] = {"X-API-Key": client.key}
    return headers


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """The app's clock, frozen at the present: the test moves it (`set`, `advance`), and
    every `utc_now()` of the app, in any thread, reads it."""
    with frozen_clock() as frozen:
        yield frozen


@pytest.fixture
def backend(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions inside one outer transaction; their commits are savepoints, undone at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield sessionmaker(
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )
        transaction.rollback()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def anonymous(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """The real app over HTTP, its database work inside the test's transaction."""
    app = in_test_transaction(fresh_app(settings), session_factory)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous: TestClient, auth: dict[str, dict[str, str]]) -> TestClient:
    """The same, as the dispatch centre's dispatcher (sees everything, files any channel)."""
    anonymous.headers.update(auth["dispatcher"])
    return anonymous


@pytest.fixture
def committing_client(
    settings: Settings, engine: Engine, auth: dict[str, dict[str, str]]
) -> Iterator[TestClient]:
    """The real app on its own engine, committing for real (for tests with threads).

    What it wrote is deleted afterwards.
    """
    with TestClient(fresh_app(settings), headers=auth["dispatcher"]) as test_client:
        yield test_client
    with engine.begin() as connection:
        for table in TRANSACTIONAL_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def upload_dir(settings: Settings) -> Path:
    return settings.upload_dir


@pytest.fixture
def live_server(settings: Settings, engine: Engine) -> Iterator[str]:
    """The real app behind uvicorn on a free loopback port, committing for real.

    What it wrote is deleted afterwards.
    """
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        with engine.begin() as connection:
            for table in TRANSACTIONAL_TABLES:
                connection.execute(text(f"DELETE FROM {table}"))
