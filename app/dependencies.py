"""Request-scoped dependencies shared by every router: the request's unit of work and
session, the app's resources and settings, the rate limits of the public and login
endpoints (the app's limiter, ratelimit/limiter.py, read from the resources)."""

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import TooManyRequests, answers_problems
from app.ratelimit.limiter import RATE_LIMITER
from app.resources import Resources, resources_of
from app.unit_of_work import UnitOfWork, request_unit


async def _database_slot(request: Request) -> AsyncIterator[None]:
    database = resources_of(request).database
    async with database.slots.held():
        await database.settle_shared_commit()
        yield


DatabaseSlotDep = Annotated[None, Depends(_database_slot, scope="function")]


async def _unit(request: Request) -> AsyncIterator[UnitOfWork]:
    async with request_unit(resources_of(request).database) as unit:
        yield unit


async def _session(unit: "UnitDep") -> Session:
    return unit.session


async def _reports_session(request: Request, unit: "UnitDep") -> AsyncIterator[Session]:
    """A session on the database reports read: the request's own, or one on the replica
    when HOTLINE_REPORTS_DATABASE_URL names one."""
    replica = resources_of(request).reports_database
    if replica is None:
        yield unit.session
        return
    async with request_unit(replica) as own:
        yield own.session


async def _settings(request: Request) -> Settings:
    return resources_of(request).settings


async def _resources(request: Request) -> Resources:
    return resources_of(request)


# scope="function": the commit happens before the response is sent, so a 201 is durable.
UnitDep = Annotated[UnitOfWork, Depends(_unit, scope="function")]
SessionDep = Annotated[Session, Depends(_session)]
ReportsSessionDep = Annotated[Session, Depends(_reports_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(_settings)]
ResourcesDep = Annotated[Resources, Depends(_resources)]


def client_address(request: Request) -> str:
    # Behind a proxy, uvicorn's --proxy-headers puts the real client address here.
    return request.client.host if request.client else "unknown"


def enforce(request: Request, bucket: str, key: str, limit: int) -> None:
    decision = resources_of(request)[RATE_LIMITER].hit(f"{bucket}:{key}", limit)
    if not decision.allowed:
        raise TooManyRequests(
            f"Too many requests; try again in {decision.retry_after_seconds} s.",
            headers={"Retry-After": str(decision.retry_after_seconds)},
        )


def per_address(bucket: str, limit_of: Callable[[Settings], int]) -> Callable[[Request], None]:
    """A dependency allowing `limit_of(settings)` requests a minute from one address."""

    @answers_problems((429, "Too many requests from this address; see Retry-After"))
    def check(request: Request) -> None:
        enforce(request, bucket, client_address(request), limit_of(resources_of(request).settings))

    return check
