"""The clocks planned for a new ticket: each deadline, and when its warning falls."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import configure_mappers

import app.models
from app.db import transient
from app.sla import clocks
from app.sla.business_time import WorkingCalendar
from app.sla.catalogue import Catalogue, Policy
from app.sla.models import TicketClock
from app.sla.targets import Target
from app.tickets.models import Ticket
from app.vocabulary import ClockKind

# A transient ticket outside any session: the mappers are set up here, by hand.
configure_mappers()
assert app.models.Ticket is Ticket

CITY = ZoneInfo("Asia/Shanghai")
# 09:00-12:00 and 13:30-18:00, Monday to Friday.
OFFICE = WorkingCalendar(timezone=CITY, periods=((540, 720), (810, 1080)))
MONDAY = datetime(2026, 11, 23, tzinfo=CITY)


def _local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day_offset, hours=hour, minutes=minute)


def _reply_clock(
    target: str, warn_ratio: float, warn_before_minutes: int | None, begins: datetime
) -> TicketClock:
    policy = Policy(
        id=1,
        name="complaints",
        request_type=None,
        category_id=None,
        priority=None,
        calendar_id=1,
        targets={ClockKind.REPLY: Target.parse(target)},
        warn_ratio=warn_ratio,
        warn_before_minutes=warn_before_minutes,
        max_extension_days=10,
    )
    catalogue = Catalogue(calendars={1: OFFICE}, policies=(policy,), category_parent={})
    ticket = transient(
        Ticket, id=1, request_type="complaint", category_id=None, priority="normal", cycle=1
    )
    planned = clocks.plan(ticket, [ClockKind.REPLY], catalogue, begins)
    assert planned is not None
    [clock] = planned.clocks
    return clock


@pytest.mark.parametrize(
    ("target", "warn_ratio", "warn_before", "due", "warn"),
    [
        # 4 business hours from Monday 09:00: 09-12, then 13:30-14:30.
        pytest.param("4h", 0.75, 120, _local(0, 14, 30), _local(0, 11), id="two-hours-left-first"),
        pytest.param("4h", 0.25, 120, _local(0, 14, 30), _local(0, 10), id="quarter-gone-first"),
        pytest.param("4h", 0.75, None, _local(0, 14, 30), _local(0, 12), id="ratio-only"),
        # 1 working day from Monday 09:00 ends Tuesday 18:00: 15 business hours, of which
        # three quarters (11 h 15 min) run out on Tuesday at 14:15, before "2 h left" (16:00).
        pytest.param("1wd", 0.75, 120, _local(1, 18), _local(1, 14, 15), id="working-day"),
        # 15 business hours, 900 minutes: 800 minutes left means a warning after 100.
        pytest.param("1wd", 0.75, 800, _local(1, 18), _local(0, 10, 40), id="long-notice"),
    ],
)
def test_a_clock_warns_at_the_earlier_of_its_two_rules(
    target: str, warn_ratio: float, warn_before: int | None, due: datetime, warn: datetime
) -> None:
    clock = _reply_clock(target, warn_ratio, warn_before, begins=_local(0, 9))

    assert clock.due_at == due
    assert clock.warn_at == warn
    assert clock.next_alert_at == warn


def test_a_notice_longer_than_the_clock_is_left_to_the_ratio() -> None:
    clock = _reply_clock("90m", 0.5, 120, begins=_local(0, 9))

    assert clock.due_at == _local(0, 10, 30)
    assert clock.warn_at == _local(0, 9, 45)
