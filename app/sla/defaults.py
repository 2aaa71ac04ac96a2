"""The calendars and SLA policies a city starts with, and the yearly holiday notices.

Run by `hotline migrate` (and `serve`): it creates what is missing and never changes what
an administrator has set, so upgrading the holiday package brings in each new year's
notice on the next start."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.sla.holidays import official_days, official_years
from app.sla.models import CalendarDay, CalendarYear, SlaPolicy, WorkCalendar
from app.vocabulary import Priority, RequestType

STANDARD = "standard"
ROUND_THE_CLOCK = "24x7"
# 09:00-12:00 and 13:30-18:00, in minutes from local midnight.
OFFICE_HOURS = [[9 * 60, 12 * 60], [13 * 60 + 30, 18 * 60]]
# Notices older than this do not matter to a ticket taken in today.
YEARS_BACK = 2


@dataclass(frozen=True)
class DefaultPolicy:
    name: str
    calendar: str
    dispatch: str | None
    sign: str | None
    reply: str | None
    return_window: str | None
    request_type: str | None = None
    priority: str | None = None


# DOMAIN.md's time limits: Beijing's standard (dispatch within 1 h for emergencies, 2 h for
# utilities, 24 h in general; reply within 2 h, 24 h, 7 days) and other cities' (consultations
# 3 to 5 working days, complaints 13 to 15; returns within 2 working days).
DEFAULT_POLICIES = (
    DefaultPolicy("general", STANDARD, "1wd", "4h", "7wd", "2wd"),
    DefaultPolicy(
        "consultation", STANDARD, "1wd", "4h", "5wd", "2wd", request_type=RequestType.CONSULTATION
    ),
    DefaultPolicy(
        "complaint", STANDARD, "1wd", "4h", "15wd", "2wd", request_type=RequestType.COMPLAINT
    ),
    DefaultPolicy("report", STANDARD, "1wd", "4h", "15wd", "2wd", request_type=RequestType.REPORT),
    DefaultPolicy("urgent", STANDARD, "2h", "1h", "1wd", "1wd", priority=Priority.URGENT),
    DefaultPolicy(
        "emergency", ROUND_THE_CLOCK, "60m", "30m", "2h", "30m", priority=Priority.EMERGENCY
    ),
)
WARN_RATIO = 0.75
WARN_BEFORE_MINUTES = 120
MAX_EXTENSION_DAYS = 10


def _calendar(session: Session, code: str) -> WorkCalendar | None:
    return session.scalars(select(WorkCalendar).where(WorkCalendar.code == code)).one_or_none()


def ensure_calendars(session: Session, timezone: str) -> WorkCalendar:
    """The office-hours calendar and the 24 x 7 one; returns the office-hours calendar."""
    now = utc_now()
    standard = _calendar(session, STANDARD)
    if standard is None:
        standard = WorkCalendar(
            code=STANDARD,
            name="工作日 (working days, office hours)",
            timezone=timezone,
            periods=OFFICE_HOURS,
            round_the_clock=False,
            created_at=now,
            updated_at=now,
        )
        session.add(standard)
    if _calendar(session, ROUND_THE_CLOCK) is None:
        session.add(
            WorkCalendar(
                code=ROUND_THE_CLOCK,
                name="全天候 (24 x 7, emergencies)",
                timezone=timezone,
                periods=[[0, 24 * 60]],
                round_the_clock=True,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    return standard


def load_official_years(session: Session, calendar: WorkCalendar) -> list[int]:
    """Add every published notice the calendar lacks (from a few years back); days an
    administrator already set are kept. Returns the years added."""
    have = set(
        session.scalars(select(CalendarYear.year).where(CalendarYear.calendar_id == calendar.id))
    )
    first = utc_now().year - YEARS_BACK
    years = sorted(year for year in official_years() if year >= first and year not in have)
    if not years:
        return []
    taken: set[date] = set(
        session.scalars(select(CalendarDay.day).where(CalendarDay.calendar_id == calendar.id))
    )
    now = utc_now()
    for official in official_days(years):
        if official.day not in taken:
            session.add(
                CalendarDay(
                    calendar_id=calendar.id,
                    day=official.day,
                    is_working=official.is_working,
                    name=official.name,
                )
            )
    for year in years:
        session.add(
            CalendarYear(
                calendar_id=calendar.id, year=year, source="chinesecalendar", created_at=now
            )
        )
    calendar.updated_at = now
    session.flush()
    return years


def ensure_policies(session: Session) -> int:
    """The default policies, when there are none at all. Returns how many were created."""
    if session.scalars(select(SlaPolicy.id).limit(1)).first() is not None:
        return 0
    calendars = {row.code: row.id for row in session.scalars(select(WorkCalendar))}
    now = utc_now()
    for default in DEFAULT_POLICIES:
        session.add(
            SlaPolicy(
                name=default.name,
                request_type=default.request_type,
                category_id=None,
                priority=default.priority,
                calendar_id=calendars[default.calendar],
                dispatch_target=default.dispatch,
                sign_target=default.sign,
                reply_target=default.reply,
                return_window_target=default.return_window,
                warn_ratio=WARN_RATIO,
                warn_before_minutes=WARN_BEFORE_MINUTES,
                max_extension_days=MAX_EXTENSION_DAYS,
                enabled=True,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    return len(DEFAULT_POLICIES)


def ensure_defaults(session: Session, timezone: str) -> list[int]:
    """Calendars, this and next years' notices as far as published, default policies.
    Returns the notice years added."""
    standard = ensure_calendars(session, timezone)
    added = load_official_years(session, standard)
    ensure_policies(session)
    return added


def covered_years(session: Session) -> set[int]:
    """The years whose holiday notice the office-hours calendar holds."""
    return set(
        session.scalars(
            select(CalendarYear.year)
            .join(WorkCalendar, WorkCalendar.id == CalendarYear.calendar_id)
            .where(WorkCalendar.code == STANDARD)
        )
    )
