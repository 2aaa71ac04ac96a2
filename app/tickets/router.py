"""HTTP for the queue: list and export the tickets, reveal a reporter. (Tickets are taken
in by app.intake; one ticket's detail, its re-routing and its category's correction are
answered by app/workflow/ticket_routes.py.)"""

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from app import exports
from app.auth.dependencies import PrincipalDep, StaffDep
from app.auth.editors import AddressDep
from app.clock import utc_now
from app.dependencies import ResourcesDep, SessionDep, SettingsDep
from app.errors import problem_responses
from app.sla.catalogue import SLA
from app.tickets import service, views
from app.tickets.pagination import Cursor, SortOrder
from app.tickets.schemas import (
    QueuePage,
    RevealedReporterRead,
    RevealRequest,
    TicketExportQuery,
    TicketFilterQuery,
    TicketListQuery,
)

router = APIRouter(prefix="/tickets", tags=["tickets"])


def _filters(query: TicketFilterQuery, timezone: str) -> service.TicketFilters:
    created_from, created_to = query.created_between(timezone)
    return service.TicketFilters(
        statuses=query.status,
        channels=query.channel,
        request_types=query.request_type,
        priorities=query.priority,
        category_code=query.category,
        grid_code=query.grid,
        assigned_grid_code=query.assigned_grid,
        assigned_department_code=query.assigned_department,
        created_from=created_from,
        created_to=created_to,
        text=query.q,
        overdue=query.overdue,
        warned=query.warned,
        breached=query.breached,
        paused=query.paused,
        supervised=query.supervised,
        urged=query.urged,
        suspected_duplicate=query.suspected_duplicate,
    )


@router.get("", summary="The queue, filtered and sorted, one page at a time")
def list_tickets(
    query: Annotated[TicketListQuery, Query()],
    resources: ResourcesDep,
    session: SessionDep,
    settings: SettingsDep,
    viewer: PrincipalDep,
) -> QueuePage:
    """Staff see the tickets of their scope: the dispatch centre and supervisors all of
    them, a unit its own (and those it assists), a street or community also the grids
    below it. An integration key sees the tickets its channels filed. Each ticket shows
    its clocks."""
    sort = SortOrder(query.sort)
    cursor = Cursor.decode(query.cursor, sort) if query.cursor else None
    filters = _filters(query, settings.timezone)
    page = service.list_tickets(session, viewer, filters, sort, query.limit, cursor)
    counted = service.count_tickets(session, viewer, filters) if query.count else None
    catalogue = resources[SLA].catalogue(session)
    return QueuePage(
        items=[views.read(ticket, viewer, catalogue) for ticket in page.tickets],
        next_cursor=page.next_cursor.encode() if page.next_cursor else None,
        text_searched_newest=page.text_searched_newest,
        count=counted.count if counted else None,
        count_is_estimate=counted.is_estimate if counted else None,
    )


@router.get(
    "/export",
    summary="The queue, with its filters and your scope, as CSV or XLSX",
    responses={
        **problem_responses(
            (401, "No credentials, or credentials that are not valid"),
            (
                422,
                "A created_from-created_to range longer than HOTLINE_EXPORT_MAX_DAYS, a bad filter",
            ),
        ),
        **exports.file_answer(*exports.ExportFormat, description="The tickets' file"),
    },
)
def export_tickets(
    query: Annotated[TicketExportQuery, Query()],
    session: SessionDep,
    viewer: PrincipalDep,
    settings: SettingsDep,
) -> StreamingResponse:
    """Every ticket the queue's filters choose and the caller may see, newest first, one
    row each, without the reporter's name or number. Without `created_from`, the export
    starts HOTLINE_EXPORT_MAX_DAYS before `created_to` (default: now)."""
    filters = service.export_window(
        _filters(query, settings.timezone), settings.export_max_days, utc_now()
    )
    zone = ZoneInfo(settings.timezone)
    table = service.export_table(session, viewer, filters, query.format, zone)
    return exports.file_response(table, query.format, "tickets")


@router.post(
    "/{number}/reporter/reveal",
    summary="See the reporter's full name and phone (audited on the timeline)",
)
def reveal_reporter(
    number: str, body: RevealRequest, session: SessionDep, staff: StaffDep, address: AddressDep
) -> RevealedReporterRead:
    """For calling the citizen back. Who saw whose number, when and why is written to the
    ticket's timeline and to the audit log, which administrators read."""
    ticket = service.get_ticket(session, number, staff)
    revealed = service.reveal_reporter(session, ticket, staff, body.reason, address)
    return RevealedReporterRead(name=revealed.name, phone=revealed.phone)
