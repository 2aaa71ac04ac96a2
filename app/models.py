"""Every table, imported in one place for Alembic and the test that compares it to migrations."""

from app.auth.models import IntegrationClient, RefreshToken, StaffUser
from app.categories.models import Category
from app.db import Base
from app.idempotency.models import IdempotencyRecord
from app.photos.models import Photo
from app.ratelimit.models import RateLimitWindow
from app.tickets.models import Ticket, TicketAttachment, TicketEvent, TicketNumberCounter
from app.units.models import Department, Grid

__all__ = [
    "Base",
    "Category",
    "Department",
    "Grid",
    "IdempotencyRecord",
    "IntegrationClient",
    "Photo",
    "RateLimitWindow",
    "RefreshToken",
    "StaffUser",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketNumberCounter",
]
