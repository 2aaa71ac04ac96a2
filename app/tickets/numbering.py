"""Public ticket numbers: the local date and a sequence, e.g. 20261123-000042.

Easy to read out over the phone, sortable, and unique. The sequence runs on across days
rather than restarting each morning: a per-day counter is one row that every intake would
lock until its commit, which caps PostgreSQL at one intake per commit time. PostgreSQL
takes it from a SEQUENCE (no lock); SQLite, which has one writer anyway, from a counter row.
"""

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, func, literal_column, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.driver_sql import DriverStatement
from app.tickets.models import TicketNumberCounter

SEQUENCE_DIGITS = 6
POSTGRES_SEQUENCE = "ticket_number_seq"
COUNTER_NAME = "ticket"


def format_ticket_number(day: str, sequence: int) -> str:
    return f"{day}-{sequence:0{SEQUENCE_DIGITS}d}"


# A driver statement (app/driver_sql.py): Core's execution cost several times the server's
# work for it, on every intake.
_NEXTVAL = DriverStatement(select(func.nextval(literal_column(f"'{POSTGRES_SEQUENCE}'"))))


@functools.cache
def _sqlite_take_next() -> DriverStatement:
    table: Table = TicketNumberCounter.__table__  # type: ignore[assignment]
    return DriverStatement(
        sqlite.insert(table)
        .values(name=bindparam("name"), last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.name], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )


def next_ticket_number(session: Session, at: datetime, timezone: ZoneInfo) -> str:
    """The next number, dated with the local day of `at`; concurrent callers never share one."""
    day = at.astimezone(timezone).strftime("%Y%m%d")
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        taken = _NEXTVAL.first(connection, {})
    else:
        taken = _sqlite_take_next().first(connection, {"name": COUNTER_NAME})
    assert taken is not None  # nextval and an upsert always return their row
    return format_ticket_number(day, taken[0])
