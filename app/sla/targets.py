"""Time limits as a city writes them: "90m" or "4h" of business time, or "3wd", the end of
the third working day after the clock starts; "90em" or "24eh" of elapsed time, or "7cd",
the end of the seventh calendar day after the clock starts, whatever the working calendar
(Beijing's local standard counts so)."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.sla.business_time import WorkingCalendar

_TARGET = re.compile(r"^([1-9][0-9]{0,4})(m|h|wd|em|eh|cd)$")
# A limit longer than this is a typo, not a policy.
MAX_WORKING_DAYS = 120
MAX_MINUTES = MAX_WORKING_DAYS * 24 * 60


class Unit(StrEnum):
    MINUTES = "m"
    HOURS = "h"
    WORKING_DAYS = "wd"
    ELAPSED_MINUTES = "em"
    ELAPSED_HOURS = "eh"
    CALENDAR_DAYS = "cd"


# Counted on a round-the-clock calendar, whatever the policy's.
ELAPSED_UNITS = frozenset({Unit.ELAPSED_MINUTES, Unit.ELAPSED_HOURS, Unit.CALENDAR_DAYS})
_DAY_UNITS = frozenset({Unit.WORKING_DAYS, Unit.CALENDAR_DAYS})
_HOUR_UNITS = frozenset({Unit.HOURS, Unit.ELAPSED_HOURS})


@dataclass(frozen=True)
class Target:
    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> "Target":
        """ValueError with a message a client can act on when `text` is not a target."""
        match = _TARGET.match(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a time limit: write working minutes (90m), hours (4h) or "
                "days (3wd), or elapsed minutes (90em), hours (24eh) or calendar days (7cd)"
            )
        target = cls(int(match.group(1)), Unit(match.group(2)))
        if target.unit in _DAY_UNITS and target.amount > MAX_WORKING_DAYS:
            raise ValueError(f"{text!r} is over {MAX_WORKING_DAYS} days")
        if target.unit not in _DAY_UNITS and target.business_time > timedelta(minutes=MAX_MINUTES):
            raise ValueError(f"{text!r} is over {MAX_MINUTES} minutes")
        return target

    @property
    def elapsed(self) -> bool:
        """Counted in elapsed time or calendar days: on a round-the-clock calendar."""
        return self.unit in ELAPSED_UNITS

    @property
    def business_time(self) -> timedelta:
        """For minute and hour targets only."""
        return timedelta(minutes=self.amount * (60 if self.unit in _HOUR_UNITS else 1))

    def due(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        """The deadline on `calendar`: the policy's, or a round-the-clock one for an
        elapsed target (on which the end of a day is the midnight that ends it)."""
        if self.unit in _DAY_UNITS:
            return calendar.end_of_working_day(start, self.amount)
        return calendar.add(start, self.business_time)

    def business_time_to(
        self, calendar: WorkingCalendar, start: datetime, due: datetime
    ) -> timedelta:
        """The business time from `start` to `due`, its deadline: a minute or hour target
        is that time exactly, as `WorkingCalendar.add` is exact."""
        if self.unit in _DAY_UNITS:
            return calendar.between(start, due)
        return self.business_time

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def validate_target(text: str | None) -> str | None:
    """For schemas: the target as given, or a ValueError."""
    if text is not None:
        Target.parse(text)
    return text
