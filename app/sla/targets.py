"""Time limits as a city writes them: "90m" or "4h" of business time, or "3wd", the end of
the third working day after the clock starts."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.sla.business_time import WorkingCalendar

_TARGET = re.compile(r"^([1-9][0-9]{0,4})(m|h|wd)$")
# A limit longer than this is a typo, not a policy.
MAX_WORKING_DAYS = 120
MAX_MINUTES = MAX_WORKING_DAYS * 24 * 60


class Unit(StrEnum):
    MINUTES = "m"
    HOURS = "h"
    WORKING_DAYS = "wd"


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
                f"{text!r} is not a time limit: write minutes (90m), hours (4h) or "
                "working days (3wd)"
            )
        target = cls(int(match.group(1)), Unit(match.group(2)))
        if target.unit is Unit.WORKING_DAYS and target.amount > MAX_WORKING_DAYS:
            raise ValueError(f"{text!r} is over {MAX_WORKING_DAYS} working days")
        if target.unit is not Unit.WORKING_DAYS and target.business_time > timedelta(
            minutes=MAX_MINUTES
        ):
            raise ValueError(f"{text!r} is over {MAX_MINUTES} minutes")
        return target

    @property
    def business_time(self) -> timedelta:
        """For minute and hour targets only."""
        return timedelta(minutes=self.amount * (60 if self.unit is Unit.HOURS else 1))

    def due(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        if self.unit is Unit.WORKING_DAYS:
            return calendar.end_of_working_day(start, self.amount)
        return calendar.add(start, self.business_time)

    def business_time_to(
        self, calendar: WorkingCalendar, start: datetime, due: datetime
    ) -> timedelta:
        """The business time from `start` to `due`, its deadline: a minute or hour target
        is that time exactly, as `WorkingCalendar.add` is exact."""
        if self.unit is Unit.WORKING_DAYS:
            return calendar.between(start, due)
        return self.business_time

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def validate_target(text: str | None) -> str | None:
    """For schemas: the target as given, or a ValueError."""
    if text is not None:
        Target.parse(text)
    return text
