"""Public ticket numbers: the local date and that day's sequence, e.g. 20261123-000042.

Easy to read out over the phone, sortable, and unique through one counter row per day.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.db import dialect_insert
from app.tickets.models import TicketNumberCounter

SEQUENCE_DIGITS = 6


def format_ticket_number(day: str, sequence: int) -> str:
    return f"{day}-{sequence:0{SEQUENCE_DIGITS}d}"


def next_ticket_number(session: Session, at: datetime, timezone: ZoneInfo) -> str:
    """Take the next number of the local day of `at`; concurrent callers never share one."""
    day = at.astimezone(timezone).strftime("%Y%m%d")
    table: Table = TicketNumberCounter.__table__  # type: ignore[assignment]
    statement = (
        dialect_insert(session, table)
        .values(day=day, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.day], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )
    sequence = session.execute(statement).scalar_one()
    return format_ticket_number(day, sequence)
