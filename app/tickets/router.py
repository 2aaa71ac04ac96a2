"""HTTP for the queue: take tickets in from every channel, list them, open one."""

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Header, Query, Request
from fastapi.responses import JSONResponse

from app.auth.dependencies import IntakeClientDep
from app.channels.normalise import to_draft
from app.channels.schemas import TicketIntake
from app.dependencies import SessionDep, SettingsDep
from app.errors import PROBLEM_JSON
from app.idempotency import service as idempotency
from app.schemas import Page
from app.tickets import service
from app.tickets.pagination import Cursor, SortOrder
from app.tickets.schemas import TicketDetail, TicketEventRead, TicketListQuery, TicketRead

router = APIRouter(prefix="/tickets", tags=["tickets"])

PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"description": description, "content": {PROBLEM_JSON: {}}}
    for code, description in (
        (409, "An Idempotency-Key request is still in flight"),
        (413, "Body over the size limit"),
        (422, "Invalid body, unknown code, or Idempotency-Key reused with another body"),
    )
}


@router.post(
    "",
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
)
def post_ticket(
    body: Annotated[TicketIntake, Body()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: IntakeClientDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """One endpoint for every channel; `channel` in the body says which, and which fields
    apply. Durable before the 201 is sent. Re-posting a known `external_id` returns the
    first ticket with 200; an `Idempotency-Key` replays the first answer exactly."""
    claim: idempotency.Claim | None = None
    if idempotency_key is not None:
        outcome = idempotency.claim(
            session,
            client.idempotency_scope,
            idempotency.validate_key(idempotency_key),
            idempotency.fingerprint("POST", request.url.path, body.model_dump(mode="json")),
            ttl=timedelta(hours=settings.idempotency_ttl_hours),
            lease=timedelta(seconds=settings.idempotency_lease_seconds),
        )
        if isinstance(outcome, idempotency.StoredResponse):
            return JSONResponse(
                outcome.body, outcome.status, headers={"Idempotent-Replayed": "true"}
            )
        claim = outcome
    try:
        result = service.take_in(session, to_draft(body), client, ZoneInfo(settings.timezone))
        status = 201 if result.created else 200
        answer = TicketRead.of(result.ticket).model_dump(mode="json")
        if claim is not None:
            idempotency.complete(session, claim, status, answer)
    except Exception:
        if claim is not None:
            idempotency.release(session, claim)
        raise
    headers = {"Location": f"{request.url.path}/{result.ticket.number}"}
    return JSONResponse(answer, status, headers=headers)


@router.get("", summary="The queue, filtered and sorted, one page at a time")
def list_tickets(
    query: Annotated[TicketListQuery, Query()], session: SessionDep
) -> Page[TicketRead]:
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
    )
    tickets, next_cursor = service.list_tickets(session, filters, sort, query.limit, cursor)
    return Page[TicketRead](
        items=[TicketRead.of(ticket) for ticket in tickets],
        next_cursor=next_cursor.encode() if next_cursor else None,
    )


@router.get("/{number}", summary="One ticket with its whole timeline")
def get_ticket(number: str, session: SessionDep) -> TicketDetail:
    ticket = service.get_ticket(session, number)
    events = service.timeline(session, ticket)
    return TicketDetail(
        **TicketRead.of(ticket).model_dump(),
        timeline=[TicketEventRead.of(event) for event in events],
    )
