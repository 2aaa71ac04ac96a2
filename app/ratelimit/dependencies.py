"""Rate-limit dependencies for the public and login endpoints."""

from collections.abc import Callable

from fastapi import Request

from app.config import Settings
from app.errors import TooManyRequests, answers_problems
from app.resources import resources_of


def client_address(request: Request) -> str:
    # Behind a proxy, uvicorn's --proxy-headers puts the real client address here.
    return request.client.host if request.client else "unknown"


def enforce(request: Request, bucket: str, key: str, limit: int) -> None:
    decision = resources_of(request).rate_limiter.hit(f"{bucket}:{key}", limit)
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
