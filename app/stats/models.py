"""The rollups: counts per local day and bucket, each ticket's state for its next row, and
the settings the rates and rankings are computed with."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Date, Float, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId
from app.stats.tally import COUNTERS

# Counts of one local day for one unit, category, channel and request type ("" for none),
# only ever added to, by the follower of the event feed (app/stats/follower.py). A Core table:
# its counter columns are `COUNTERS`, named once in app/stats/tally.py.
stat_day = Table(
    "stat_day",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("unit_kind", String(16), primary_key=True),
    Column("unit_code", String(64), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("request_type", String(20), primary_key=True),
    *(Column(name, Integer, nullable=False, server_default="0") for name in COUNTERS),
    # SQLite: rows stored in key order, so a range of days is read in place, not looked up
    # row by row from the key's index.
    sqlite_with_rowid=False,
)


def _unit_counts(name: str, period: str) -> Table:
    """The counts of `stat_day` summed over category, channel and request type, per unit
    and `period` (its first local day): what reports by unit and the rankings read, a few
    hundred rows a month however many tickets there are."""
    return Table(
        name,
        Base.metadata,
        Column(period, Date, primary_key=True),
        Column("unit_kind", String(16), primary_key=True),
        Column("unit_code", String(64), primary_key=True),
        *(Column(counter, Integer, nullable=False, server_default="0") for counter in COUNTERS),
        sqlite_with_rowid=False,
    )


stat_unit_day = _unit_counts("stat_unit_day", "day")
stat_unit_month = _unit_counts("stat_unit_month", "month")


# Tickets reported per local day, grid the point lies in, and category: the hotspots' map
# and repeated places. Kept beside `stat_day` by the same rows (tally.PLACE buckets).
stat_place = Table(
    "stat_place",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("grid_code", String(64), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("received", Integer, nullable=False, server_default="0"),
    sqlite_with_rowid=False,
)


class StatTicket(Base):
    """A ticket's state as its next timeline row's figures read it (app/stats/tally.py)."""

    __tablename__ = "stat_ticket"

    ticket_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]]


class StatProgress(Base):
    """One row: the place in the event feed up to which the rollups have counted. Its row
    lock lets one follower count at a time (app/stats/follower.py)."""

    __tablename__ = "stat_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_position: Mapped[int] = mapped_column(BigInteger)


class StatSettings(Base):
    """The one row of assessment settings an administrator edits (defaults when absent)."""

    __tablename__ = "stat_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_weight: Mapped[float] = mapped_column(Float)
    resolution_weight: Mapped[float] = mapped_column(Float)
    satisfaction_weight: Mapped[float] = mapped_column(Float)
    basically_satisfied_weight: Mapped[float] = mapped_column(Float)
    min_tickets: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]
