"""HTTP for intake: POST /tickets (parse, call the flow, answer), and the routing dry run,
which answers where a ticket would go without taking it in. POST /tickets takes its body
and credentials itself (`auth.json_route`): FastAPI's work per request is a sizeable share
of intake, the service's hot path.
"""

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from app.auth.dependencies import (
    CREDENTIALS_OPENAPI,
    CredentialsDep,
    ReaderDep,
)
from app.auth.json_route import json_route
from app.channels.examples import INTAKE_EXAMPLES
from app.channels.normalise import to_draft
from app.channels.schemas import TicketIntake
from app.dependencies import SessionDep, SettingsDep
from app.errors import problem_responses
from app.idempotency import service as idempotency
from app.intake import flow, write
from app.resources import resources_of
from app.routing.schemas import RoutingPreview
from app.routing.service import ROUTING
from app.tickets.schemas import TicketRead

_BODY: TypeAdapter[TicketIntake] = TypeAdapter(TicketIntake)


router = APIRouter()

PROBLEM_RESPONSES = problem_responses(
    (409, "An Idempotency-Key request is still in flight"),
    (413, "Body over the size limit"),
    (422, "Invalid body, unknown code, or Idempotency-Key reused with another body"),
)


async def create_ticket(
    body: Annotated[TicketIntake, Body(openapi_examples=INTAKE_EXAMPLES)],
    request: Request,
    credentials: CredentialsDep,
) -> Response:
    """One endpoint for every channel; `channel` in the body says which, and which fields
    apply. Durable before the 201 is sent. Re-posting a known `external_id` returns the
    first ticket with 200; an `Idempotency-Key` replays the first answer exactly."""
    # The unit of work is opened by the flow rather than as a dependency, and the work
    # runs in one go: FastAPI's work per dependency, and each hop to a thread, is a
    # sizeable share of intake, the hot path.
    path: str = request.scope["path"]  # request.url would parse the whole URL for it
    outcome = await flow.take_in(
        resources_of(request),
        flow.IntakeRequest(body, path, request.headers.get(idempotency.HEADER), credentials),
    )
    if isinstance(outcome, idempotency.StoredResponse):
        headers = {"Idempotent-Replayed": "true"}
        return JSONResponse(outcome.body, outcome.status, headers=headers)
    headers = {"Location": f"{path}/{outcome.number}"}
    return Response(outcome.body, outcome.status, headers=headers, media_type="application/json")


router.add_api_route(
    "/tickets",
    create_ticket,
    methods=["POST"],
    tags=["tickets"],
    route_class_override=json_route(_BODY.validate_json, create_ticket),
    status_code=201,
    response_model=TicketRead,
    summary="Take in a ticket from any channel",
    responses={
        200: {
            "model": TicketRead,
            "description": "The channel's external id was known: the "
            "ticket filed the first time, unchanged",
        },
        **PROBLEM_RESPONSES,
    },
    # The endpoint reads the Idempotency-Key header and the credentials itself (FastAPI's
    # work per parameter counts on intake, the hot path); this puts them in /docs.
    openapi_extra={**CREDENTIALS_OPENAPI, **idempotency.HEADER_OPENAPI},
)


@router.post(
    "/routing/dry-run",
    tags=["routing"],
    summary="Where a ticket would go, and why (nothing is written)",
)
def dry_run_routing(
    body: Annotated[TicketIntake, Body(openapi_examples=INTAKE_EXAMPLES)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _staff: ReaderDep,
) -> RoutingPreview:
    """Takes the same body as intake and answers what intake would decide."""
    routing = resources_of(request)[ROUTING]
    prepared = write.prepare(
        session,
        to_draft(body),
        routing,
        settings.classifier_threshold,
        settings.places_file,
        settings.channel_request_types,
    )
    session.rollback()
    return RoutingPreview.model_validate(prepared.outcome.event_payload())
