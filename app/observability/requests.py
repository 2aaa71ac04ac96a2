"""Each request's id, and the notes its log lines and metrics are made from.

`RequestObserver` is pure ASGI and sits outside every other middleware, so a request's
time includes theirs (a 413 from the body limit is timed and counted too). What a request
learns on its way (who called, which ticket) is noted on one `RequestNote` kept in a
context variable: worker threads get a copy of the context, but the same note, so what
they note is seen when the request ends.
"""

import itertools
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
# A caller's id is kept when it is short and plain, so it can be quoted in any log line.
_ACCEPTABLE_ID = re.compile(rb"^[A-Za-z0-9._:/+=-]{1,128}$")
UNMATCHED_ROUTE = "<unmatched>"
_TICKET_LOCATION = re.compile(rb"/tickets/([^/]+)$")

access_logger = logging.getLogger("hotline.access")


@dataclass(slots=True)
class RequestNote:
    """What one request's log lines say about it."""

    request_id: str | None
    method: str
    path: str
    route: str | None = None
    status: int | None = None
    ticket: str | None = None
    actor_kind: str | None = None


_current: ContextVar[RequestNote | None] = ContextVar("hotline_request", default=None)


def current() -> RequestNote | None:
    """The request being served in this context, if any."""
    return _current.get()


def note_actor(kind: str) -> None:
    """Who is calling (an actor kind: client, user, citizen), once the credentials are known."""
    note = _current.get()
    if note is not None:
        note.actor_kind = kind


def note_ticket(number: str) -> None:
    """The ticket the request is about."""
    note = _current.get()
    if note is not None:
        note.ticket = number


class _Ids:
    """Ids unique across processes without a system call each: a random prefix per
    process, then a counter (next() on itertools.count is atomic under the GIL)."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(6)
        self._counter = itertools.count(1)

    def next(self) -> str:
        return f"{self._prefix}-{next(self._counter):x}"


def _request_id_sent(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return value if _ACCEPTABLE_ID.match(value) else None
    return None


def route_templates(app: FastAPI) -> dict[int, str]:
    """Each route's whole template (an included router's prefix too), by the route's id:
    the route a request matched is in its scope, without the prefix it was included with."""
    return {
        id(context.original_route): context.path_format
        for context in iter_route_contexts(app.routes)
        if context.path_format is not None
    }


# (method, route template, status, seconds): what the metrics take from each request.
RequestObserved = Callable[[str, str, int, float], None]


class RequestObserver:
    """Gives each request an id (the caller's X-Request-ID when acceptable), returns it,
    times the request, and hands the outcome to the metrics and the access log."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        request_ids: bool,
        observed: RequestObserved | None,
        access_log: bool,
        templates: Mapping[int, str],
    ) -> None:
        self.app = app
        self.templates = templates
        self.request_ids = request_ids
        self.observed = observed
        self.access_log = access_log
        self._ids = _Ids()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id: bytes | None = None
        if self.request_ids:
            request_id = _request_id_sent(scope) or self._ids.next().encode()
        note = RequestNote(
            request_id.decode() if request_id is not None else None, scope["method"], scope["path"]
        )
        token = _current.set(note)
        status = 500  # unless an answer is started: the server answers 500 for an exception

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.get("headers", ())
                if request_id is not None:
                    headers = [*headers, (REQUEST_ID_HEADER, request_id)]
                    message["headers"] = headers
                if status == 201 and note.ticket is None:
                    _note_created_ticket(note, headers)
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - started
            route = self.templates.get(id(scope.get("route")), UNMATCHED_ROUTE)
            note.route, note.status = route, status
            if self.observed is not None:
                self.observed(scope["method"], route, status, seconds)
            if self.access_log and access_logger.isEnabledFor(logging.INFO):
                _log_access(note, scope, seconds)
            _current.reset(token)


def _note_created_ticket(note: RequestNote, headers: object) -> None:
    """A 201 that names a ticket in its Location (intake) is about that ticket."""
    for name, value in headers:  # type: ignore[attr-defined]
        if name.lower() == b"location":
            found = _TICKET_LOCATION.search(value)
            if found is not None:
                note.ticket = found.group(1).decode("latin-1")
            return


def _log_access(note: RequestNote, scope: Scope, seconds: float) -> None:
    if note.ticket is None:
        note.ticket = scope.get("path_params", {}).get("number")
    access_logger.info(
        "%s %s %s",
        note.method,
        note.path,
        note.status,
        extra={"duration_ms": round(seconds * 1000, 2)},
    )
