"""HTTP for duplicates: what a ticket may duplicate. The dispatcher's merge and unmerge answer
the ticket's whole detail, so they are app/workflow/ticket_routes.py's."""

from fastapi import APIRouter

from app.auth.dependencies import StaffDep
from app.dedup.views import duplicates
from app.dependencies import SessionDep
from app.tickets import service as tickets
from app.tickets.schemas import DuplicateRead

router = APIRouter(prefix="/tickets", tags=["duplicates"])


@router.get("/{number}/duplicates", summary="Suspected duplicates of a ticket, best first")
def list_duplicates(number: str, session: SessionDep, staff: StaffDep) -> list[DuplicateRead]:
    return duplicates(session, tickets.get_ticket(session, number, staff))
