"""The application factory."""

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import api_docs, health, intake
from app.auth.audit_router import router as audit_router
from app.auth.router import router as auth_router
from app.cache import TtlCache
from app.categories.router import router as categories_router
from app.citizen.router import router as citizen_router
from app.citizen.router import uploads_router as citizen_uploads_router
from app.config import Settings
from app.db import create_db_engine, create_session_factory, request_slots
from app.dedup import gazetteer
from app.dedup.router import router as dedup_router
from app.errors import install_error_handlers
from app.events.router import router as events_router
from app.grids.locator import GRID_LOCATOR, GridLocator
from app.grids.router import router as grids_router
from app.heap import settle_once
from app.kb.router import router as kb_router
from app.limits import BodySizeLimit
from app.observability import logs, metrics
from app.observability.requests import RequestObserver, route_templates
from app.open311.router import router as open311_router
from app.privacy.masking import install_log_masking
from app.ratelimit.limiter import (
    RATE_LIMITER,
    DatabaseRateLimiter,
    MemoryRateLimiter,
    RateLimiter,
)
from app.resources import Resources
from app.routing.router import router as routing_router
from app.routing.service import ROUTING, RoutingState
from app.routing.set_up import router as set_up_router
from app.schema_version import head_revision
from app.scrape.router import router as metrics_router
from app.security_headers import SecurityHeaders
from app.sla.catalogue import SLA, SlaState
from app.sla.router import router as sla_router
from app.sla.sweeper import sweeper as sla_sweeper
from app.stats.follower import follower as stats_follower
from app.stats.router import router as stats_router
from app.tickets.router import router as tickets_router
from app.unit_of_work import Database, DatabaseSlots
from app.units.router import router as units_router
from app.uploads.router import files_router
from app.uploads.router import router as photos_router
from app.webhooks.delivery import Deliverer, Policy
from app.webhooks.openapi import document_webhooks
from app.webhooks.router import router as webhooks_router
from app.workflow.router import router as workflow_router
from app.workflow.ticket_routes import router as ticket_routes_router

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MULTIPART_OVERHEAD_BYTES = 64_000

DESCRIPTION = """
One queue for every channel a city hears its citizens on: the 12345 hotline, Minsheng 110,
suishoupai photo reports, one-village-one-code QR posters, grid workers' patrols and the web.

Errors are RFC 9457 `application/problem+json`.
"""


def _body_limit(settings: Settings) -> Callable[[str], int]:
    photo_upload_limit = (
        settings.max_photo_bytes * settings.max_photos_per_ticket + MULTIPART_OVERHEAD_BYTES
    )
    # Files take the photos' allowance; so does a city's grid map, far over the JSON limit.
    upload_paths = {f"{API_PREFIX}/photos", f"{API_PREFIX}/files", f"{API_PREFIX}/grids/import"}

    def limit_for(path: str) -> int:
        return photo_upload_limit if path in upload_paths else settings.max_body_bytes

    return limit_for


def _jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    logger.warning(
        "HOTLINE_JWT_SECRET is not set: using a random secret, so staff tokens end with this "
        "process and other replicas refuse them"
    )
    return secrets.token_urlsafe(48)


def _rate_limiter(settings: Settings, factory: sessionmaker[Session]) -> RateLimiter:
    if settings.rate_limit_backend == "database":
        return DatabaseRateLimiter(factory)
    return MemoryRateLimiter()


def build_resources(settings: Settings, engine: Engine) -> Resources:
    """A new set of the process-wide objects: empty caches, limiters and loaded maps."""
    session_factory = create_session_factory(engine)
    locator = GridLocator()
    infrastructure = Resources(
        settings=settings,
        database=Database(
            engine,
            session_factory,
            DatabaseSlots(request_slots(settings)),
            # SQLite's one connection: intakes share their commits.
            intake.shared_commit(engine) if settings.is_sqlite else None,
        ),
        schema_head=head_revision(),
        jwt_secret=_jwt_secret(settings),
        principal_cache=TtlCache(settings.credential_cache_seconds),
        reports_database=_reports_database(settings),
    )
    # Each domain's object under the key its package declares.
    return (
        infrastructure.holding(RATE_LIMITER, _rate_limiter(settings, session_factory))
        .holding(GRID_LOCATOR, locator)
        .holding(ROUTING, RoutingState(locator))
        .holding(SLA, SlaState())
    )


def _reports_database(settings: Settings) -> Database | None:
    """The replica reports read, when HOTLINE_REPORTS_DATABASE_URL names one."""
    if not settings.reports_database_url:
        return None
    replica = settings.model_copy(update={"database_url": settings.reports_database_url})
    engine = create_db_engine(replica)
    return Database(engine, create_session_factory(engine), DatabaseSlots(request_slots(replica)))


# Each route's template, by the id of the route object its module made: the same for every
# app of the process, so worked out once (it makes FastAPI resolve every included route,
# which costs a third of a second an app).
_ROUTE_TEMPLATES: dict[int, str] = {}


def configure_process(settings: Settings) -> None:
    """What `settings` set for the whole process rather than for one app: the log format
    and the duplicate score's data."""
    logs.install(settings.log_format, settings.log_level)
    gazetteer.load_data(settings.places_file)


class _Background(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


def _background_work(settings: Settings, factory: sessionmaker[Session]) -> list[_Background]:
    """The server's own background work, each unless its interval is 0: the SLA sweeper,
    the statistics' follower, webhook delivery."""
    workers: list[_Background] = []
    if settings.sla_sweep_seconds > 0:
        workers.append(sla_sweeper(factory, settings.sla_sweep_seconds, settings.sla_sweep_batch))
    if settings.stats_rollups and settings.stats_poll_seconds > 0:
        workers.append(stats_follower(factory, settings.stats_poll_seconds))
    if settings.webhook_poll_seconds > 0:
        workers.append(Deliverer(factory, Policy.of(settings), settings.webhook_poll_seconds))
    return workers


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for `settings` (from the environment when not given)."""
    settings = settings or Settings()
    configure_process(settings)
    engine = create_db_engine(settings)
    resources = build_resources(settings, engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settle_once()
        current: Resources = app.state.resources  # as the tests may have set it
        workers = _background_work(settings, current.database.session_factory)
        for worker in workers:
            worker.start()
        yield
        for worker in reversed(workers):
            worker.stop()
        engine.dispose()
        if resources.reports_database is not None:
            resources.reports_database.engine.dispose()

    app = FastAPI(
        title="Hotline",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=api_docs.TAGS,
        generate_unique_id_function=api_docs.operation_id,
        # Served by api_docs.install_pages, from installed assets rather than a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.resources = resources
    install_error_handlers(app)
    install_log_masking()
    if settings.metrics_enabled:
        metrics.watch_pool(engine)
    app.add_middleware(BodySizeLimit, limit_for=_body_limit(settings))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-API-Key"],
            expose_headers=["Location", "Idempotent-Replayed", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
    # Outermost: a request's time and status include every other middleware's.
    app.add_middleware(
        RequestObserver,
        request_ids=settings.request_ids,
        observed=metrics.observe_request if settings.metrics_enabled else None,
        access_log=settings.log_format == "json",
        templates=_ROUTE_TEMPLATES,
    )

    # Each router straight under the app, not through an /api/v1 router of their own:
    # every level of inclusion is walked again to match each request. A request is matched
    # against the routers in this order, each costing microseconds, so the busiest come
    # first: intake, then the workflow's actions (none of their paths is another's).
    for router in (
        intake.router,
        workflow_router,
        tickets_router,
        ticket_routes_router,  # one ticket's detail, re-routing, merging
        photos_router,
        files_router,
        categories_router,
        audit_router,
        grids_router,  # before units_router, whose /grids/{code} would take /grids/map-versions
        units_router,
        set_up_router,  # the departments' and categories' changes
        auth_router,
        citizen_router,
        citizen_uploads_router,
        routing_router,
        sla_router,
        dedup_router,
        events_router,
        webhooks_router,
        kb_router,
        stats_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router)
    app.include_router(open311_router)
    if settings.metrics_enabled:
        app.include_router(metrics_router)
    document_webhooks(app)
    api_docs.install_openapi(app)
    api_docs.install_pages(app)
    if not _ROUTE_TEMPLATES:
        _ROUTE_TEMPLATES.update(route_templates(app))
    return app
