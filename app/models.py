"""Every table, imported in one place for Alembic and the test that compares it to migrations."""

from app.audit.models import AuditEntry
from app.auth.models import IntegrationClient, RefreshToken, StaffUser
from app.categories.models import Category
from app.db import Base
from app.dedup.models import TicketFollower
from app.events.models import EventFeed
from app.grids.models import GridMapVersion, GridRevision
from app.idempotency.models import IdempotencyRecord
from app.kb.models import KbArticle, KbArticleTerm, KbCitation
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
from app.stats.models import (
    StatProgress,
    StatSettings,
    StatTicket,
    stat_day,
    stat_place,
    stat_unit_day,
    stat_unit_month,
)
from app.tickets.candidates import DuplicateCandidate
from app.tickets.models import (
    Ticket,
    TicketAssistingUnit,
    TicketAttachment,
    TicketEvent,
    TicketNumberCounter,
)
from app.units.models import Department, Grid
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "AuditEntry",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "CategoryKeyword",
    "Department",
    "DuplicateCandidate",
    "EventFeed",
    "ExtensionRequest",
    "Grid",
    "GridMapVersion",
    "GridRevision",
    "IdempotencyRecord",
    "IntegrationClient",
    "KbArticle",
    "KbArticleTerm",
    "KbCitation",
    "Photo",
    "RateLimitWindow",
    "RefreshToken",
    "RoutingRule",
    "SlaPolicy",
    "StaffUser",
    "StatProgress",
    "StatSettings",
    "StatTicket",
    "Ticket",
    "TicketAssistingUnit",
    "TicketAttachment",
    "TicketClock",
    "TicketEvent",
    "TicketFollower",
    "TicketNumberCounter",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkCalendar",
    "stat_day",
    "stat_place",
    "stat_unit_day",
    "stat_unit_month",
]
