"""How likely two reports are one problem, with the reasons a dispatcher reads.

A pure function of what the two reports say: category, distance, time apart, text, the
places and problem words they name, and the caller. The evidence is weighed by a logistic
model fitted offline on labelled pairs (`tools/fit_dedup.py`, output in
`data/model.json`), so the score is a probability: of pairs scoring 0.8, about 8 in 10
are duplicates. Reports that cannot be one problem (unrelated categories, farther apart
than the category's radius, older than the window) are no candidates at all, unless the
same caller made both."""

import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

from app.config import DEDUP_MODEL_FILE
from app.dedup.places import KeySet, PlaceEvidence, compare, keys_of
from app.dedup.similarity import overlap, pairs
from app.geo.distance import metres_between

MODEL_FILE = DEDUP_MODEL_FILE
RELATED_FILE = Path(__file__).resolve().parent / "data" / "related_categories.json"
_HOUR = timedelta(hours=1)
SAME_PLACE_REACH = 2
# The evidence, in the order of the model's weights.
FEATURES = (
    "category_same",
    "category_group",
    "category_related",
    "category_unknown",
    "near",
    "no_point",
    "located_from_address",
    "no_common_place",
    "text",
    "words_shared",
    "concepts_shared",
    "concepts_apart",
    "place_same",
    "place_different",
    "area_same",
    "area_other",
    "part_other",
    "time_apart",
    "same_caller",
    "same_caller_other_words",
)
_NO_COMMON_PLACE = FEATURES.index("no_common_place")
_TEXT = FEATURES.index("text")
_WORDS_SHARED = FEATURES.index("words_shared")
_CONCEPTS_SHARED = FEATURES.index("concepts_shared")
_CONCEPTS_APART = FEATURES.index("concepts_apart")
_PLACE_SAME = FEATURES.index("place_same")
_PLACE_DIFFERENT = FEATURES.index("place_different")
_AREA_SAME = FEATURES.index("area_same")
_AREA_OTHER = FEATURES.index("area_other")
_PART_OTHER = FEATURES.index("part_other")
_CALLER_OTHER_WORDS = FEATURES.index("same_caller_other_words")
# What two reports' places say, once compared.
_FROM_PLACES = (
    _NO_COMMON_PLACE,
    _PLACE_SAME,
    _PLACE_DIFFERENT,
    _AREA_SAME,
    _AREA_OTHER,
    _PART_OTHER,
)
# What a report's places, words and text say: known only once they are read.
_FROM_KEYS_AND_TEXT = (
    _NO_COMMON_PLACE,
    _TEXT,
    _WORDS_SHARED,
    _CONCEPTS_SHARED,
    _CONCEPTS_APART,
    _PLACE_SAME,
    _PLACE_DIFFERENT,
    _AREA_SAME,
    _AREA_OTHER,
    _PART_OTHER,
    _CALLER_OTHER_WORDS,
)


@dataclass(frozen=True)
class Model:
    """Weights of the evidence and the scores chosen on the tuning pairs."""

    intercept: float
    weights: tuple[float, ...]
    merge_score: float
    flag_score: float

    def logit(self, features: Sequence[float]) -> float:
        # FEATURES and the weights are one length (load_model reads them by name).
        weighed: float = sum(map(operator.mul, self.weights, features))
        return self.intercept + weighed

    def probability(self, features: Sequence[float]) -> float:
        return _sigmoid(self.logit(features))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


@cache
def load_model(path: Path = MODEL_FILE) -> Model:
    document = json.loads(path.read_text(encoding="utf-8"))
    weights = document["weights"]
    return Model(
        float(document["intercept"]),
        tuple(float(weights[name]) for name in FEATURES),
        float(document["merge_score"]),
        float(document["flag_score"]),
    )


class Report(NamedTuple):
    """One report as scoring reads it (a tuple: one is built for every row a search reads)."""

    category_id: int | None
    group_id: int | None
    lat: float | None
    lon: float | None
    created_at: datetime
    text: str  # normalised: similarity.normalised or similarity.text_for_matching
    phone: str | None
    keys: str | None = None  # places and concepts: similarity.keys_for_matching
    # How far the place may lie from the point: set when the point was found from an
    # address in the gazetteer, None for a point a device sent.
    uncertainty_m: float | None = None


class Match(NamedTuple):
    """A pair's score and what it rests on; `reasons` spells them out for a dispatcher.
    (A tuple, as Report is: one is made for most rows a search reads.)"""

    score: float
    category: str  # same | same group | related | different | unknown
    text_similarity: float
    apart: timedelta
    same_caller: bool
    distance_m: float | None = None  # None: one of the two has no point
    radius_m: float | None = None
    places: PlaceEvidence | None = None
    concepts: tuple[str, ...] = ()

    @property
    def reasons(self) -> dict[str, object]:
        # Built on demand: a search scores every row it reads, and most are never shown.
        reasons: dict[str, object] = {}
        if self.distance_m is not None and self.radius_m is not None:
            reasons = {"distance_m": round(self.distance_m), "radius_m": round(self.radius_m)}
        reasons |= {
            "category": self.category,
            "text_similarity": round(self.text_similarity, 2),
            "hours_apart": round(self.apart / _HOUR, 1),
            "same_caller": self.same_caller,
        }
        places = self.places
        if places is not None:
            if places.same:
                reasons["same_place"] = [spoken(key) for key in places.same]
            if places.different:
                reasons["different_place"] = list(places.different)
            if places.area:
                reasons["same_area"] = [key[2:] for key in places.area]
            if places.other_area:
                reasons["other_place_names"] = True
            if places.other_part:
                reasons["other_side_of_the_place"] = True
        if self.concepts:
            reasons["words_in_common"] = list(self.concepts)
        return reasons


# Match's fields after `score`, in order.
_Unscored = tuple[
    str, float, timedelta, bool, float | None, float | None, PlaceEvidence, tuple[str, ...]
]


def spoken(key: str) -> str:
    """A place key as a dispatcher reads it: 建安大道88号, 府前路/解放街路口, 7栋."""
    kind, _, rest = key.partition(":")
    if kind == "N":
        road, _, number = rest.partition(":")
        return f"{road}{number}号"
    if kind == "J":
        return rest.replace("+", "/") + "路口"
    return rest + {"B": "栋", "U": "单元", "G": "组", "H": "室", "Q": "期"}.get(kind, "")


def related_key(first: int, second: int) -> frozenset[int]:
    return frozenset((first, second))


@cache
def related_codes(path: Path = RELATED_FILE) -> tuple[tuple[str, str], ...]:
    """The configured pairs of related categories (or groups), by code."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return tuple((first, second) for first, second in document["related"])


def related_ids(id_of: dict[str, int]) -> frozenset[frozenset[int]]:
    """The related pairs as ids (`id_of`: code -> id); codes not in the taxonomy are left out."""
    return frozenset(
        related_key(id_of[first], id_of[second])
        for first, second in related_codes()
        if first in id_of and second in id_of
    )


def category_relation(
    new_category: int | None,
    new_group: int | None,
    old_category: int | None,
    old_group: int | None,
    related: frozenset[frozenset[int]],
) -> str:
    """How an earlier report's category (and its group) relates to a new one's: same, same
    group, related, unknown (either has none) or different: another kind of problem."""
    if new_category is None or old_category is None:
        return "unknown"
    if new_category == old_category:
        return "same"
    if new_group is not None and new_group == old_group:
        return "same group"
    for one in (new_category, new_group):
        for other in (old_category, old_group):
            if one is not None and other is not None and related_key(one, other) in related:
                return "related"
    return "different"  # another kind of problem


def _concepts(keys: KeySet) -> frozenset[str]:
    return keys.concepts


def _words(keys: KeySet) -> frozenset[str]:
    return keys.words


class Scorer:
    """Scores earlier reports against one new report; what depends on the new one alone
    (its text's pairs, its keys) is worked out once, not once per earlier report.

    `at_least`: `score` answers None for a report that cannot reach this score. A search
    keeps only what it would flag, and most of a neighbourhood is of no interest to it, so
    what it costs to find out is spent in steps, each only on the reports the step before
    left in: when and the categories (before the distance is worked out, as if the two were
    as near as can be), then where (a few numbers), then the stored words (sets to
    intersect), then whether the two name any place in common at all (a set test), then the
    places (read kind by kind and compared), then the texts (the costliest). Each step asks
    whether the report could still reach `at_least` were everything not yet known at its
    best, so what it leaves out never changes what is flagged.

    The steps add up the logit of what is known so far, term by term, and compare it with
    the lowest logit that scores `at_least` (`_Bounds.threshold`): a search runs them for
    every row it reads, the score's own sum only for the few that pass them all."""

    def __init__(
        self,
        new: Report,
        *,
        radius_m: float,
        window: timedelta,
        related: frozenset[frozenset[int]] = frozenset(),
        model: Model | None = None,
        at_least: float = 0.0,
    ) -> None:
        self._new = new
        self._pairs = pairs(new.text)
        self._keys = keys_of(new.keys)
        self._concepts = _concepts(self._keys)
        self._words = _words(self._keys)
        self._radius_m = radius_m
        self._window = window
        self._related = related
        self._model = model = model or load_model()
        self._at_least = at_least
        self._bounds = _bounds_of(model, at_least)
        self._new_has_point = new.lat is not None and new.lon is not None
        # A compound of its own is what lets two reports share a place without a key in
        # common (a community named after it: see places.compare).
        self._names_compound = _names_a_compound(self._keys.places)

    def score(self, old: Report) -> Match | None:
        """The score (0 to 1) that the new report is `old`'s problem again, or None when
        it cannot be (or cannot reach `at_least`)."""
        found = self._weighed(old)
        if found is None:
            return None
        features, found_match = found
        score = round(self._model.probability(features), 3)
        return Match(score, *found_match) if score >= self._at_least else None

    def evidence(self, old: Report) -> tuple[tuple[float, ...], Match] | None:
        """What `score` weighs (in the order of FEATURES), and the match without its score;
        None when the pair cannot be one problem. The fitting tool reads it too."""
        found = self._weighed(old)
        return None if found is None else (found[0], Match(0.0, *found[1]))

    def _weighed(self, old: Report) -> tuple[tuple[float, ...], _Unscored] | None:
        # Match's fields after its score: a search makes one Match per candidate, not two.
        new, radius_m, window, bounds = self._new, self._radius_m, self._window, self._bounds
        apart = abs(new.created_at - old.created_at)
        if apart > window:
            return None
        same_caller = new.phone is not None and new.phone == old.phone
        category = category_relation(
            new.category_id, new.group_id, old.category_id, old.group_id, self._related
        )
        if category == "different" and not same_caller:
            return None
        has_points = self._new_has_point and old.lat is not None and old.lon is not None
        time_apart = apart / window
        # The logit of what is known so far (see the class's docstring).
        known = (
            bounds.prior[category, has_points]
            + bounds.time_apart * time_apart
            + bounds.same_caller * same_caller
        )
        threshold = bounds.threshold
        distance: float | None = None
        near = apart_m = 0.0
        located = False
        if has_points:
            if known + bounds.point + bounds.keys < threshold:
                return None
            distance = metres_between(new.lat, new.lon, old.lat, old.lon)  # type: ignore[arg-type]
            # A point found from an address is as far off as its place reaches.
            slack = (new.uncertainty_m or 0.0) + (old.uncertainty_m or 0.0)
            apart_m = max(0.0, distance - slack)
            near = max(0.0, 1 - apart_m / radius_m)
            # Beyond the reach even of two reports that name one address.
            if apart_m > SAME_PLACE_REACH * radius_m and not same_caller:
                return None
            located = bool(new.uncertainty_m or old.uncertainty_m)
            known += bounds.near * near + bounds.located * located
        if known + bounds.keys < threshold:
            return None
        old_keys = keys_of(old.keys)
        # The words first (sets to intersect), then, for what they leave in, the places
        # (read kind by kind and compared).
        old_concepts = _concepts(old_keys)
        shared_concepts = self._concepts & old_concepts
        old_words = _words(old_keys)
        words_shared = (
            len(self._words & old_words) / min(len(self._words), len(old_words))
            if self._words and old_words
            else 0.0
        )
        concepts_shared = (
            len(shared_concepts) / min(len(self._concepts), len(old_concepts))
            if self._concepts and old_concepts
            else 0.0
        )
        concepts_apart = bool(self._concepts and old_concepts and not shared_concepts)
        known += (
            bounds.words_shared * words_shared
            + bounds.concepts_shared * concepts_shared
            + bounds.concepts_apart * concepts_apart
            + bounds.caller_other_words * same_caller  # times 1 - text, in the score
        )
        # At its best, the text lifts the logit by its weight less what "the same caller in
        # other words" no longer adds.
        with_best_text = known + max(bounds.text - bounds.caller_other_words * same_caller, 0.0)
        if with_best_text + bounds.places < threshold:
            return None
        # Without a place key in common (nor a compound either may name short), neither
        # the same place nor the same area can lift the score: what is left of the places'
        # headroom is what speaks against, at its best not at all.
        no_point_near = distance is None or near == 0.0
        if (
            with_best_text + bounds.without_common_place + bounds.no_common_place * no_point_near
            < threshold
            and not self._may_share_place(old_keys)
        ):
            return None
        places = compare(self._keys, old_keys)
        # Two reports that name one address, or one compound, village or landmark, may
        # still be twice the radius apart: a QR poster's community office, an agent's point
        # at the road's middle, the two ends of a village. (A road alone is too long.)
        one_place = places.same or any(key[0] in "CL" for key in places.area)
        beyond = apart_m > (SAME_PLACE_REACH if one_place else 1) * radius_m
        if distance is not None and beyond and not same_caller:
            return None
        # Nothing ties the two to one place: no point near, no name in common.
        no_common_place = no_point_near and not places.same and not places.area
        place_evidence = (
            float(no_common_place),
            float(bool(places.same)),
            float(bool(places.different)),
            float(bool(places.area)),
            float(places.other_area),
            float(places.other_part),
        )
        if (
            with_best_text + sum(map(operator.mul, bounds.place_weights, place_evidence))
            < threshold
        ):
            return None
        text = overlap(self._pairs, pairs(old.text))
        no_common, same_place, different_place, same_area, other_area, other_part = place_evidence
        # In FEATURES' order, and summed in it: the score is the model's, to the last bit.
        features = (
            float(category == "same"),
            float(category == "same group"),
            float(category == "related"),
            float(category == "unknown"),
            near,
            float(distance is None),
            float(located),
            no_common,
            text,
            words_shared,
            concepts_shared,
            float(concepts_apart),
            same_place,
            different_place,
            same_area,
            other_area,
            other_part,
            time_apart,
            float(same_caller),
            float(same_caller) * (1 - text),
        )
        return features, (
            category,
            text,
            apart,
            same_caller,
            distance,
            radius_m if distance is not None else None,
            places,
            tuple(sorted(shared_concepts)),
        )

    def reach_back(self, category: str) -> timedelta:
        """How long apart a report with a point, from another caller, whose category
        relates to the new one's as `category` (see category_relation), may be and still
        reach `at_least`: the window, or less when time apart alone rules out older ones.
        The search reads no older rows of such categories."""
        bounds = self._bounds
        best = (
            bounds.prior[category, True] + bounds.point + bounds.keys + max(bounds.same_caller, 0.0)
        )
        if bounds.time_apart >= 0 or best + bounds.time_apart >= bounds.threshold:
            return self._window
        # best + time_apart * (apart / window) reaches the threshold up to this share.
        share = max((best - bounds.threshold) / -bounds.time_apart, 0.0)
        return self._window * share + _REACH_SLACK

    def _may_share_place(self, old_keys: KeySet) -> bool:
        """Whether `compare` could find a place or an area both reports name."""
        new_places = self._keys.places
        if not new_places or not old_keys.places:
            return False
        if not new_places.isdisjoint(old_keys.places):
            return True
        return self._names_compound and _names_a_compound(old_keys.places)


def _names_a_compound(places: frozenset[str]) -> bool:
    return any(key[0] == "C" for key in places)  # a compound's key: "C:" and its name


# The bounds are sums in another order than the score's: a hair of slack keeps a pair the
# rounding alone would drop.
_SLACK = 1e-9
# And a millisecond for the time apart that `Scorer.reach_back` works out backwards.
_REACH_SLACK = timedelta(milliseconds=1)


def lowest_logit_scoring(at_least: float) -> float:
    """The lowest logit whose score (its probability, rounded to 3 places) is at least
    `at_least`, less a hair: -inf when every score is, inf when none is."""

    def scores(logit: float) -> bool:
        return round(_sigmoid(logit), 3) >= at_least

    low, high = -50.0, 50.0
    if scores(low):
        return -math.inf
    if not scores(high):
        return math.inf
    for _ in range(200):  # halving 100 wide: far past a float's precision
        middle = (low + high) / 2
        if middle in (low, high):
            break
        low, high = (low, middle) if scores(middle) else (middle, high)
    return low - _SLACK


class _Bounds(NamedTuple):
    """The weights `Scorer._weighed` adds term by term, the most each step still to come
    can add (for its early exits), and the logit to reach."""

    threshold: float  # the lowest logit that scores `at_least`
    # The intercept, the category's weight and, for a pair without both points, no_point's.
    prior: dict[tuple[str, bool], float]
    time_apart: float
    same_caller: float
    near: float
    located: float
    point: float  # nearness and a located point, at their best
    keys: float  # places, words and text, each at its best
    words_shared: float
    concepts_shared: float
    concepts_apart: float
    caller_other_words: float
    text: float
    places: float  # the places at their best
    without_common_place: float  # the places at their best with none in common
    no_common_place: float
    place_weights: tuple[float, ...]  # in _FROM_PLACES' order


def _best(model: Model, features: Sequence[int]) -> float:
    return sum(max(model.weights[i], 0.0) for i in features)


@cache
def _bounds_of(model: Model, at_least: float) -> _Bounds:
    weights = model.weights

    def weight(name: str) -> float:
        return weights[FEATURES.index(name)]

    categories = {
        "same": "category_same",
        "same group": "category_group",
        "related": "category_related",
        "unknown": "category_unknown",
        "different": None,
    }
    prior = {
        (category, has_points): model.intercept
        + (weight(name) if name else 0.0)
        + (0.0 if has_points else weight("no_point"))
        for category, name in categories.items()
        for has_points in (True, False)
    }
    places_against = (_PLACE_DIFFERENT, _AREA_OTHER, _PART_OTHER)
    return _Bounds(
        threshold=lowest_logit_scoring(at_least) if at_least else -math.inf,
        prior=prior,
        time_apart=weight("time_apart"),
        same_caller=weight("same_caller"),
        near=weight("near"),
        located=weight("located_from_address"),
        point=_best(model, (FEATURES.index("near"), FEATURES.index("located_from_address"))),
        keys=_best(model, _FROM_KEYS_AND_TEXT),
        words_shared=weights[_WORDS_SHARED],
        concepts_shared=weights[_CONCEPTS_SHARED],
        concepts_apart=weights[_CONCEPTS_APART],
        caller_other_words=weights[_CALLER_OTHER_WORDS],
        text=weights[_TEXT],
        places=_best(model, _FROM_PLACES),
        without_common_place=_best(model, places_against),
        no_common_place=weights[_NO_COMMON_PLACE],
        place_weights=tuple(weights[i] for i in _FROM_PLACES),
    )


def match(
    new: Report,
    old: Report,
    *,
    radius_m: float,
    window: timedelta,
    related: frozenset[frozenset[int]] = frozenset(),
    model: Model | None = None,
) -> Match | None:
    """The score (0 to 1) that `new` reports `old`'s problem again, or None when it
    cannot."""
    return Scorer(new, radius_m=radius_m, window=window, related=related, model=model).score(old)
