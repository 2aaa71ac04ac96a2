"""The process-wide objects every request may use, in one typed container.

`create_app` builds one `Resources` and keeps it as `app.state.resources`; code reads it
with `resources_of(request)` (or `ResourcesDep` as a parameter), never by loose attributes
of `app.state`, so mypy checks every use.
"""

from dataclasses import dataclass

from fastapi import Request

from app.config import Settings
from app.grids.locator import GridLocator
from app.identity.principal import PrincipalCache
from app.ratelimit.limiter import RateLimiter
from app.routing.service import RoutingState
from app.sla.catalogue import SlaState
from app.unit_of_work import Database


@dataclass(frozen=True)
class Resources:
    settings: Settings
    database: Database
    # The newest migration this code knows (readiness compares the database with it).
    schema_head: str | None
    # Signs staff access tokens.
    jwt_secret: str
    rate_limiter: RateLimiter
    # Checked credentials, remembered for HOTLINE_CREDENTIAL_CACHE_SECONDS.
    principal_cache: PrincipalCache
    grid_locator: GridLocator
    # Routing's rules, keywords and grid index, reloaded when they change.
    routing: RoutingState
    # The SLA calendars and policies, reloaded when they change.
    sla: SlaState
    # Where reports read the statistics (HOTLINE_REPORTS_DATABASE_URL); None: `database`.
    reports_database: Database | None = None


def resources_of(request: Request) -> Resources:
    """The app's resources (for code that takes no FastAPI parameters: the hot path)."""
    resources: Resources = request.app.state.resources
    return resources
