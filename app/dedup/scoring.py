"""How likely two reports are one problem, with the reasons a dispatcher reads.

A pure function of what the two reports say: category, distance, time apart, text and
caller. Reports that cannot be one problem (different category groups, farther apart
than the category's radius, older than the window) are no candidates at all, unless the
same caller made both."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.dedup.similarity import similarity
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


@dataclass(frozen=True)
class Report:
    category_id: int | None
    group_id: int | None
    lat: float | None
    lon: float | None
    created_at: datetime
    text: str
    phone: str | None


@dataclass(frozen=True)
class Match:
    score: float
    reasons: dict[str, object]


def _category(new: Report, old: Report) -> tuple[float, str]:
    if new.category_id is None or old.category_id is None:
        return UNKNOWN, "unknown"
    if new.category_id == old.category_id:
        return 1.0, "same"
    if new.group_id is not None and new.group_id == old.group_id:
        return 0.5, "same group"
    return 0.0, "different"  # another kind of problem


def match(new: Report, old: Report, *, radius_m: float, window: timedelta) -> Match | None:
    """The score (0 to 1) that `new` reports `old`'s problem again, or None when it
    cannot."""
    apart = abs(new.created_at - old.created_at)
    if apart > window:
        return None
    same_caller = new.phone is not None and new.phone == old.phone
    category, category_label = _category(new, old)
    if category_label == "different" and not same_caller:
        return None
    reasons: dict[str, object] = {}
    if new.lat is None or new.lon is None or old.lat is None or old.lon is None:
        place = UNKNOWN
    else:
        distance = metres_between(new.lat, new.lon, old.lat, old.lon)
        if distance > radius_m and not same_caller:
            return None
        place = max(0.0, 1 - distance / radius_m)
        reasons["distance_m"] = round(distance)
        reasons["radius_m"] = round(radius_m)
    text = similarity(new.text, old.text)
    time = 1 - apart / window
    score = (
        WEIGHT_CATEGORY * category
        + WEIGHT_PLACE * place
        + WEIGHT_TEXT * text
        + WEIGHT_TIME * time
        + (SAME_CALLER_BONUS if same_caller else 0.0)
    )
    reasons |= {
        "category": category_label,
        "text_similarity": round(text, 2),
        "hours_apart": round(apart / timedelta(hours=1), 1),
        "same_caller": same_caller,
    }
    return Match(round(min(score, 1.0), 3), reasons)
