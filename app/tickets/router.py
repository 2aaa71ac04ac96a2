"""HTTP for the queue: list the tickets, open one, re-route it, correct its category.
(Tickets are taken in by app.intake.)"""

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from app import exports
from app.audit.dependencies import AddressDep
from app.auth.dependencies import DispatchCentreDep, PrincipalDep, StaffDep
from app.categories import service as categories
from app.clock import utc_now
from app.dependencies import ResourcesDep, SessionDep, SettingsDep
from app.errors import problem_responses
from app.routing.schemas import CategoryCorrection, RerouteRequest
from app.tickets import service, views
from app.tickets.etags import etag
from app.tickets.pagination import Cursor, SortOrder
from app.tickets.schemas import (
    QueuePage,
    RevealedReporterRead,
    RevealRequest,
    TicketDetail,
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
    catalogue = resources.sla.catalogue(session)
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


@router.get("/{number}", summary="One ticket with its clocks, what you may do, its timeline")
def get_ticket(
    number: str,
    resources: ResourcesDep,
    response: Response,
    session: SessionDep,
    viewer: PrincipalDep,
) -> TicketDetail:
    """The ETag is the ticket's version: send it back as If-Match with an action, and the
    action is refused (412) if someone changed the ticket since you read it. An
    integration key reads the tickets its channels filed (with the public timeline); any
    other ticket is 404, as one outside a unit's scope."""
    ticket = service.get_ticket(session, number, viewer)
    response.headers["ETag"] = etag(ticket.version)
    return views.detail(session, ticket, viewer, resources.sla.catalogue(session))


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


@router.post("/{number}/route", summary="Re-route: a dispatcher's choice, or the rules again")
def reroute_ticket(
    number: str,
    body: RerouteRequest,
    resources: ResourcesDep,
    session: SessionDep,
    settings: SettingsDep,
    staff: DispatchCentreDep,
) -> TicketDetail:
    """Only before the unit has signed for it; afterwards tickets move by transfer or
    return. Either way the timeline says who routed it where, and why."""
    ticket = service.get_ticket(session, number, staff)
    catalogue = resources.sla.catalogue(session)
    if body.by_rules:
        service.reroute_by_rules(
            session,
            ticket,
            resources.routing,
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
    resources: ResourcesDep,
    session: SessionDep,
    staff: DispatchCentreDep,
) -> TicketDetail:
    ticket = service.get_ticket(session, number, staff)
    category = categories.filing_category(session, body.category_code)
    catalogue = resources.sla.catalogue(session)
    service.correct_category(
        session,
        ticket,
        category,
        resources.routing,
        catalogue,
        staff.actor,
        body.reason,
    )
    return views.fresh_detail(session, number, staff, catalogue)
