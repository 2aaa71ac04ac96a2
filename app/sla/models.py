"""Working-day calendars, SLA policies and the clocks they put on tickets."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, BigId


class WorkCalendar(Base):
    """Working hours in a time zone, with the days that differ from the weekly rule."""

    __tablename__ = "work_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    # Minutes from local midnight: [[540, 720], [810, 1080]] is 09:00-12:00 and 13:30-18:00.
    periods: Mapped[list[list[int]]] = mapped_column(JSON)
    round_the_clock: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    days: Mapped[list["CalendarDay"]] = relationship(
        order_by="CalendarDay.day", cascade="all, delete-orphan", lazy="raise"
    )
    years: Mapped[list["CalendarYear"]] = relationship(
        order_by="CalendarYear.year", cascade="all, delete-orphan", lazy="raise"
    )


class CalendarDay(Base):
    """A statutory holiday on a weekday, or a moved working day on a weekend (tiaoxiu)."""

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("work_calendar.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    is_working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100))


class CalendarYear(Base):
    """A year whose holiday notice is in the calendar. A deadline in any other year is
    provisional and says so."""

    __tablename__ = "calendar_year"
    __table_args__ = (UniqueConstraint("calendar_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("work_calendar.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))  # chinesecalendar | admin
    created_at: Mapped[datetime]


class SlaPolicy(Base):
    """Time limits for the tickets it matches; the most specific enabled policy wins.

    Targets read "90m" or "4h" (business time on the calendar) or "3wd" (end of the 3rd
    working day after the clock starts); an empty target means no such clock."""

    __tablename__ = "sla_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    request_type: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    priority: Mapped[str | None] = mapped_column(String(16))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("work_calendar.id"))
    dispatch_target: Mapped[str | None] = mapped_column(String(16))
    sign_target: Mapped[str | None] = mapped_column(String(16))
    reply_target: Mapped[str | None] = mapped_column(String(16))
    return_window_target: Mapped[str | None] = mapped_column(String(16))
    warn_ratio: Mapped[float] = mapped_column(Float)
    warn_before_minutes: Mapped[int | None] = mapped_column(Integer)
    max_extension_days: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TicketClock(Base):
    """One deadline of one ticket in one handling cycle.

    `next_alert_at` is what the sweeper looks for: the warning instant until the warning
    is recorded, then the deadline until the breach is, then nothing. Only running clocks
    have one, and the sweeper's index is partial (NOT NULL), so it holds just the clocks
    that can still alert: however many tickets are closed, it stays small."""

    __tablename__ = "ticket_clock"
    __table_args__ = (
        Index("ix_ticket_clock_ticket_id_kind", "ticket_id", "kind"),
        Index(
            "ix_ticket_clock_next_alert_at",
            "next_alert_at",
            sqlite_where=text("next_alert_at IS NOT NULL"),
            postgresql_where=text("next_alert_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    cycle: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policy.id"))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("work_calendar.id"))
    target: Mapped[str] = mapped_column(String(16))
    # The unit whose sign-for clock this is; empty for the ticket's own clocks.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime | None]  # None while paused
    warn_at: Mapped[datetime | None]
    next_alert_at: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    # Business time still left when paused, so resume gives it back exactly.
    remaining_us: Mapped[int | None] = mapped_column(BigInteger)
    warn_remaining_us: Mapped[int | None] = mapped_column(BigInteger)
    stopped_at: Mapped[datetime | None]
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    # The deadline falls in a year whose holiday notice is not in the calendar yet.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)


class ExtensionRequest(Base):
    """A unit's request for more time (yanqi), decided by the dispatch centre."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    clock_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket_clock.id"))
    working_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    requested_by: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
