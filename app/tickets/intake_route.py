"""The intake route: POST /tickets with its body validated straight from the JSON bytes.

FastAPI parses a JSON body with the standard library, validates the objects that made,
then solves the endpoint's parameters one by one: together a sizeable share of intake, the
service's hot path. This route checks the credentials are there, validates the bytes with
pydantic's own JSON parser in one pass, and calls the endpoint itself. A request it is not
sure of (another content type, a body that does not validate) goes FastAPI's way, so
every error answer, a 422 above all, is the one FastAPI gives.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from app.auth.dependencies import credentials_of
from app.channels.schemas import TicketIntake
from app.dependencies import media_type

_BODY: TypeAdapter[Any] = TypeAdapter(TicketIntake)

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class IntakeRoute(APIRoute):
    """For the endpoint `(body: TicketIntake, request, credentials)`."""

    def get_route_handler(self) -> Handler:
        ordinary = super().get_route_handler()
        endpoint = self.endpoint

        async def handle(request: Request) -> Response:
            if media_type(request) != "application/json":
                return await ordinary(request)
            # As the dependency does: refused before the body is read.
            credentials = await credentials_of(request)
            try:
                body = _BODY.validate_json(await request.body())
            except ValidationError:
                return await ordinary(request)  # the body is kept: FastAPI reads it again
            response: Response = await endpoint(body=body, request=request, credentials=credentials)
            return response

        return handle
