"""How likely two reports are one problem, with the reasons a dispatcher reads.

A pure function of what the two reports say: category, distance, time apart, text and
caller. Reports that cannot be one problem (different category groups, farther apart
than the category's radius, older than the window) are no candidates at all, unless the
same caller made both."""

from datetime import datetime, timedelta
from typing import NamedTuple

from app.dedup.similarity import overlap, pairs
from app.geo.distance import metres_between

# What each sign weighs; they add up to 1. The text weighs most: the category and the
# place narrow the search, but only the words tell two street lights on one road apart.
WEIGHT_CATEGORY = 0.20
WEIGHT_PLACE = 0.30
WEIGHT_TEXT = 0.40
WEIGHT_TIME = 0.10
# A second call from the same number, inside the window, is a strong sign on its own.
SAME_CALLER_BONUS = 0.15
# What an unknown sign (no category, no point) counts for: neither for nor against.
UNKNOWN = 0.5
_HOUR = timedelta(hours=1)


class Report(NamedTuple):
    """One report as scoring reads it (a tuple: one is built for every row a search reads)."""

    category_id: int | None
    group_id: int | None
    lat: float | None
    lon: float | None
    created_at: datetime
    text: str  # normalised: similarity.normalised or similarity.text_for_matching
    phone: str | None


class Match(NamedTuple):
    """A pair's score and what it rests on; `reasons` spells them out for a dispatcher.
    (A tuple, as Report is: one is made for most rows a search reads.)"""

    score: float
    category: str  # same | same group | different | unknown
    text_similarity: float
    apart: timedelta
    same_caller: bool
    distance_m: float | None = None  # None: one of the two has no point
    radius_m: float | None = None

    @property
    def reasons(self) -> dict[str, object]:
        # Built on demand: a search scores every row it reads, and most are never shown.
        place: dict[str, object] = {}
        if self.distance_m is not None and self.radius_m is not None:
            place = {"distance_m": round(self.distance_m), "radius_m": round(self.radius_m)}
        return place | {
            "category": self.category,
            "text_similarity": round(self.text_similarity, 2),
            "hours_apart": round(self.apart / _HOUR, 1),
            "same_caller": self.same_caller,
        }


def _category(new: Report, old: Report) -> tuple[float, str]:
    if new.category_id is None or old.category_id is None:
        return UNKNOWN, "unknown"
    if new.category_id == old.category_id:
        return 1.0, "same"
    if new.group_id is not None and new.group_id == old.group_id:
        return 0.5, "same group"
    return 0.0, "different"  # another kind of problem


class Scorer:
    """Scores earlier reports against one new report; what depends on the new one alone
    (its text's pairs above all) is worked out once, not once per earlier report."""

    def __init__(self, new: Report, *, radius_m: float, window: timedelta) -> None:
        self._new = new
        self._pairs = pairs(new.text)
        self._radius_m = radius_m
        self._window = window

    def score(self, old: Report) -> Match | None:
        """The score (0 to 1) that the new report is `old`'s problem again, or None when
        it cannot be."""
        new, radius_m, window = self._new, self._radius_m, self._window
        apart = abs(new.created_at - old.created_at)
        if apart > window:
            return None
        same_caller = new.phone is not None and new.phone == old.phone
        category, category_label = _category(new, old)
        if category_label == "different" and not same_caller:
            return None
        distance: float | None = None
        if new.lat is None or new.lon is None or old.lat is None or old.lon is None:
            place = UNKNOWN
        else:
            distance = metres_between(new.lat, new.lon, old.lat, old.lon)
            if distance > radius_m and not same_caller:
                return None
            place = max(0.0, 1 - distance / radius_m)
        text = overlap(self._pairs, pairs(old.text))
        score = (
            WEIGHT_CATEGORY * category
            + WEIGHT_PLACE * place
            + WEIGHT_TEXT * text
            + WEIGHT_TIME * (1 - apart / window)
            + (SAME_CALLER_BONUS if same_caller else 0.0)
        )
        return Match(
            round(min(score, 1.0), 3),
            category_label,
            text,
            apart,
            same_caller,
            distance,
            radius_m if distance is not None else None,
        )


def match(new: Report, old: Report, *, radius_m: float, window: timedelta) -> Match | None:
    """The score (0 to 1) that `new` reports `old`'s problem again, or None when it
    cannot."""
    return Scorer(new, radius_m=radius_m, window=window).score(old)
