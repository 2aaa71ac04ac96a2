"""HTTP for duplicates: what a ticket may duplicate, and the dispatcher's merge and unmerge."""

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import DispatchCentreDep, StaffDep
from app.auth.principal import StaffPrincipal
from app.clock import utc_now
from app.dedup import service
from app.dedup.schemas import MergeRequest, UnmergeRequest
from app.dependencies import ResourcesDep, SessionDep
from app.errors import Conflict, problem_responses
from app.resources import Resources
from app.tickets import service as tickets
from app.tickets import views
from app.tickets.etags import etag
from app.tickets.models import Ticket
from app.tickets.schemas import DuplicateRead, TicketDetail
from app.vocabulary import OPEN_STATUSES, TicketStatus

router = APIRouter(prefix="/tickets", tags=["duplicates"])
RESPONSES = problem_responses(
    (404, "No such ticket"),
    (409, "The tickets cannot be merged (or unmerged) as they stand; the answer says why"),
)
MERGEABLE = OPEN_STATUSES - {TicketStatus.REPLIED}


@router.get("/{number}/duplicates", summary="Suspected duplicates of a ticket, best first")
def list_duplicates(number: str, session: SessionDep, staff: StaffDep) -> list[DuplicateRead]:
    return views.duplicates(session, tickets.get_ticket(session, number, staff))


@router.post(
    "/{number}/merge",
    summary="Merge this ticket into the one it reports again (bingdan)",
    responses=RESPONSES,
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
    service.merge(session, child, parent, staff.actor, utc_now(), reason=body.reason)
    return _answer(resources, response, session, number, staff)


@router.post(
    "/{number}/unmerge", summary="Undo a merge: the ticket stands on its own", responses=RESPONSES
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
    catalogue = resources.sla.catalogue(session)
    service.unmerge(session, child, parent, catalogue, staff.actor, body.reason, utc_now())
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
    if service.children(session, child):
        raise Conflict(
            "Other tickets are merged into this one; merge the other way round, or unmerge "
            "them first."
        )


def _answer(
    resources: Resources, response: Response, session: Session, number: str, staff: StaffPrincipal
) -> TicketDetail:
    catalogue = resources.sla.catalogue(session)
    detail = views.fresh_detail(session, number, staff, catalogue)
    response.headers["ETag"] = etag(detail.version)
    return detail
