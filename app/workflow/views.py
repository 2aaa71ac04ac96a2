"""A ticket as the API answers it to staff and integrations: its fields, its clocks, what
the viewer may do to it, its suspected duplicates and its timeline. Every route that
changes a ticket answers with it, so it sits above tickets, dedup and the actions' service."""

from sqlalchemy.orm import Session

from app.auth.directory import actor_names
from app.dedup import service as dedup
from app.dedup.views import duplicates
from app.identity.principal import ClientPrincipal, Principal
from app.privacy.disclosure import disclosure_for
from app.sla.catalogue import Catalogue
from app.tickets import changes, service
from app.tickets.models import Ticket
from app.tickets.schemas import ContactsRead, TicketDetail, TicketEventRead
from app.tickets.views import read
from app.workflow.service import offered_actions


def detail(
    session: Session, ticket: Ticket, principal: Principal, catalogue: Catalogue
) -> TicketDetail:
    changes.ensure_shown(session, ticket)
    contacts = dedup.contacts(session, ticket)
    if isinstance(principal, ClientPrincipal):
        # An integration reads back what the citizen may: what happened and when, no
        # staff, no notes, and no other channels' tickets (its suspected duplicates).
        timeline = [
            TicketEventRead.public(event) for event in service.public_timeline(session, ticket)
        ]
        shown_duplicates = []
    else:
        disclosure = disclosure_for(principal, confidential=ticket.is_confidential)
        events = service.timeline(session, ticket, with_admin_events=disclosure.admin_events)
        # Staff read who acted by name; citizens' own view (app.citizen) never names staff.
        names = actor_names(session, ((event.actor_kind, event.actor_ref) for event in events))
        timeline = [TicketEventRead.of(event, names) for event in events]
        shown_duplicates = duplicates(session, ticket)
    # The fields as read, not dumped: validating a dump again cost more than reading them.
    return TicketDetail(
        **dict(read(ticket, principal, catalogue)),
        contacts=ContactsRead(count=contacts.count, channels=contacts.channels),
        duplicates=shown_duplicates,
        allowed_actions=offered_actions(session, ticket, principal),
        timeline=timeline,
    )


def fresh_detail(
    session: Session, number: str, principal: Principal, catalogue: Catalogue
) -> TicketDetail:
    """The ticket read again after a change, as the one who changed it sees it now; also
    when the change took it out of their scope (a return, a transfer, an escalation)."""
    session.flush()  # expiring would drop changes not yet written
    session.expire_all()
    changes.all_read_again(session)
    ticket = service.get_ticket_unscoped(session, number)
    assert ticket is not None  # the change was made to it in this transaction
    return detail(session, ticket, principal, catalogue)


def after_change(
    session: Session, ticket: Ticket, principal: Principal, catalogue: Catalogue
) -> TicketDetail:
    """The ticket as a change in this session left it, reading again only what the change
    wrote behind the session's back (its units; its clocks are kept up to date)."""
    session.flush()
    service.reload_units(session, ticket)
    return detail(session, ticket, principal, catalogue)
