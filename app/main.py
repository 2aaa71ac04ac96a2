"""The application factory."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from app import health
from app.categories.router import router as categories_router
from app.config import Settings
from app.db import create_db_engine, create_session_factory
from app.errors import install_error_handlers
from app.limits import BodySizeLimit
from app.photos.router import router as photos_router
from app.schema_version import head_revision
from app.tickets.router import router as tickets_router
from app.units.router import router as units_router

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
    photos_path = f"{API_PREFIX}/photos"

    def limit_for(path: str) -> int:
        return photo_upload_limit if path == photos_path else settings.max_body_bytes

    return limit_for


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for `settings` (from the environment when not given)."""
    settings = settings or Settings()
    engine = create_db_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Hotline",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.schema_head = head_revision()
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, limit_for=_body_limit(settings))

    api = APIRouter(prefix=API_PREFIX)
    for router in (tickets_router, photos_router, categories_router, units_router):
        api.include_router(router)
    app.include_router(api)
    app.include_router(health.router)
    return app
