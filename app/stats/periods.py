"""The periods figures are asked for: a day, week, month, quarter, year or any range,
and the period of the same length just before it."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.errors import UnprocessableContent


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"  # from `start` to `end`, both included


@dataclass(frozen=True)
class Span:
    """Local days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _calendar_span(kind: PeriodKind, day: date) -> Span:
    if kind is PeriodKind.DAY:
        return Span(day, day)
    if kind is PeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return Span(monday, monday + timedelta(days=6))
    if kind is PeriodKind.MONTH:
        first = _month_start(day)
        return Span(first, _month_start(day, -1) - timedelta(days=1))
    if kind is PeriodKind.QUARTER:
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Span(first, _month_start(first, -3) - timedelta(days=1))
    return Span(date(day.year, 1, 1), date(day.year, 12, 31))


def span_of(
    kind: PeriodKind, on: date | None, start: date | None, end: date | None, today: date
) -> Span:
    """The period asked for: the calendar period holding `on` (today when not given), or
    for a range `start` to `end`. 422 for a range without both ends or ending before it
    starts."""
    if kind is not PeriodKind.RANGE:
        return _calendar_span(kind, on or today)
    if start is None or end is None:
        raise UnprocessableContent("A range needs both start and end.", field="start")
    if end < start:
        raise UnprocessableContent(
            f"The range ends ({end}) before it starts ({start}).", field="end"
        )
    return Span(start, end)


def previous(kind: PeriodKind, span: Span) -> Span:
    """The period before: the previous calendar period, or the range of the same length
    ending the day before."""
    if kind in (PeriodKind.RANGE, PeriodKind.DAY, PeriodKind.WEEK):
        last = span.first - timedelta(days=1)
        return Span(last - timedelta(days=span.days - 1), last)
    return _calendar_span(kind, span.first - timedelta(days=1))


def whole_months(span: Span) -> tuple[list[date], list[Span]]:
    """The calendar months lying wholly within `span` (their first days), and the days of
    `span` outside them (none, one or two runs)."""
    first = span.first if span.first.day == 1 else _month_start(span.first, -1)
    months = []
    while (end := _month_start(first, -1) - timedelta(days=1)) <= span.last:
        months.append(first)
        first = end + timedelta(days=1)
    if not months:
        return [], [span]
    rest = []
    if span.first < months[0]:
        rest.append(Span(span.first, months[0] - timedelta(days=1)))
    if first <= span.last:
        rest.append(Span(first, span.last))
    return months, rest
