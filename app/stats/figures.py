"""From summed counts to the figures a report shows: the definitions of the rates (the
README's "Statistics" section says them in words)."""

from collections.abc import Sequence

from app.stats.schemas import Figures
from app.stats.tally import COUNTERS, HANDLING_BUCKETS, HANDLING_EDGES_HOURS

_AT = {name: index for index, name in enumerate(COUNTERS)}
DEFAULT_BASICALLY_SATISFIED_WEIGHT = 0.8


def zero() -> list[int]:
    return [0] * len(COUNTERS)


def add_into(total: list[int], values: Sequence[int]) -> None:
    for index, value in enumerate(values):
        total[index] += value


def _rate(part: float, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percentile_hours(values: Sequence[int], share: float) -> float | None:
    """The handling time below which `share` of the replies lie, interpolated within the
    histogram's bucket (the last bucket, open-ended, gives its lower edge)."""
    counts = [values[_AT[name]] for name in HANDLING_BUCKETS]
    total = sum(counts)
    if total <= 0:
        return None
    wanted = share * total
    seen = 0
    lows = (0, *HANDLING_EDGES_HOURS)
    for index, count in enumerate(counts):
        if count > 0 and seen + count >= wanted:
            if index == len(HANDLING_EDGES_HOURS):
                return float(lows[index])
            low, high = lows[index], HANDLING_EDGES_HOURS[index]
            return round(low + (high - low) * (wanted - seen) / count, 2)
        seen += count
    return float(lows[-1])


def figures_of(values: Sequence[int], basically_satisfied_weight: float) -> Figures:
    """The figures of summed counts (in `COUNTERS` order)."""

    def n(name: str) -> int:
        return values[_AT[name]]

    satisfied_share = n("satisfied") + basically_satisfied_weight * n("basically_satisfied")
    return Figures(
        received=n("received"),
        assigned=n("assigned"),
        responded=n("responded"),
        response_rate=_rate(n("responded"), n("assigned")),
        visited=n("visited"),
        solved=n("solved"),
        resolution_rate=_rate(n("solved"), n("visited")),
        satisfied=n("satisfied"),
        basically_satisfied=n("basically_satisfied"),
        satisfaction_rate=_rate(satisfied_share, n("visited")),
        replied=n("replied"),
        on_time_reply_rate=_rate(n("replied_on_time"), n("replied")),
        returned=n("returned"),
        return_rate=_rate(n("returned"), n("assigned")),
        transfers=n("transferred"),
        reopened=n("reopened"),
        reopen_rate=_rate(n("reopened"), n("replied")),
        extended=n("extended"),
        extension_rate=_rate(n("extended"), n("assigned")),
        overdue=n("breached"),
        handling_median_hours=percentile_hours(values, 0.5),
        handling_p90_hours=percentile_hours(values, 0.9),
        answered_at_once=n("answered_at_once"),
        answered_at_once_share=_rate(n("answered_at_once"), n("received")),
        repeat_contacts=n("repeat_contacts"),
        repeat_contact_share=_rate(n("repeat_contacts"), n("received")),
        evaluation_coverage=_rate(n("evaluated"), n("replied")),
    )
