"""Business-time arithmetic: properties over random calendars, then real dates of a city
calendar built from the 2025 and 2026 holiday notices."""

import random
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sla.business_time import CalendarError, WorkingCalendar
from app.sla.holidays import official_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY_PERIODS = ((540, 720), (810, 1080))  # 09:00-12:00, 13:30-18:00: 7.5 hours a day
MICROSECOND = timedelta(microseconds=1)

# Zones with daylight saving time too, whose clock changes skip or repeat working hours:
# Santiago changes at midnight, Lord Howe by half an hour.
ZONES = tuple(
    ZoneInfo(name)
    for name in (
        "Asia/Shanghai",
        "Asia/Kolkata",
        "Europe/Berlin",
        "America/New_York",
        "America/Santiago",
        "Australia/Lord_Howe",
    )
)
FIXED_OFFSET_ZONES = (SHANGHAI, ZoneInfo("Asia/Kolkata"))

properties = settings(max_examples=100, deadline=None)


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def city(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """An instant given in city (Shanghai) time."""
    return local(SHANGHAI, year, month, day, hour, minute)


def local_midnight(zone: ZoneInfo, day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def working_time_on(calendar: WorkingCalendar, day: date) -> timedelta:
    tz = calendar.timezone
    return calendar.between(local_midnight(tz, day), local_midnight(tz, day + timedelta(days=1)))


def daily_minutes(periods: tuple[tuple[int, int], ...]) -> int:
    return sum(end - start for start, end in periods)


# --- strategies -------------------------------------------------------------------------------


@st.composite
def period_sets(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    """Sorted, disjoint working periods; sometimes touching midnight at either end."""
    count = draw(st.integers(1, 4))
    boundaries = sorted(draw(st.sets(st.integers(0, 1440), min_size=2 * count, max_size=2 * count)))
    return tuple(zip(boundaries[::2], boundaries[1::2], strict=True))


OVERRIDABLE_DAYS = [date(2023, 12, 1) + timedelta(days=i) for i in range(365 * 4 + 200)]


@st.composite
def calendars(draw: st.DrawFn, zones: tuple[ZoneInfo, ...] = ZONES) -> WorkingCalendar:
    # Overrides scattered over the whole range at some density, so that every stretch of time
    # a test looks at can meet holidays and moved working days. Seeded rather than drawn day by
    # day: a draw for each of 1,600 days would make every example huge.
    density = draw(st.sampled_from([0.0, 0.02, 0.1, 0.3]))
    chance = random.Random(draw(st.integers(0, 2**32)))
    changed = chance.sample(OVERRIDABLE_DAYS, int(density * len(OVERRIDABLE_DAYS)))
    overrides = {day: chance.random() < 0.5 for day in changed}
    return WorkingCalendar(
        timezone=draw(st.sampled_from(zones)),
        periods=draw(period_sets()),
        overrides=overrides,
        # At least two working weekdays, so that working time never runs out.
        weekend=draw(st.frozensets(st.integers(0, 6), max_size=5)),
    )


FIRST_INSTANT = datetime(2024, 1, 1, tzinfo=UTC)
LAST_INSTANT = datetime(2028, 1, 1, tzinfo=UTC)


def instant_in(zone: tzinfo, microseconds: int) -> datetime:
    return (FIRST_INSTANT + timedelta(microseconds=microseconds)).astimezone(zone)


# Any instant of 2024-2027, told in one of the zones (repeated wall-clock times included).
aware_instants = st.builds(
    instant_in,
    st.sampled_from([UTC, *ZONES]),
    st.integers(0, (LAST_INSTANT - FIRST_INSTANT) // MICROSECOND - 1),
)
# Whole minutes land on period boundaries, where off-by-one mistakes live.
starts = st.one_of(aware_instants, aware_instants.map(lambda t: t.replace(second=0, microsecond=0)))


# Amounts of working time are drawn without knowing the calendar, then fitted to its working
# day: building a strategy for each example would cost more than the test itself.
amounts = st.one_of(
    st.tuples(st.integers(0, 2**50), st.just(MICROSECOND)),
    st.tuples(st.integers(0, 2**30), st.just(timedelta(minutes=1))),
)


def working_time(
    calendar: WorkingCalendar, amount: tuple[int, timedelta], max_days: int = 40, least: int = 0
) -> timedelta:
    """`amount` fitted between `least` units and `max_days` working days of `calendar`."""
    count, unit = amount
    most = max_days * daily_minutes(calendar.periods) * timedelta(minutes=1) // unit
    return unit * (least + count % (most - least + 1))


# --- properties -------------------------------------------------------------------------------


@properties
@given(calendars(), starts, amounts)
def test_between_measures_back_exactly_what_add_added(
    calendar: WorkingCalendar, start: datetime, amount: tuple[int, timedelta]
) -> None:
    duration = working_time(calendar, amount)

    due = calendar.add(start, duration)

    assert due.tzinfo is UTC
    assert calendar.between(start, due) == duration
    assert calendar.between(due, start) == -duration
    assert due - start >= duration  # working time never runs faster than the clock


@properties
@given(calendars(), starts, amounts, amounts)
def test_more_working_time_never_ends_earlier(
    calendar: WorkingCalendar, start: datetime, a: tuple[int, timedelta], b: tuple[int, timedelta]
) -> None:
    shorter, longer = sorted((working_time(calendar, a), working_time(calendar, b)))

    assert calendar.add(start, shorter) <= calendar.add(start, longer)


@properties
@given(calendars(), starts, amounts, amounts)
def test_adding_in_two_steps_is_adding_the_sum(
    calendar: WorkingCalendar, start: datetime, a: tuple[int, timedelta], b: tuple[int, timedelta]
) -> None:
    first = working_time(calendar, a, max_days=20)
    second = working_time(calendar, b, max_days=20)

    assert calendar.add(calendar.add(start, first), second) == calendar.add(start, first + second)


@properties
@given(calendars(), starts, amounts)
def test_a_deadline_falls_inside_a_working_period_of_a_working_day(
    calendar: WorkingCalendar, start: datetime, amount: tuple[int, timedelta]
) -> None:
    duration = working_time(calendar, amount, least=1)

    due = calendar.add(start, duration)

    # Working time runs right up to the deadline: start of period < due <= end of period.
    assert calendar.between(due - MICROSECOND, due) == MICROSECOND
    last_worked = (due - MICROSECOND).astimezone(calendar.timezone)
    assert calendar.is_working_day(last_worked.date())
    assert due > start


@properties
@given(calendars(zones=FIXED_OFFSET_ZONES), starts, amounts)
def test_a_deadline_is_on_the_wall_clock_inside_a_period(
    calendar: WorkingCalendar, start: datetime, amount: tuple[int, timedelta]
) -> None:
    duration = working_time(calendar, amount, least=1)

    due = calendar.add(start, duration).astimezone(calendar.timezone)

    # With no clock changes the wall clock tells: the microsecond before the deadline is
    # worked, in a period of a working day.
    last_worked = due - MICROSECOND
    since_midnight = last_worked - local_midnight(calendar.timezone, last_worked.date())
    assert calendar.is_working_day(last_worked.date())
    assert any(
        timedelta(minutes=begin) <= since_midnight < timedelta(minutes=end)
        for begin, end in calendar.periods
    )


@properties
@given(calendars(), starts, starts, starts)
def test_working_time_adds_up_over_consecutive_spans(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    assert calendar.between(a, b) + calendar.between(b, c) == calendar.between(a, c)


@properties
@given(
    st.sampled_from(ZONES),
    starts,
    starts,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
    st.integers(1, 60),
)
def test_round_the_clock_time_is_elapsed_time(
    zone: ZoneInfo, start: datetime, other: datetime, duration: timedelta, days: int
) -> None:
    calendar = WorkingCalendar.twenty_four_seven(zone)

    # Compared in UTC: Python adds to and subtracts datetimes of one zone on the wall clock,
    # not in elapsed time.
    assert calendar.add(start, duration) == start.astimezone(UTC) + duration
    assert calendar.between(start, other) == other.astimezone(UTC) - start.astimezone(UTC)
    assert calendar.uncovered_years(start, other) == frozenset()
    start_day = start.astimezone(zone).date()
    assert calendar.end_of_working_day(start, days) == local_midnight(
        zone, start_day + timedelta(days=days + 1)
    )


@properties
@given(calendars(), starts, st.integers(1, 25))
def test_n_working_days_end_at_the_close_of_the_nth_working_day_after_receipt(
    calendar: WorkingCalendar, start: datetime, n: int
) -> None:
    due = calendar.end_of_working_day(start, n)

    tz = calendar.timezone
    received_on = start.astimezone(tz).date()
    last_day = (due - MICROSECOND).astimezone(tz).date()
    # The deadline closes a working period, and nothing more is worked that day.
    assert due.tzinfo is UTC
    assert calendar.between(due - MICROSECOND, due) == MICROSECOND
    assert calendar.between(due, local_midnight(tz, last_day + timedelta(days=1))) == timedelta(0)
    # The day of receipt does not count; the deadline's day is the n-th worked day after it.
    days_after = [
        received_on + timedelta(days=i) for i in range(1, (last_day - received_on).days + 1)
    ]
    worked = [day for day in days_after if working_time_on(calendar, day) > timedelta(0)]
    assert len(worked) == n
    assert worked[-1] == last_day


@properties
@given(calendars(zones=FIXED_OFFSET_ZONES), starts, st.integers(1, 10))
def test_n_working_days_end_at_the_wall_clock_end_of_the_last_period(
    calendar: WorkingCalendar, start: datetime, n: int
) -> None:
    due = calendar.end_of_working_day(start, n).astimezone(calendar.timezone)

    last_end = timedelta(minutes=calendar.periods[-1][1])
    day = (due - MICROSECOND).date()
    assert due - local_midnight(calendar.timezone, day) == last_end
    assert calendar.is_working_day(day)


@properties
@given(calendars(), starts, st.integers(1, 10))
def test_each_further_working_day_gives_more_working_time(
    calendar: WorkingCalendar, start: datetime, n: int
) -> None:
    earlier = calendar.between(start, calendar.end_of_working_day(start, n))
    later = calendar.between(start, calendar.end_of_working_day(start, n + 1))

    assert timedelta(0) <= earlier < later


# --- the city calendar on real dates ----------------------------------------------------------


def city_calendar(covered: tuple[int, ...] = (2025, 2026)) -> WorkingCalendar:
    """09:00-12:00 and 13:30-18:00 in Shanghai time, holidays from the official notices."""
    overrides = {official.day: official.is_working for official in official_days(covered)}
    return WorkingCalendar(
        timezone=SHANGHAI,
        periods=CITY_PERIODS,
        overrides=overrides,
        covered_years=frozenset(covered),
    )


CITY = city_calendar()


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        # Lunch break: 11:30-12:00 is half an hour, the other half 13:30-14:00.
        (city(2026, 3, 2, 11, 30), timedelta(hours=1), city(2026, 3, 2, 14, 0)),
        # Used up exactly at noon: the deadline is 12:00, not 13:30.
        (city(2026, 3, 2, 11, 30), timedelta(minutes=30), city(2026, 3, 2, 12, 0)),
        # Received during lunch: the clock starts at 13:30.
        (city(2026, 3, 2, 12, 15), timedelta(hours=1), city(2026, 3, 2, 14, 30)),
        # Received before opening: the clock starts at 09:00.
        (city(2026, 3, 2, 7, 0), timedelta(hours=3), city(2026, 3, 2, 12, 0)),
        # Friday Mar 6 2026 19:00, after hours; Sat 7 and Sun 8 off; Monday Mar 9 09:00 + 2 h.
        (city(2026, 3, 6, 19, 0), timedelta(hours=2), city(2026, 3, 9, 11, 0)),
        # Tue Sep 30 2025 17:00: one hour that day; Oct 1-8 is the National Day holiday;
        # Thu Oct 9 is the next working day: 09:00 + the remaining hour.
        (city(2025, 9, 30, 17, 0), timedelta(hours=2), city(2025, 10, 9, 10, 0)),
        # Sat Sep 27 2025 is off, Sun Sep 28 is a moved working day: 09:00 + 1 h.
        (city(2025, 9, 27, 15, 0), timedelta(hours=1), city(2025, 9, 28, 10, 0)),
        # Fri Feb 13 2026 16:00: 2 h that day (8 h left), Sat Feb 14 is worked (7.5 h, 0.5 h
        # left), Feb 15-23 is the Spring Festival holiday, Tue Feb 24 09:00 + 0.5 h.
        (city(2026, 2, 13, 16, 0), timedelta(hours=10), city(2026, 2, 24, 9, 30)),
        # Fri Sep 18 2026 17:30: 0.5 h that day, Sat 19 off, Sun Sep 20 is a moved working day.
        (city(2026, 9, 18, 17, 30), timedelta(hours=1), city(2026, 9, 20, 9, 30)),
        # Wed Dec 31 2025 16:00: 2 h that day (5.5 h left); Jan 1-3 2026 off; Sun Jan 4 is
        # worked: 09:00-12:00 (2.5 h left), 13:30 + 2.5 h = 16:00.
        (city(2025, 12, 31, 16, 0), timedelta(hours=7.5), city(2026, 1, 4, 16, 0)),
        # Exactly 60 working days from Mon Mar 2 2026 09:00, which is day 1. March: 2-6, 9-13,
        # 16-20, 23-27, 30-31 are days 1-22. April: 1-3 are 23-25; Tomb-sweeping Apr 4-6 off;
        # 7-10, 13-17, 20-24, 27-30 are 26-43. May: Labour Day May 1-5 off; 6-8 are 44-46, Sat
        # May 9 (moved) is 47, 11-15 and 18-22 are 48-57, 25, 26, 27 are 58-60: Wed May 27.
        (city(2026, 3, 2, 9, 0), timedelta(hours=7.5 * 60), city(2026, 5, 27, 18, 0)),
    ],
)
def test_city_deadlines_in_working_hours(
    start: datetime, duration: timedelta, due: datetime
) -> None:
    assert CITY.add(start, duration) == due
    assert CITY.between(start, due) == duration


def test_years_of_working_time_are_measured_across_every_weekend() -> None:
    """Five years hold some 520 days off: far more than any run of them in a row."""
    weekly = WorkingCalendar(timezone=SHANGHAI, periods=CITY_PERIODS)
    first, last = date(2025, 1, 1), date(2030, 1, 1)
    days = (first + timedelta(days=n) for n in range((last - first).days))
    weekdays = sum(1 for day in days if day.weekday() < 5)
    start, end = local_midnight(SHANGHAI, first), local_midnight(SHANGHAI, last)

    assert weekly.between(start, end) == weekdays * timedelta(hours=7.5)
    assert weekly.add(start, weekdays * timedelta(hours=7.5)) == city(2029, 12, 31, 18, 0)


def test_the_instant_given_in_another_zone_means_the_same() -> None:
    # 03:30 UTC is 11:30 in Shanghai.
    start = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)

    assert CITY.add(start, timedelta(hours=1)) == city(2026, 3, 2, 14, 0)
    assert CITY.add(start, timedelta(0)) == start


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Tue Sep 30 2025: Oct 1-8 off; Thu Oct 9 is working day 1.
        (city(2025, 9, 30, 10, 0), 1, city(2025, 10, 9, 18, 0)),
        # ... Fri Oct 10 is 2, Sat Oct 11 (moved working day) is 3.
        (city(2025, 9, 30, 10, 0), 3, city(2025, 10, 11, 18, 0)),
        # Fri Sep 26 2025: Sat 27 off, Sun Sep 28 (moved) is 1, Mon Sep 29 is 2.
        (city(2025, 9, 26, 10, 0), 2, city(2025, 9, 29, 18, 0)),
        # Fri Feb 13 2026: Sat Feb 14 (moved) is 1; Feb 15-23 off; Tue 24 is 2, Wed 25 is 3,
        # Thu 26 is 4, Fri 27 is 5, Sat Feb 28 (moved) is 6.
        (city(2026, 2, 13, 16, 0), 5, city(2026, 2, 27, 18, 0)),
        (city(2026, 2, 13, 16, 0), 6, city(2026, 2, 28, 18, 0)),
        # Received Fri Mar 6 2026 in the evening: Sat and Sun off, Mon Mar 9 is day 1.
        (city(2026, 3, 6, 19, 0), 1, city(2026, 3, 9, 18, 0)),
        # Received Wed Dec 31 2025: Jan 1-3 off; Sun Jan 4 (moved) is 1, Mon Jan 5 is 2.
        (city(2025, 12, 31, 10, 0), 2, city(2026, 1, 5, 18, 0)),
        # Received on a holiday, Fri Oct 2 2026 (Oct 1-7 off): Thu Oct 8 is 1, Fri 9 is 2,
        # Sat Oct 10 (moved) is 3.
        (city(2026, 10, 2, 10, 0), 3, city(2026, 10, 10, 18, 0)),
        # Received at 23:59 on Mon Mar 2 2026: still Monday, so Tue Mar 3 is day 1.
        (city(2026, 3, 2, 23, 59), 1, city(2026, 3, 3, 18, 0)),
    ],
)
def test_city_deadlines_in_working_days(start: datetime, n: int, due: datetime) -> None:
    assert CITY.end_of_working_day(start, n) == due


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday, moved for National Day
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),  # the last day of the 2025 National Day holiday
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, moved
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 1, 1), False),
        (date(2026, 1, 3), False),  # Saturday, inside the New Year holiday
        (date(2026, 1, 4), True),  # Sunday, moved for New Year
        (date(2026, 2, 14), True),  # Saturday, moved for Spring Festival
        (date(2026, 2, 16), False),  # New Year's Eve
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, moved
        (date(2026, 9, 20), True),  # Sunday, moved for National Day
        (date(2026, 9, 25), False),  # Friday, Mid-autumn
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, moved
        (date(2026, 3, 2), True),  # an ordinary Monday
    ],
)
def test_city_working_days(day: date, working: bool) -> None:
    assert CITY.is_working_day(day) is working


def test_a_working_day_holds_seven_and_a_half_hours_and_a_holiday_none() -> None:
    assert working_time_on(CITY, date(2026, 1, 4)) == timedelta(hours=7.5)
    assert working_time_on(CITY, date(2026, 1, 2)) == timedelta(0)
    # Received Tue Sep 30 2025 at 08:00, measured to Sat Oct 11 at 08:00: Sep 30, Oct 9 and 10.
    assert CITY.between(city(2025, 9, 30, 8, 0), city(2025, 10, 11, 8, 0)) == timedelta(hours=22.5)


def test_a_deadline_past_the_last_notice_reports_the_year_it_guesses() -> None:
    start = city(2026, 12, 21, 10, 0)

    due = CITY.end_of_working_day(start, 15)

    # Mon Dec 21 2026: Dec 22-25 are 1-4, Dec 28-31 are 5-8; 2027 has no notice, so Fri Jan 1
    # counts as working day 9 by the weekly rule alone; Jan 4-8 are 10-14, Mon Jan 11 is 15.
    assert due == city(2027, 1, 11, 18, 0)
    assert CITY.uncovered_years(start, due) == frozenset({2027})
    assert CITY.uncovered_years(start, CITY.end_of_working_day(start, 5)) == frozenset()
    assert CITY.uncovered_years(due, start) == frozenset({2027})
    assert city_calendar(covered=(2026,)).uncovered_years(city(2024, 6, 1, 9, 0), due) == frozenset(
        {2024, 2025, 2027}
    )


def test_uncovered_years_follow_local_dates() -> None:
    # 16:30 UTC on Dec 31 2026 is already 00:30 on Jan 1 2027 in Shanghai.
    new_year_in_city = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)

    assert CITY.uncovered_years(new_year_in_city, new_year_in_city) == frozenset({2027})


def test_the_emergency_clock_runs_through_holidays_and_nights() -> None:
    emergency = WorkingCalendar.twenty_four_seven(SHANGHAI)

    assert emergency.add(city(2025, 10, 1, 23, 0), timedelta(hours=2)) == city(2025, 10, 2, 1, 0)
    # Received Fri Mar 6 2026 19:00: "within 1 day" ends at midnight between Sat 7 and Sun 8.
    assert emergency.end_of_working_day(city(2026, 3, 6, 19, 0), 1) == city(2026, 3, 8, 0, 0)
    assert emergency.is_working_day(date(2026, 2, 16))


# --- clock changes ----------------------------------------------------------------------------


BERLIN = ZoneInfo("Europe/Berlin")
NIGHT_SHIFT = WorkingCalendar(timezone=BERLIN, periods=((60, 240),), weekend=frozenset())


def test_a_period_the_clock_jumps_forward_through_is_an_hour_shorter() -> None:
    # Sun Mar 30 2025: 02:00 becomes 03:00 in Berlin, so 01:00-04:00 lasts two hours.
    assert working_time_on(NIGHT_SHIFT, date(2025, 3, 30)) == timedelta(hours=2)
    start = local(BERLIN, 2025, 3, 30, 1, 30)
    assert NIGHT_SHIFT.add(start, timedelta(hours=1)) == local(BERLIN, 2025, 3, 30, 3, 30)


def test_a_period_the_clock_jumps_back_through_is_an_hour_longer() -> None:
    # Sun Oct 26 2025: 03:00 becomes 02:00 again, so 01:00-04:00 lasts four hours.
    assert working_time_on(NIGHT_SHIFT, date(2025, 10, 26)) == timedelta(hours=4)
    start = local(BERLIN, 2025, 10, 26, 1, 0)
    assert NIGHT_SHIFT.add(start, timedelta(hours=4)) == local(BERLIN, 2025, 10, 26, 4, 0)


def test_a_period_that_is_the_skipped_hour_holds_no_working_time() -> None:
    skipped_hour = WorkingCalendar(timezone=BERLIN, periods=((120, 180),), weekend=frozenset())

    assert working_time_on(skipped_hour, date(2025, 3, 30)) == timedelta(0)
    # So Mar 30 does not count as a working day either: from Sat Mar 29, Mon Mar 31 is day 1.
    received = local(BERLIN, 2025, 3, 29, 12, 0)
    assert skipped_hour.end_of_working_day(received, 1) == local(BERLIN, 2025, 3, 31, 3, 0)


def test_periods_the_jump_runs_together_are_kept_apart() -> None:
    # Sun Mar 30 2025 in Berlin: 02:00-02:30 is skipped, read as 03:00-03:30 (the offset from
    # before the jump), which runs into 03:15-04:00: the second period starts at 03:30.
    calendar = WorkingCalendar(
        timezone=BERLIN, periods=((120, 150), (195, 240)), weekend=frozenset()
    )
    midnight = local(BERLIN, 2025, 3, 30, 0, 0)

    assert working_time_on(calendar, date(2025, 3, 30)) == timedelta(hours=1)
    assert calendar.add(midnight, timedelta(minutes=45)) == local(BERLIN, 2025, 3, 30, 3, 45)
    assert calendar.add(midnight, timedelta(hours=1)) == local(BERLIN, 2025, 3, 30, 4, 0)


# --- contract ---------------------------------------------------------------------------------


def test_zero_returns_the_start_and_negative_durations_are_refused() -> None:
    start = city(2026, 3, 7, 10, 0)  # a Saturday: zero still means "now"

    assert CITY.add(start, timedelta(0)) == start
    with pytest.raises(ValueError, match="negative"):
        CITY.add(start, -MICROSECOND)


def test_working_days_are_counted_from_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CITY.end_of_working_day(city(2026, 3, 2, 9, 0), 0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        CITY.add(datetime(2026, 3, 2, 9, 0), timedelta(hours=1))
    with pytest.raises(ValueError, match="time zone"):
        CITY.between(city(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 10, 0))


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((720, 540),),
        ((540, 540),),
        ((810, 1080), (540, 720)),
        ((540, 820), (810, 1080)),
        ((540, 1441),),
        ((-1, 540),),
    ],
)
def test_malformed_periods_are_refused(periods: tuple[tuple[int, int], ...]) -> None:
    with pytest.raises(CalendarError):
        WorkingCalendar(timezone=SHANGHAI, periods=periods)


def test_touching_periods_make_one_stretch() -> None:
    calendar = WorkingCalendar(timezone=SHANGHAI, periods=((540, 720), (720, 1080)))

    assert calendar.add(city(2026, 3, 2, 11, 0), timedelta(hours=2)) == city(2026, 3, 2, 13, 0)


def test_a_calendar_with_no_working_time_fails_instead_of_searching_forever() -> None:
    never = WorkingCalendar(timezone=SHANGHAI, periods=CITY_PERIODS, weekend=frozenset(range(7)))

    with pytest.raises(CalendarError, match="no working time"):
        never.add(city(2026, 3, 2, 9, 0), timedelta(hours=1))
    with pytest.raises(CalendarError, match="no working time"):
        never.end_of_working_day(city(2026, 3, 2, 9, 0), 1)


@pytest.mark.parametrize("weekend", [frozenset({6, 7}), frozenset({-1})])
def test_weekend_days_are_numbered_0_to_6(weekend: frozenset[int]) -> None:
    with pytest.raises(CalendarError, match="weekend days"):
        WorkingCalendar(timezone=SHANGHAI, periods=CITY_PERIODS, weekend=weekend)


def test_a_round_the_clock_calendar_cannot_have_office_hours() -> None:
    with pytest.raises(CalendarError, match="round-the-clock"):
        WorkingCalendar(timezone=SHANGHAI, periods=CITY_PERIODS, round_the_clock=True)


def test_a_calendar_keeps_its_own_copy_of_the_overrides() -> None:
    overrides = {date(2026, 3, 2): False}
    calendar = WorkingCalendar(timezone=SHANGHAI, periods=CITY_PERIODS, overrides=overrides)

    overrides[date(2026, 3, 2)] = True

    assert not calendar.is_working_day(date(2026, 3, 2))
    assert calendar == WorkingCalendar(
        timezone=SHANGHAI, periods=CITY_PERIODS, overrides={date(2026, 3, 2): False}
    )
    assert calendar != WorkingCalendar(timezone=SHANGHAI, periods=CITY_PERIODS)
    assert len({calendar, calendar}) == 1  # hashable, so it can key a cache
