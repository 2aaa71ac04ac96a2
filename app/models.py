"""Every table, imported in one place for Alembic and the test that compares it to migrations."""

from app.audit.models import AuditEntry
from app.auth.models import IntegrationClient, RefreshToken, StaffUser
from app.categories.models import Category
from app.db import Base
from app.dedup.models import DuplicateCandidate
from app.grids.models import GridMapVersion, GridRevision
from app.idempotency.models import IdempotencyRecord
from app.photos.models import Photo
from app.ratelimit.models import RateLimitWindow
from app.routing.models import CategoryKeyword, RoutingRule
from app.sla.models import (
    CalendarDay,
    CalendarYear,
    ExtensionRequest,
    SlaPolicy,
    TicketClock,
    WorkCalendar,
)
from app.tickets.models import (
    Ticket,
    TicketAssistingUnit,
    TicketAttachment,
    TicketEvent,
    TicketNumberCounter,
)
from app.units.models import Department, Grid

__all__ = [
    "AuditEntry",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "CategoryKeyword",
    "Department",
    "DuplicateCandidate",
    "ExtensionRequest",
    "Grid",
    "GridMapVersion",
    "GridRevision",
    "IdempotencyRecord",
    "IntegrationClient",
    "Photo",
    "RateLimitWindow",
    "RefreshToken",
    "RoutingRule",
    "SlaPolicy",
    "StaffUser",
    "Ticket",
    "TicketAssistingUnit",
    "TicketAttachment",
    "TicketClock",
    "TicketEvent",
    "TicketNumberCounter",
    "WorkCalendar",
]
