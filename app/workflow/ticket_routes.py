"""HTTP for the routes besides the workflow's actions that answer a ticket's whole detail
(app/workflow/views.py): reading one ticket, re-routing it, correcting its category (the
queue's routes, tagged `tickets`), merging and unmerging (tagged `duplicates`). They sit
here, above tickets and dedup, as the detail does."""

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import DispatchCentreDep, PrincipalDep
from app.categories import service as categories
from app.clock import utc_now
from app.dedup import service as dedup
from app.dedup.schemas import MergeRequest, UnmergeRequest
from app.dependencies import ResourcesDep, SessionDep, SettingsDep
from app.errors import Conflict, problem_responses
from app.identity.principal import StaffPrincipal
from app.resources import Resources
from app.routing.schemas import CategoryCorrection, RerouteRequest
from app.routing.service import ROUTING
from app.sla.catalogue import SLA
from app.tickets import service as tickets
from app.tickets.etags import etag
from app.tickets.models import Ticket
from app.tickets.schemas import TicketDetail
from app.vocabulary import OPEN_STATUSES, TicketStatus
from app.workflow import views

router = APIRouter(prefix="/tickets")
MERGE_RESPONSES = problem_responses(
    (404, "No such ticket"),
    (409, "The tickets cannot be merged (or unmerged) as they stand; the answer says why"),
)
MERGEABLE = OPEN_STATUSES - {TicketStatus.REPLIED}


@router.get(
    "/{number}",
    tags=["tickets"],
    summary="One ticket with its clocks, what you may do, its timeline",
)
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
    ticket = tickets.get_ticket(session, number, viewer)
    response.headers["ETag"] = etag(ticket.version)
    return views.detail(session, ticket, viewer, resources[SLA].catalogue(session))


@router.post(
    "/{number}/route",
    tags=["tickets"],
    summary="Re-route: a dispatcher's choice, or the rules again",
)
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
    ticket = tickets.get_ticket(session, number, staff)
    catalogue = resources[SLA].catalogue(session)
    if body.by_rules:
        tickets.reroute_by_rules(
            session,
            ticket,
            resources[ROUTING],
            catalogue,
            staff.actor,
            body.reason,
            settings.classifier_threshold,
        )
    else:
        assert body.lead is not None
        tickets.reroute_by_hand(
            session,
            ticket,
            tickets.UnitChoice.of_codes(
                session, body.lead.kind, body.lead.code, body.assist_department_codes
            ),
            catalogue,
            staff.actor,
            body.reason,
        )
    return views.fresh_detail(session, number, staff, catalogue)


@router.put(
    "/{number}/category", tags=["tickets"], summary="Correct the category (routing follows)"
)
def correct_category(
    number: str,
    body: CategoryCorrection,
    resources: ResourcesDep,
    session: SessionDep,
    staff: DispatchCentreDep,
) -> TicketDetail:
    ticket = tickets.get_ticket(session, number, staff)
    category = categories.filing_category(session, body.category_code)
    catalogue = resources[SLA].catalogue(session)
    tickets.correct_category(
        session,
        ticket,
        category,
        resources[ROUTING],
        catalogue,
        staff.actor,
        body.reason,
    )
    return views.fresh_detail(session, number, staff, catalogue)


@router.post(
    "/{number}/merge",
    tags=["duplicates"],
    summary="Merge this ticket into the one it reports again (bingdan)",
    responses=MERGE_RESPONSES,
)
def merge_ticket(
    number: str,
    body: MergeRequest,
    resources: ResourcesDep,
    response: Response,
    session: SessionDep,
    staff: DispatchCentreDep,
) -> TicketDetail:
    """The ticket stops its own clocks and follows the parent's outcome; its reporter still
    gets a return visit of their own."""
    child = tickets.get_ticket(session, number, staff)
    parent = tickets.get_ticket(session, body.parent_number, staff)
    _ensure_mergeable(session, child, parent)
    dedup.merge(session, child, parent, staff.actor, utc_now(), reason=body.reason)
    return _answer(resources, response, session, number, staff)


@router.post(
    "/{number}/unmerge",
    tags=["duplicates"],
    summary="Undo a merge: the ticket stands on its own",
    responses=MERGE_RESPONSES,
)
def unmerge_ticket(
    number: str,
    body: UnmergeRequest,
    resources: ResourcesDep,
    response: Response,
    session: SessionDep,
    staff: DispatchCentreDep,
) -> TicketDetail:
    child = tickets.get_ticket(session, number, staff)
    if child.parent is None or child.status != TicketStatus.MERGED:
        raise Conflict("The ticket is not merged into another.", ticket_status=child.status)
    parent = tickets.get_ticket(session, child.parent.number, staff)
    catalogue = resources[SLA].catalogue(session)
    dedup.unmerge(session, child, parent, catalogue, staff.actor, body.reason, utc_now())
    return _answer(resources, response, session, number, staff)


def _ensure_mergeable(session: Session, child: Ticket, parent: Ticket) -> None:
    if child.id == parent.id:
        raise Conflict("A ticket cannot be merged into itself.")
    if child.status not in MERGEABLE:
        raise Conflict(
            f"A {child.status} ticket is not merged: only one still waiting for its reply.",
            ticket_status=child.status,
        )
    if parent.parent_id is not None or parent.status not in OPEN_STATUSES:
        raise Conflict(
            f"Ticket {parent.number} is {parent.status}: merge into an open ticket that is "
            "not merged itself.",
            ticket_status=parent.status,
        )
    if dedup.children(session, child):
        raise Conflict(
            "Other tickets are merged into this one; merge the other way round, or unmerge "
            "them first."
        )


def _answer(
    resources: Resources, response: Response, session: Session, number: str, staff: StaffPrincipal
) -> TicketDetail:
    catalogue = resources[SLA].catalogue(session)
    detail = views.fresh_detail(session, number, staff, catalogue)
    response.headers["ETag"] = etag(detail.version)
    return detail
