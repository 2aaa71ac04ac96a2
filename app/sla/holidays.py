"""The State Council's yearly holiday notices, as the `chinesecalendar` package publishes them.

Each notice names the statutory holidays of a year and the weekend days that are worked to
make up for them (tiaoxiu). They seed the overrides of a city's working calendar.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from chinese_calendar import constants  # type: ignore[import-untyped]

# Days off, including the weekend days inside a holiday period, and moved working days: each
# mapped to the English name of its holiday ("Spring Festival").
_HOLIDAYS: Mapping[date, str] = constants.holidays
_MOVED_WORKING_DAYS: Mapping[date, str] = constants.workdays


@dataclass(frozen=True)
class OfficialDay:
    """A day whose status the notice sets: a holiday (not working) or a moved working day."""

    day: date
    is_working: bool
    name: str


def official_years() -> frozenset[int]:
    """The years whose holiday notice the installed package holds.

    A notice can also set days at the end of December before its year (2018-12-29 was worked
    for New Year 2019), so the last year's December is final only once the next notice is out.
    """
    return frozenset(day.year for day in _HOLIDAYS)


def official_days(years: Iterable[int]) -> list[OfficialDay]:
    """The holidays and moved working days of `years`, sorted by day.

    A holiday that falls on a Saturday or Sunday is listed too: it changes nothing, but the
    list stays the notice as published. Years without a notice contribute nothing, so a
    calendar's covered years must come from `official_years`, not from what is asked here.
    """
    wanted = frozenset(years)
    days = [
        OfficialDay(day=day, is_working=False, name=name)
        for day, name in _HOLIDAYS.items()
        if day.year in wanted
    ]
    days += [
        OfficialDay(day=day, is_working=True, name=name)
        for day, name in _MOVED_WORKING_DAYS.items()
        if day.year in wanted
    ]
    return sorted(days, key=lambda official: official.day)
