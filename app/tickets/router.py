"""HTTP for the queue: take tickets in from every channel, list them, open one."""

import json
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import CREDENTIALS_OPENAPI, CredentialsDep, StaffDep, require_roles
from app.auth.policy import ensure_may_file
from app.auth.principal import Principal, StaffPrincipal
from app.auth.roles import Role
from app.categories import service as categories
from app.channels.normalise import to_draft
from app.channels.schemas import TicketIntake
from app.dedup import intake as dedup
from app.dependencies import (
    SessionDep,
    SettingsDep,
    app_settings,
    request_session,
    runs_without_waiting,
)
from app.errors import problem_responses
from app.idempotency import service as idempotency
from app.routing.schemas import CategoryCorrection, RerouteRequest
from app.schemas import Page
from app.tickets import service, views
from app.tickets.etags import etag
from app.tickets.intake_route import IntakeRoute
from app.tickets.pagination import Cursor, SortOrder
from app.tickets.schemas import (
    RevealedReporterRead,
    RevealRequest,
    TicketDetail,
    TicketListQuery,
    TicketRead,
)
from app.units import service as units

router = APIRouter(prefix="/tickets", tags=["tickets"])

PROBLEM_RESPONSES = problem_responses(
    (409, "An Idempotency-Key request is still in flight"),
    (413, "Body over the size limit"),
    (422, "Invalid body, unknown code, or Idempotency-Key reused with another body"),
)


async def post_ticket(
    body: Annotated[TicketIntake, Body()],
    request: Request,
    credentials: CredentialsDep,
) -> Response:
    """One endpoint for every channel; `channel` in the body says which, and which fields
    apply. Durable before the 201 is sent. Re-posting a known `external_id` returns the
    first ticket with 200; an `Idempotency-Key` replays the first answer exactly."""
    # The session is taken here rather than as a dependency, and the rest runs in one go, on
    # the event loop when it need not wait, else in one worker thread: FastAPI's work per
    # dependency, and each hop to a thread, is a sizeable share of intake, the hot path.
    async with request_session(request, join_commit_group=True) as session:
        principal = await credentials.principal(request, session)
        idempotency_key = request.headers.get(idempotency.HEADER)
        if runs_without_waiting(session):
            return _take_in(body, request, session, principal, idempotency_key)
        return await run_in_threadpool(_take_in, body, request, session, principal, idempotency_key)


router.add_api_route(
    "",
    post_ticket,
    methods=["POST"],
    route_class_override=IntakeRoute,
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


def _take_in(
    body: TicketIntake,
    request: Request,
    session: Session,
    principal: Principal,
    idempotency_key: str | None,
) -> Response:
    """Intake's database work, committed in the thread it runs in: a worker thread, or the
    event loop's when it need not wait (app.dependencies.runs_without_waiting)."""
    settings = app_settings(request)
    # The route's path as sent; request.url would parse the whole URL for it.
    path: str = request.scope["path"]
    draft = to_draft(body)
    ensure_may_file(principal, draft.channel, _grid_path(session, principal, draft.grid_code))
    claim: idempotency.Claim | None = None
    if idempotency_key is not None:
        outcome = idempotency.claim(
            session,
            principal.actor.idempotency_scope,
            idempotency.validate_key(idempotency_key),
            idempotency.fingerprint("POST", path, body.model_dump(mode="json")),
            ttl=timedelta(hours=settings.idempotency_ttl_hours),
            lease=timedelta(seconds=settings.idempotency_lease_seconds),
        )
        if isinstance(outcome, idempotency.StoredResponse):
            return JSONResponse(
                outcome.body, outcome.status, headers={"Idempotent-Replayed": "true"}
            )
        claim = outcome
    catalogue = request.app.state.sla.catalogue(session)
    screening = dedup.Screening(
        session,
        principal,
        request.app.state.routing.snapshot(session).categories_by_id,
        catalogue,
        settings,
    )
    try:
        result = service.take_in(
            session,
            draft,
            principal.actor,
            ZoneInfo(settings.timezone),
            request.app.state.routing,
            catalogue=catalogue,
            confidence_threshold=settings.classifier_threshold,
            merge_into=screening.merge_into,
        )
        ticket = result.ticket
        if result.created:
            ticket = screening.settle(ticket) or ticket
        status = 201 if result.created else 200
        read = views.read(ticket, principal, catalogue, with_remaining=False)
        answer = read.model_dump_json().encode()
        if claim is not None:
            idempotency.complete(session, claim, status, json.loads(answer))
        # Durable before the answer goes out; committed here, in this worker thread, to
        # spare intake (the service's hot path) a second thread hop for the commit.
        session.commit()
    except Exception:
        if claim is not None:
            idempotency.release(session, claim)
        raise
    headers = {"Location": f"{path}/{ticket.number}"}
    return Response(answer, status, headers=headers, media_type="application/json")


def _grid_path(session: Session, principal: Principal, grid_code: str | None) -> str | None:
    """Only a grid worker's report needs its grid checked before intake."""
    if not isinstance(principal, StaffPrincipal) or principal.role is not Role.GRID_WORKER:
        return None
    grid = units.get_grid_by_code(session, grid_code) if grid_code else None
    return grid.path if grid else None


@router.get("", summary="The queue, filtered and sorted, one page at a time")
def list_tickets(
    query: Annotated[TicketListQuery, Query()],
    request: Request,
    session: SessionDep,
    staff: StaffDep,
) -> Page[TicketRead]:
    """Staff see the tickets of their scope: the dispatch centre and supervisors all of
    them, a unit its own (and those it assists), a street or community also the grids
    below it. Each ticket shows its clocks."""
    sort = SortOrder(query.sort)
    cursor = Cursor.decode(query.cursor, sort) if query.cursor else None
    filters = service.TicketFilters(
        statuses=query.status,
        channels=query.channel,
        request_types=query.request_type,
        priorities=query.priority,
        category_code=query.category,
        grid_code=query.grid,
        assigned_grid_code=query.assigned_grid,
        assigned_department_code=query.assigned_department,
        created_from=query.created_from,
        created_to=query.created_to,
        text=query.q,
        overdue=query.overdue,
        warned=query.warned,
        breached=query.breached,
        paused=query.paused,
        supervised=query.supervised,
    )
    tickets, next_cursor = service.list_tickets(session, staff, filters, sort, query.limit, cursor)
    catalogue = request.app.state.sla.catalogue(session)
    return Page[TicketRead](
        items=[views.read(ticket, staff, catalogue) for ticket in tickets],
        next_cursor=next_cursor.encode() if next_cursor else None,
    )


@router.get("/{number}", summary="One ticket with its clocks, what you may do, its timeline")
def get_ticket(
    number: str, request: Request, response: Response, session: SessionDep, staff: StaffDep
) -> TicketDetail:
    """The ETag is the ticket's version: send it back as If-Match with an action, and the
    action is refused (412) if someone changed the ticket since you read it."""
    ticket = service.get_ticket(session, number, staff)
    response.headers["ETag"] = etag(ticket.version)
    return views.detail(session, ticket, staff, request.app.state.sla.catalogue(session))


@router.post(
    "/{number}/reporter/reveal",
    summary="See the reporter's full name and phone (audited on the timeline)",
)
def reveal_reporter(
    number: str, body: RevealRequest, session: SessionDep, staff: StaffDep
) -> RevealedReporterRead:
    """For calling the citizen back. Who saw whose number, when and why is written to the
    ticket's timeline, which administrators read."""
    ticket = service.get_ticket(session, number, staff)
    revealed = service.reveal_reporter(session, ticket, staff, body.reason)
    return RevealedReporterRead(name=revealed.name, phone=revealed.phone)


DispatchCentre = Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN, Role.DISPATCHER))]


@router.post("/{number}/route", summary="Re-route: a dispatcher's choice, or the rules again")
def reroute(
    number: str,
    body: RerouteRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: DispatchCentre,
) -> TicketDetail:
    """Only before the unit has signed for it; afterwards tickets move by transfer or
    return. Either way the timeline says who routed it where, and why."""
    ticket = service.get_ticket(session, number, staff)
    catalogue = request.app.state.sla.catalogue(session)
    if body.by_rules:
        service.reroute_by_rules(
            session,
            ticket,
            request.app.state.routing,
            catalogue,
            staff.actor,
            body.reason,
            settings.classifier_threshold,
        )
    else:
        assert body.lead is not None
        service.reroute_by_hand(
            session,
            ticket,
            service.UnitChoice.of_codes(
                session, body.lead.kind, body.lead.code, body.assist_department_codes
            ),
            catalogue,
            staff.actor,
            body.reason,
        )
    return views.fresh_detail(session, number, staff, catalogue)


@router.put("/{number}/category", summary="Correct the category (routing follows)")
def correct_category(
    number: str,
    body: CategoryCorrection,
    request: Request,
    session: SessionDep,
    staff: DispatchCentre,
) -> TicketDetail:
    ticket = service.get_ticket(session, number, staff)
    category = categories.require_category_by_code(session, body.category_code)
    catalogue = request.app.state.sla.catalogue(session)
    service.correct_category(
        session,
        ticket,
        category,
        request.app.state.routing,
        catalogue,
        staff.actor,
        body.reason,
    )
    return views.fresh_detail(session, number, staff, catalogue)
