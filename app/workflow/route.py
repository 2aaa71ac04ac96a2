"""The actions' route: POST /tickets/{number}/{action} without FastAPI's work per request.

An action runs against the whole request path: FastAPI solves seven parameters (the
credentials among them, through their own dependencies), hops to a worker thread for the
endpoint and again for the commit, and validates the answer before it dumps it; together
as much as the action's own work. An action's route takes its body and credentials
itself (`auth.json_route`: what it is not sure of goes FastAPI's way), and runs the
action, its answer and its commit in one worker thread; the answer is dumped as FastAPI
dumps it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session

from app.auth.dependencies import Credentials
from app.auth.json_route import json_route
from app.identity.principal import Principal
from app.resources import Resources, resources_of
from app.tickets.etags import etag
from app.tickets.schemas import TicketDetail
from app.unit_of_work import UnitOfWork, request_unit


@dataclass(frozen=True)
class ActionRequest:
    """What an action takes from the HTTP request besides who sent it."""

    number: str
    body: Any  # the action's body model
    if_match: str | None


# The action in the request's session, answering the ticket as it is afterwards.
Take = Callable[[ActionRequest, Resources, Session, Principal], TicketDetail]

_DETAIL: TypeAdapter[TicketDetail] = TypeAdapter(TicketDetail)


@dataclass(frozen=True)
class _Answer:
    body: bytes
    version: int


def _answer(
    take: Take, request: ActionRequest, resources: Resources, unit: UnitOfWork, principal: Principal
) -> _Answer:
    detail = take(request, resources, unit.session, principal)
    # As FastAPI dumps a response model (fastapi.routing.serialize_response).
    answer = _Answer(_DETAIL.dump_json(detail, by_alias=True), detail.version)
    # Committed in the thread the work ran in, before the answer goes out.
    unit.commit()
    return answer


async def _run(take: Take, body: BaseModel, request: Request, credentials: Credentials) -> Response:
    action = ActionRequest(request.path_params["number"], body, request.headers.get("if-match"))
    resources = resources_of(request)
    async with request_unit(resources.database) as unit:
        principal = await credentials.principal(
            resources.principal_cache, resources.jwt_secret, unit.session
        )
        answer = await run_in_threadpool(_answer, take, action, resources, unit, principal)
    response = Response(answer.body, media_type="application/json")
    response.headers["ETag"] = etag(answer.version)
    return response


def action_route(body_model: type[BaseModel], take: Take) -> type[APIRoute]:
    """The route class for an action whose body is `body_model` (see the module's
    docstring)."""
    return json_route(body_model.model_validate_json, partial(_run, take))
