"""The holiday notices as read from the chinesecalendar package, checked against the State
Council's published notices for 2025 and 2026."""

from datetime import date, timedelta

from app.sla.holidays import OfficialDay, official_days, official_years


def days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def status_by_day(*years: int) -> dict[date, bool]:
    return {official.day: official.is_working for official in official_days(years)}


def test_the_package_has_the_2025_and_2026_notices() -> None:
    assert {2025, 2026} <= official_years()
    assert 2003 not in official_years()


def test_spring_festival_2026_is_nine_days_off_with_two_saturdays_worked() -> None:
    spring_festival = [
        official for official in official_days([2026]) if official.name == "Spring Festival"
    ]

    # Sunday Feb 15 (New Year's Eve is the 16th) to Monday Feb 23, made up by working the
    # Saturdays before and after.
    assert spring_festival == [
        OfficialDay(date(2026, 2, 14), is_working=True, name="Spring Festival"),
        *(
            OfficialDay(day, is_working=False, name="Spring Festival")
            for day in days_from(date(2026, 2, 15), date(2026, 2, 23))
        ),
        OfficialDay(date(2026, 2, 28), is_working=True, name="Spring Festival"),
    ]


def test_national_day_2026_is_seven_days_off_with_sunday_and_saturday_worked() -> None:
    national_day = [
        official for official in official_days([2026]) if official.name == "National Day"
    ]

    # Thursday Oct 1 to Wednesday Oct 7; Sunday Sep 20 and Saturday Oct 10 are worked.
    assert [(official.day, official.is_working) for official in national_day] == [
        (date(2026, 9, 20), True),
        *((day, False) for day in days_from(date(2026, 10, 1), date(2026, 10, 7))),
        (date(2026, 10, 10), True),
    ]


def test_national_day_2025_runs_eight_days_with_mid_autumn_inside() -> None:
    status = status_by_day(2025)

    assert all(status[day] is False for day in days_from(date(2025, 10, 1), date(2025, 10, 8)))
    assert status[date(2025, 9, 28)] is True  # Sunday
    assert status[date(2025, 10, 11)] is True  # Saturday
    names = {o.day: o.name for o in official_days([2025])}
    assert names[date(2025, 10, 6)] == "Mid-autumn Festival"


def test_new_year_2026_is_thursday_to_saturday_with_sunday_worked() -> None:
    status = status_by_day(2026)

    assert [status.get(day) for day in days_from(date(2026, 1, 1), date(2026, 1, 4))] == [
        False,
        False,
        False,
        True,
    ]


def test_every_moved_working_day_of_2025_and_2026_is_a_saturday_or_sunday() -> None:
    moved = [o.day for o in official_days([2025, 2026]) if o.is_working]

    assert moved == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert all(day.weekday() in (5, 6) for day in moved)


def test_a_holiday_on_a_weekend_is_listed_as_a_day_off() -> None:
    # Saturday Feb 21 2026 is off anyway; it is still part of the Spring Festival holiday.
    assert status_by_day(2026)[date(2026, 2, 21)] is False


def test_only_the_years_asked_for_come_back_sorted_by_day() -> None:
    days = official_days(iter([2026, 2025]))

    assert [o.day for o in days] == sorted(o.day for o in days)
    assert {o.day.year for o in days} == {2025, 2026}
    assert len({o.day for o in days}) == len(days)


def test_a_year_without_a_notice_contributes_nothing() -> None:
    assert official_days([1999, max(official_years()) + 1]) == []
