"""A route that takes its JSON body and credentials itself, for the busiest endpoints.

FastAPI parses a JSON body with the standard library, validates the objects that made,
then solves the endpoint's parameters one by one: on intake and the workflow actions, as
much as their own work. A `json_route` checks the credentials are there, validates the
bytes with pydantic's own JSON parser in one pass, and calls the endpoint's work through a
typed call that mypy checks. A request it is not sure of (another content type, a body
that does not validate) goes FastAPI's way, so every error answer, a 422 above all, is the
one FastAPI gives.
"""

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from app.auth.dependencies import Credentials, credentials_of
from app.media_types import media_type

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
Body = TypeVar("Body")


def json_route(
    validate: Callable[[bytes], Body],
    run: Callable[[Body, Request, Credentials], Awaitable[Response]],
) -> type[APIRoute]:
    """The route class whose requests `run` answers, given the body as `validate` makes
    it (pydantic's `validate_json`, raising ValidationError) and the credentials."""

    class JsonRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            ordinary = super().get_route_handler()

            async def handle(request: Request) -> Response:
                if media_type(request) != "application/json":
                    return await ordinary(request)
                # As the dependency does: refused before the body is read.
                credentials = await credentials_of(request)
                try:
                    body = validate(await request.body())
                except ValidationError:
                    return await ordinary(request)  # the body is kept: FastAPI reads it again
                return await run(body, request, credentials)

            return handle

    return JsonRoute
