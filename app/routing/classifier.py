"""Keyword rules that sort a complaint text into the category taxonomy.

Pure code: no database, no web framework. Rules are plain values, so they can come from
`app.routing.default_keywords` or from rows that administrators edit; building a classifier
from a few hundred rules takes a few milliseconds, so rebuild one whenever the rules change.

How a text is scored
--------------------
1. Normalise: NFKC (full-width latin, digits and punctuation become half-width), drop every
   whitespace and zero-width character, lower-case. Keywords are normalised the same way.
2. Find every occurrence of every keyword and exclusion term in one left-to-right pass over the
   text (an index from a term's first two characters to the terms).
3. Ignore what the caller denies: occurrences between "不是" (or "并非") and a later "而是"
   ("不是路灯的问题，而是井盖丢了" counts only the 井盖). No other negation is understood.
4. An occurrence lying inside a longer keyword occurrence does not count: "红绿灯" hides its
   "绿灯", "建筑垃圾" hides its "垃圾", so a specific phrase is never also read as a vaguer one.
5. A rule one of whose exclusion terms occurs is switched off for this text.
6. A category's score is the sum, over the distinct keywords hit, of
   `weight × length factor`; the length factor is 0.5 for one character, 1.0 for two,
   1.25 for three and 1.5 for four or more, because a longer phrase is less likely to be a
   coincidence. A keyword repeated in the text counts once; a keyword named by several rules
   of one category counts once, at its highest weight.
7. With s1 the winner's score and s2 the runner-up's (0 when alone):

       confidence = s1 / (s1 + s2) × (1 − exp(−s1 / 0.8))

   The first factor is the margin (1 when alone, 0.5 for a tie, so a tie never reaches the
   usual 0.6 threshold), the second a saturation on the evidence: one plain two-character
   keyword alone gives 0.71, one single character 0.46, two plain keywords 0.92.
   Ties between scores go to the category with more keywords hit, then to the lower code.

Example, with a rough timing (for a real measurement, see `bench/`):

>>> from app.routing.default_keywords import DEFAULT_KEYWORD_RULES
>>> classifier = KeywordClassifier(DEFAULT_KEYWORD_RULES)
>>> result = classifier.classify("滨江路的路灯坏了一个星期，晚上黑乎乎的")
>>> result.category_code, result.matched
('0101', ('路灯坏', '黑乎乎'))
>>> classifier.classify("你好，请问一下").category_code is None
True
>>> import timeit
>>> seconds_per_text = timeit.timeit(lambda: classifier.classify("路灯不亮" * 50), number=200) / 200
"""

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# One plain two-character keyword alone gives 1 - exp(-1 / 0.8) = 0.71.
DEFAULT_SCORE_SCALE = 0.8
_DENIAL_OPENERS = ("不是", "并非")
_DENIAL_CLOSER = "而是"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class KeywordRule:
    """Any of `keywords` in a text points to `category_code`, unless one of `excluded` occurs."""

    category_code: str
    keywords: tuple[str, ...]
    weight: float = 1.0
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    """The best category for a text, how sure the rules are, and why."""

    category_code: str | None
    confidence: float
    matched: tuple[str, ...]
    runner_up: str | None


NO_MATCH = Classification(category_code=None, confidence=0.0, matched=(), runner_up=None)


def normalize_text(text: str) -> str:
    """The form both texts and keywords are compared in (see the module docstring, step 1)."""
    folded = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return "".join(folded.split()).lower()


def length_factor(term: str) -> float:
    """How much more a longer (normalised) keyword counts than a two-character one."""
    if len(term) <= 1:
        return 0.5
    return min(1.0 + 0.25 * (len(term) - 2), 1.5)


@dataclass(frozen=True, slots=True)
class _Use:
    """One rule's use of a normalised keyword."""

    rule_index: int
    category_code: str
    score: float  # weight x length factor
    keyword: str  # as the rule spells it, for the explanation


class KeywordClassifier:
    """Classifies texts by keyword rules; immutable and safe to share between threads."""

    def __init__(
        self, rules: Sequence[KeywordRule], *, score_scale: float = DEFAULT_SCORE_SCALE
    ) -> None:
        """Compile `rules` once; raises ValueError on a rule that could never work.

        A rule needs a category code, at least one keyword, a finite positive weight, and no
        keyword or exclusion term that normalises to nothing.
        """
        if not score_scale > 0:
            raise ValueError("score_scale must be positive")
        self._score_scale = score_scale
        self._rules = tuple(rules)
        uses: dict[str, list[_Use]] = {}
        excluding: dict[str, set[int]] = {}
        for index, rule in enumerate(self._rules):
            _check_rule(rule)
            seen: set[str] = set()
            for keyword in rule.keywords:
                term = _normalized_term(keyword, rule)
                if term not in seen:
                    seen.add(term)
                    score = rule.weight * length_factor(term)
                    uses.setdefault(term, []).append(
                        _Use(index, rule.category_code, score, keyword)
                    )
            for word in rule.excluded:
                excluding.setdefault(_normalized_term(word, rule), set()).add(index)
        self._uses = {term: tuple(found) for term, found in uses.items()}
        self._excluding = {term: frozenset(found) for term, found in excluding.items()}
        # Terms are found through their first two characters (one-character terms on their
        # own): in Chinese text few positions start any term, and fewer still start many.
        by_prefix: dict[str, list[str]] = {}
        for term in self._uses.keys() | self._excluding.keys():
            by_prefix.setdefault(term[:2], []).append(term)
        self._terms_by_prefix = {
            prefix: tuple(sorted(terms, key=lambda term: (-len(term), term)))
            for prefix, terms in by_prefix.items()
        }
        self._first_chars = frozenset(prefix[0] for prefix in by_prefix)
        self._single_chars = frozenset(prefix for prefix in by_prefix if len(prefix) == 1)

    @property
    def rules(self) -> tuple[KeywordRule, ...]:
        """The rules this classifier was built from, in their order."""
        return self._rules

    def classify(self, text: str) -> Classification:
        """The best category for `text`, or NO_MATCH (None, confidence 0) if no rule fires."""
        normalized = normalize_text(text)
        hits = _outside_denials(normalized, self._find(normalized))
        excluded_rules: set[int] = set()
        for _, _, term in hits:
            excluded_rules.update(self._excluding.get(term, ()))
        keyword_hits = _outermost([hit for hit in hits if hit[2] in self._uses])

        # category -> normalised term -> (score, keyword as spelt); dicts keep text order.
        evidence: dict[str, dict[str, tuple[float, str]]] = {}
        for _, _, term in keyword_hits:
            for use in self._uses[term]:
                if use.rule_index in excluded_rules:
                    continue
                terms = evidence.setdefault(use.category_code, {})
                previous = terms.get(term)
                if previous is None or use.score > previous[0]:
                    terms[term] = (use.score, use.keyword)
        if not evidence:
            return NO_MATCH

        ranked = sorted(
            (
                (sum(score for score, _ in terms.values()), len(terms), code)
                for code, terms in evidence.items()
            ),
            key=lambda entry: (-entry[0], -entry[1], entry[2]),
        )
        best_score, _, best_code = ranked[0]
        runner_up: str | None = None
        runner_up_score = 0.0
        if len(ranked) > 1:
            runner_up_score, _, runner_up = ranked[1]
        margin = best_score / (best_score + runner_up_score)
        saturation = 1.0 - math.exp(-best_score / self._score_scale)
        return Classification(
            category_code=best_code,
            confidence=round(margin * saturation, 4),
            matched=tuple(keyword for _, keyword in evidence[best_code].values()),
            runner_up=runner_up,
        )

    def _find(self, text: str) -> list[tuple[int, int, str]]:
        """Every (start, end, term) occurrence of a keyword or exclusion term, by start."""
        found: list[tuple[int, int, str]] = []
        first_chars, single_chars = self._first_chars, self._single_chars
        terms_by_prefix = self._terms_by_prefix
        for start, char in enumerate(text):
            if char not in first_chars:
                continue
            for term in terms_by_prefix.get(text[start : start + 2], ()):
                if len(term) == 2 or text.startswith(term, start):
                    found.append((start, start + len(term), term))
            if char in single_chars:
                found.append((start, start + 1, char))
        return found


def _check_rule(rule: KeywordRule) -> None:
    if not rule.category_code:
        raise ValueError(f"rule without a category code: {rule!r}")
    if not rule.keywords:
        raise ValueError(f"rule for {rule.category_code} has no keywords")
    if not (math.isfinite(rule.weight) and rule.weight > 0):
        raise ValueError(f"rule for {rule.category_code} has weight {rule.weight}, not > 0")


def _normalized_term(word: str, rule: KeywordRule) -> str:
    term = normalize_text(word)
    if not term:
        raise ValueError(f"rule for {rule.category_code} has an empty keyword or exclusion")
    return term


def _outside_denials(text: str, hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The hits that do not start between a "不是"/"并非" and the next "而是" after it."""
    if _DENIAL_CLOSER not in text:
        return hits
    spans: list[tuple[int, int]] = []
    for opener in _DENIAL_OPENERS:
        start = text.find(opener)
        while start >= 0:
            end = text.find(_DENIAL_CLOSER, start + len(opener))
            if end < 0:
                break
            spans.append((start, end))
            start = text.find(opener, end)
    if not spans:
        return hits
    return [hit for hit in hits if not any(start <= hit[0] < end for start, end in spans)]


def _outermost(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop each hit that lies inside a longer one (hits come sorted by start)."""
    ordered = sorted(hits, key=lambda hit: (hit[0], -hit[1]))
    kept: list[tuple[int, int, str]] = []
    reach = -1
    for hit in ordered:
        if hit[1] <= reach:
            continue
        kept.append(hit)
        reach = hit[1]
    return kept
