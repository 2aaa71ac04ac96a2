"""Public ticket numbers: the local date and that day's sequence, e.g. 20261123-000042.

Easy to read out over the phone, sortable, and unique through one counter row per day.
"""

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Insert, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.tickets.models import TicketNumberCounter

SEQUENCE_DIGITS = 6


def format_ticket_number(day: str, sequence: int) -> str:
    return f"{day}-{sequence:0{SEQUENCE_DIGITS}d}"


@functools.cache
def _take_next(dialect_name: str) -> Insert:
    # Built once per dialect: this runs for every ticket.
    table: Table = TicketNumberCounter.__table__  # type: ignore[assignment]
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values(day=bindparam("day"), last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.day], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )


def next_ticket_number(session: Session, at: datetime, timezone: ZoneInfo) -> str:
    """Take the next number of the local day of `at`; concurrent callers never share one."""
    day = at.astimezone(timezone).strftime("%Y%m%d")
    statement = _take_next(session.get_bind().dialect.name)
    sequence = session.execute(statement, {"day": day}).scalar_one()
    return format_ticket_number(day, sequence)
