"""Opaque keyset cursors for the queue: stable under inserts, no OFFSET scans."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.errors import HotlineError
from app.tickets.models import Ticket


class SortOrder(StrEnum):
    NEWEST = "newest"
    DUE_SOONEST = "due_soonest"  # the citizen's reply deadline
    NEXT_DUE = "next_due"  # the soonest deadline of any running clock


class InvalidCursor(HotlineError):
    slug, title = "invalid-cursor", "Invalid cursor"


@dataclass(frozen=True)
class Cursor:
    sort: SortOrder
    ticket_id: int
    created_at: datetime
    due_at: datetime | None  # the sort's deadline column, for the deadline orders

    @classmethod
    def after(cls, ticket: Ticket, sort: SortOrder) -> "Cursor":
        due = ticket.next_due_at if sort is SortOrder.NEXT_DUE else ticket.reply_due_at
        return cls(sort, ticket.id, ticket.created_at, due)

    def encode(self) -> str:
        due = self.due_at.isoformat() if self.due_at else None
        raw = json.dumps([self.sort, self.ticket_id, self.created_at.isoformat(), due])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: SortOrder) -> "Cursor":
        try:
            padded = token + "=" * (-len(token) % 4)
            sort_name, ticket_id, created_at, due = json.loads(base64.urlsafe_b64decode(padded))
            cursor = cls(
                SortOrder(sort_name),
                int(ticket_id),
                datetime.fromisoformat(created_at),
                datetime.fromisoformat(due) if due else None,
            )
        except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as error:
            raise InvalidCursor("The cursor is not one this API gave out.") from error
        if cursor.created_at.tzinfo is None or (cursor.due_at and cursor.due_at.tzinfo is None):
            raise InvalidCursor("The cursor is not one this API gave out.")
        if cursor.sort is not sort:
            raise InvalidCursor("The cursor belongs to another sort order; start again.")
        return cursor
