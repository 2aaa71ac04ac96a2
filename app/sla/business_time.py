"""Business-time arithmetic: working time between instants, deadlines in working time or days.

A calendar says which local days are working days (a weekly rule, corrected by the State
Council's holiday notices) and which hours of a working day are worked. Every answer is a
UTC-aware instant or a duration of elapsed working time; local time exists only in here.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# Far longer than any real run of days off; past it the calendar is broken, and a search for
# working time would otherwise never end.
MAX_IDLE_DAYS = 400
# Days whose periods a calendar keeps at hand: more than a year either side of today, which
# is where deadlines fall; past it the memory starts over.
REMEMBERED_DAYS = 2048

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# datetime.combine() with these is several times cheaper than datetime.replace(tzinfo=...).
_MIDNIGHT = time()
_UTC_MIDNIGHT = time(tzinfo=UTC)

_Period = tuple[datetime, datetime]
_NO_PERIODS: tuple[_Period, ...] = ()


class CalendarError(ValueError):
    """A calendar that cannot be used: malformed working periods, or no working time at all."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and working hours of one city (or of the 24 x 7 emergency service).

    `periods` are the working periods of a working day in minutes from local midnight: sorted,
    disjoint, each start < end <= 1440; ((540, 720), (810, 1080)) is 09:00-12:00, 13:30-18:00.
    `overrides` are days that differ from the weekly rule (`weekend` lists the weekday numbers
    that are off): True for a moved working day (tiaoxiu), False for a holiday. `covered_years`
    are the years whose holiday notice is in `overrides`; outside them only the weekly rule is
    known (see `uncovered_years`). A `round_the_clock` calendar works every minute of every day.

    Answers are exact to the microsecond and count elapsed time: when the clock jumps forward
    an hour inside a period, that period holds an hour less. A wall-clock time that the jump
    skips is read with the offset from before the jump, as `datetime.replace(tzinfo=...)` does.
    """

    timezone: ZoneInfo
    periods: tuple[tuple[int, int], ...]
    # Left out of the hash (not of equality) so that calendars stay hashable.
    overrides: Mapping[date, bool] = field(default_factory=dict, hash=False)
    covered_years: frozenset[int] = frozenset()
    round_the_clock: bool = False
    weekend: frozenset[int] = frozenset({5, 6})
    # The periods as offsets from midnight, built once: making timedeltas is slow, and a
    # deadline walks dozens of days.
    _spans: tuple[tuple[timedelta, timedelta], ...] = field(init=False, repr=False, compare=False)
    # Each local day's working periods as UTC instants, worked out once: every intake's
    # deadlines walk the same few weeks of days.
    _days: dict[date, tuple[_Period, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.periods:
            raise CalendarError("a calendar needs at least one working period")
        previous_end = 0
        for start, end in self.periods:
            if not previous_end <= start < end <= MINUTES_PER_DAY:
                raise CalendarError(
                    f"working periods must be sorted, disjoint minutes of a day: {self.periods}"
                )
            previous_end = end
        if self.round_the_clock and self.periods != ((0, MINUTES_PER_DAY),):
            raise CalendarError("a round-the-clock calendar works from 00:00 to 24:00")
        if not self.weekend <= frozenset(range(7)):
            raise CalendarError(f"weekend days are numbered 0 (Monday) to 6: {self.weekend}")
        # A private copy: the calendar is frozen, so a later change to the caller's dict must
        # not reach it.
        object.__setattr__(self, "overrides", dict(self.overrides))
        spans = tuple((timedelta(minutes=a), timedelta(minutes=b)) for a, b in self.periods)
        object.__setattr__(self, "_spans", spans)
        object.__setattr__(self, "_days", {})

    @classmethod
    def twenty_four_seven(cls, timezone: ZoneInfo) -> "WorkingCalendar":
        """Every day a working day from 00:00 to 24:00, in every year: the emergency service."""
        return cls(timezone=timezone, periods=((0, MINUTES_PER_DAY),), round_the_clock=True)

    def is_working_day(self, day: date) -> bool:
        """Whether local date `day` is worked: by its override if it has one, else by the week."""
        if self.round_the_clock:
            return True
        override = self.overrides.get(day)
        if override is not None:
            return override
        return day.weekday() not in self.weekend

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The UTC instant at which `duration` of working time has elapsed after `start`.

        A duration that runs out exactly at the end of a period gives that end, not the start
        of the next period; a zero duration gives `start` itself. Exact to the microsecond:
        `between(start, add(start, duration)) == duration`.
        """
        if duration < _ZERO:
            raise ValueError(f"working time to add must not be negative: {duration}")
        start = _to_utc(start)
        if duration == _ZERO:
            return start
        if self.round_the_clock:
            return start + duration
        remaining = duration
        for begin, end in self._periods_after(start):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        raise AssertionError("unreachable: _periods_after never runs out")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The working time in [start, end); negative, `-between(end, start)`, when end < start."""
        start, end = _to_utc(start), _to_utc(end)
        if end < start:
            return -self.between(end, start)
        if self.round_the_clock:
            return end - start
        total = _ZERO
        for begin, period_end in self._periods_after(start):
            if begin >= end:
                break
            total += min(period_end, end) - begin
        return total

    def end_of_working_day(self, start: datetime, n: int) -> datetime:
        """The deadline "within n working days" of `start`, as a UTC instant.

        The day of receipt is not counted (Chinese administrative practice): the answer is the
        end of the last working period of the n-th working day after `start`'s local date. For
        a round-the-clock calendar it is the local midnight that ends the n-th day after it.
        """
        if n < 1:
            raise ValueError(f"a number of working days must be at least 1: {n}")
        first_day = self._local_date(_to_utc(start)) + _ONE_DAY
        if self.round_the_clock:
            return self._instant(first_day + timedelta(days=n), _ZERO)
        nth_day = next(islice(self._working_days(first_day), n - 1, None))
        return nth_day[-1][1]

    def uncovered_years(self, start: datetime, end: datetime) -> frozenset[int]:
        """The local years from `start`'s to `end`'s (in either order) with no holiday notice.

        Working time computed over such a year counts its holidays as working days, and misses
        its moved working days. Always empty for a round-the-clock calendar.
        """
        if self.round_the_clock:
            return frozenset()
        first, last = sorted(self._local_date(_to_utc(moment)).year for moment in (start, end))
        return frozenset(range(first, last + 1)) - self.covered_years

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.timezone).date()

    def _instant(self, day: date, span: timedelta) -> datetime:
        """The UTC instant of the local wall-clock time `span` after the midnight starting `day`:
        the first one if the clock repeats that time, one past the jump if the clock skips it."""
        wall = datetime.combine(day, _MIDNIGHT) + span
        return datetime.combine(day, _UTC_MIDNIGHT) + span - _utc_offset(self.timezone, wall)

    def _periods_of(self, day: date) -> tuple[_Period, ...]:
        """The working periods of local date `day` as UTC instants, in order; none on a day
        off."""
        periods = self._days.get(day)
        if periods is None:
            periods = tuple(self._day_periods(day)) if self.is_working_day(day) else _NO_PERIODS
            if len(self._days) >= REMEMBERED_DAYS:
                self._days.clear()
            self._days[day] = periods
        return periods

    def _day_periods(self, day: date) -> list[_Period]:
        """The working periods of a working day as UTC instants, in order."""
        wall_midnight = datetime.combine(day, _MIDNIGHT)
        offset = _utc_offset(self.timezone, wall_midnight)
        if _utc_offset(self.timezone, wall_midnight + _ONE_DAY) != offset:
            return self._clock_change_day_periods(day)
        # No clock change today (two that cancel out within a day have never been seen), so
        # every wall-clock time of the day is `offset` ahead of UTC.
        day_start = datetime.combine(day, _UTC_MIDNIGHT) - offset
        return [(day_start + begin, day_start + end) for begin, end in self._spans]

    def _clock_change_day_periods(self, day: date) -> list[_Period]:
        """The working periods of a working day whose clock jumps, as UTC instants, in order.

        Where the jump skips or repeats wall-clock time, boundaries are pushed forward so that
        periods stay in order and inside the day: the periods of successive days never overlap,
        which is what keeps `add` and `between` consistent with each other.
        """
        floor = self._instant(day, _ZERO)
        ceiling = self._instant(day, _ONE_DAY)
        periods = []
        for start_span, end_span in self._spans:
            begin = min(max(self._instant(day, start_span), floor), ceiling)
            end = min(max(self._instant(day, end_span), begin), ceiling)
            if begin < end:
                periods.append((begin, end))
            floor = end
        return periods

    def _working_days(self, first_day: date) -> Iterator[tuple[_Period, ...]]:
        """The periods of each working day from `first_day` on, without end.

        CalendarError once MAX_IDLE_DAYS days in a row have no working time.
        """
        day = first_day
        idle_days = 0
        while idle_days < MAX_IDLE_DAYS:
            periods = self._periods_of(day)
            if periods:
                idle_days = 0
                yield periods
            else:
                idle_days += 1
            day += _ONE_DAY
        raise CalendarError(f"no working time in the {MAX_IDLE_DAYS} days up to {day}")

    def _periods_after(self, instant: datetime) -> Iterator[_Period]:
        """The working periods that end after `instant`, in order, the first cut to begin there."""
        for periods in self._working_days(self._local_date(instant)):
            for begin, end in periods:
                if end > instant:
                    yield (begin if begin > instant else instant), end


def _to_utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"a time zone is required: {moment}")
    return moment.astimezone(UTC)


def _utc_offset(zone: ZoneInfo, wall: datetime) -> timedelta:
    offset = zone.utcoffset(wall)
    assert offset is not None, "a ZoneInfo has an offset at every wall-clock time"
    return offset
