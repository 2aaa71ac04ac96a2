"""Which tickets a member of staff or an integration may see, as a WHERE clause: lists,
counts and single reads are all scoped in the query, so a ticket outside the scope simply
does not exist."""

from sqlalchemy import Integer, false, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.identity.principal import ClientPrincipal, Principal
from app.identity.roles import Role
from app.tickets.models import Ticket, TicketAssistingUnit
from app.units.models import Grid

_TICKET_ID: ColumnElement[int] = literal_column("+ticket.id", Integer)


def visible_to(viewer: Principal) -> ColumnElement[bool] | None:
    """None when the viewer sees the whole city."""
    if isinstance(viewer, ClientPrincipal):
        # An integration reads back the tickets its channels filed, and no others.
        return Ticket.channel.in_(sorted(viewer.channels))
    staff = viewer
    if staff.sees_citywide:
        return None
    if staff.department_id is not None:
        # A department sees what it leads and what it assists in (joint handling). The
        # tickets it assists in are one list, found once, not a lookup for each ticket a
        # walk reads (the newest 50,000, for a short text).
        assists = select(TicketAssistingUnit.ticket_id).where(
            TicketAssistingUnit.department_id == staff.department_id
        )
        # The unary + keeps SQLite from reading the unit's tickets through two indexes
        # (its statistics think a unit's tickets a thousand) and sorting them all.
        return or_(Ticket.assigned_department_id == staff.department_id, _TICKET_ID.in_(assists))
    if staff.grid_path is not None:
        # A street's or community's staff also see every grid below theirs.
        subtree = select(Grid.id).where(Grid.path.startswith(staff.grid_path))
        assigned_here = Ticket.assigned_grid_id.in_(subtree)
        if staff.role is Role.GRID_WORKER:
            return or_(assigned_here, Ticket.grid_id.in_(subtree))
        return assigned_here
    return false()
