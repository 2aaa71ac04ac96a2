"""A ticket as the queue answers it: its fields and its clocks. The whole detail, with what
the viewer may do, its suspected duplicates and its timeline, is app/workflow/views.py."""

from app.clock import utc_now
from app.identity.principal import Principal
from app.privacy.disclosure import disclosure_for
from app.sla.catalogue import Catalogue
from app.sla.views import clock_reads
from app.tickets.models import Ticket
from app.tickets.schemas import TicketRead


def read(
    ticket: Ticket, principal: Principal, catalogue: Catalogue, *, with_remaining: bool = True
) -> TicketRead:
    """`with_remaining=False` leaves out the business time left, which changes by the
    second: intake answers a re-post of the same call with the very same body."""
    disclosure = disclosure_for(principal, confidential=ticket.is_confidential)
    now = utc_now() if with_remaining else None
    return TicketRead.of(ticket, disclosure, clock_reads(ticket.clocks, catalogue, now))
