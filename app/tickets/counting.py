"""How many tickets a queue screen holds, without counting ten million rows.

Up to `EXACT_UP_TO` matching tickets the count is exact: the count stops reading once it
has seen one more than that. Beyond it, the count is estimated from a sample: the rows of
`SAMPLE_SLICES` evenly spaced ranges of ticket ids, `SAMPLE_ROWS` in all. Ids are given
out in order of intake, so the slices are spread over the queue's whole history, and a
screen whose tickets crowd into the last weeks (open ones, overdue ones) is sampled where
they are as well as where they are not. An estimate reads about `SAMPLE_ROWS` rows
whatever the size of the queue; it is rounded to three significant figures and marked as
an estimate.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import floor, log10

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.tickets.models import Ticket

EXACT_UP_TO = 10_000
SAMPLE_ROWS = 20_000
# Many thin slices: a screen whose tickets all came in the last month (a status, overdue)
# spans a twelfth of a year's ids, and twenty slices put one or two there.
SAMPLE_SLICES = 200


@dataclass(frozen=True)
class QueueCount:
    count: int
    is_estimate: bool


def count(session: Session, conditions: Sequence[ColumnElement[bool]]) -> QueueCount:
    """The number of tickets meeting `conditions`: exact up to `EXACT_UP_TO`, else an
    estimate, never below `EXACT_UP_TO + 1` (that many were seen)."""
    first = select(Ticket.id).where(*conditions).limit(EXACT_UP_TO + 1).subquery()
    seen = session.execute(select(func.count()).select_from(first)).scalar_one()
    if seen <= EXACT_UP_TO:
        return QueueCount(seen, is_estimate=False)
    # Two queries: SQLite reads one min() or max() from the index's end, not both at once
    # (which took a second at a million tickets).
    lowest = session.execute(select(func.min(Ticket.id))).scalar_one()
    highest = session.execute(select(func.max(Ticket.id))).scalar_one()
    span = highest - lowest + 1
    if span <= SAMPLE_ROWS:  # a small table: the sample would be all of it anyway
        every = session.execute(
            select(func.count()).select_from(Ticket).where(*conditions)
        ).scalar_one()
        return QueueCount(every, is_estimate=False)
    width = SAMPLE_ROWS // SAMPLE_SLICES
    step = span // SAMPLE_SLICES
    # The first `width` ids of every `step`: one comparison a row (an OR of the slices'
    # ranges took a comparison per slice, seconds over a status's tickets).
    in_a_slice = (Ticket.id - lowest) % step < width
    sampled = session.execute(
        select(func.count()).select_from(Ticket).where(in_a_slice, *conditions)
    ).scalar_one()
    estimate = _three_figures(sampled * step / width)
    return QueueCount(max(estimate, EXACT_UP_TO + 1), is_estimate=True)


def _three_figures(value: float) -> int:
    if value < 1:
        return 0
    unit = 10 ** max(floor(log10(value)) - 2, 0)
    return int(round(value / unit) * unit)
