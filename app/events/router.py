"""HTTP for the event feed: GET /events, long-polled with `wait`.

The endpoint holds no database session while it waits: each look at the feed is a short
unit of work of its own, so a consumer waiting 30 s never keeps SQLite's one connection
(or a PostgreSQL request slot) from anyone else."""

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from app.auth.dependencies import CREDENTIALS_OPENAPI, CredentialsDep
from app.errors import UnprocessableContent, problem_responses
from app.events import service, types
from app.events.schemas import FeedPage, FeedQuery
from app.identity.principal import ClientPrincipal, Principal
from app.resources import resources_of
from app.tickets.pagination import InvalidCursor
from app.unit_of_work import request_unit

router = APIRouter(tags=["events"])

# How often a waiting consumer looks again: the feed's latency while nothing else runs.
POLL_SECONDS = 0.2


def _position(after: str | None) -> int:
    if after is None:
        return 0
    if not after.isdigit() or len(after) > 18:
        raise InvalidCursor("The cursor is not one this API gave out (a `next_cursor`).")
    return int(after)


def _look(
    session: Session, principal: Principal, after: int, limit: int, kinds: list[str]
) -> FeedPage:
    service.sequence(session)
    rows, next_position = service.read(session, principal, after, limit, kinds)
    public = isinstance(principal, ClientPrincipal)
    return FeedPage(
        events=[service.event_of(row, public=public) for row in rows],
        next_cursor=str(next_position),
    )


@router.get(
    "/events",
    summary="The events after a cursor, in one stable order (long-poll with wait)",
    openapi_extra=CREDENTIALS_OPENAPI,
    responses=problem_responses(
        (400, "The cursor is not one this API gave out"),
        (401, "No credentials, or credentials that are not valid"),
        (422, "An unknown event type, a limit or wait out of range"),
    ),
)
async def read_feed(
    request: Request, query: Annotated[FeedQuery, Query()], credentials: CredentialsDep
) -> FeedPage:
    """Follow `next_cursor` and you see every event you may see once, in the order
    they committed, also while many commit at once. A unit hears its own tickets, an
    integration the tickets its channels filed (the public timeline's kinds), the
    dispatch centre and supervisors everything; personal data is masked as in the
    ticket views."""
    unknown = types.unknown_types(query.types)
    if unknown:
        raise UnprocessableContent(
            f"Unknown event types: {', '.join(unknown)}; known: {', '.join(types.ALL_TYPES)}.",
            field="types",
        )
    after = _position(query.after)
    resources = resources_of(request)
    deadline = time.monotonic() + query.wait
    principal: Principal | None = None
    while True:
        async with request_unit(resources.database) as unit:
            if principal is None:
                principal = await credentials.principal(
                    resources.principal_cache, resources.jwt_secret, unit.session
                )
            kinds = service.kinds_for(principal, query.types)
            page = await run_in_threadpool(
                _look, unit.session, principal, after, query.limit, kinds
            )
        if page.events or time.monotonic() >= deadline:
            return page
        after = int(page.next_cursor)
        await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
