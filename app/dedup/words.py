"""Words: the segmenter that cuts a report into words, and problem words, the concepts a
report names however it words them ("路灯坏了", "灯不亮", "黑灯瞎火" all name a dark street
lamp). The words are data (`data/synonyms.json`), kept by the people who read the reports,
not code."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import rjieba

from app.dedup.places import Gazetteer

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"


@dataclass(frozen=True)
class Vocabulary:
    concept_of: dict[str, tuple[str, ...]]  # word -> the concepts it names
    pattern: re.Pattern[str]
    common: frozenset[str]  # words every report uses, whatever its problem

    def concepts(self, text: str) -> frozenset[str]:
        """The concepts `text` names."""
        return frozenset(
            concept for found in self.pattern.findall(text) for concept in self.concept_of[found]
        )

    @property
    def words(self) -> list[str]:
        return list(self.concept_of)


@cache
def load_vocabulary(path: Path = SYNONYMS_FILE) -> Vocabulary:
    """The concepts of `path`: `{"concepts": {concept: [word, ...]}}`. A word listed
    under two concepts names both (发霉: spoilt food, or a damp flat)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    concept_of: dict[str, tuple[str, ...]] = {}
    for concept, words in document["concepts"].items():
        for word in (concept, *words):
            named = concept_of.setdefault(word, ())
            if concept not in named:
                concept_of[word] = (*named, concept)
    # Longest words first: "黑灯瞎火" is read whole, not as "黑灯".
    pattern = re.compile("|".join(map(re.escape, sorted(concept_of, key=len, reverse=True))))
    return Vocabulary(concept_of, pattern, frozenset(document["common_words"]))


_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


class Segmenter:
    """Chinese text cut into words by rjieba (the Rust port of jieba), with the gazetteer's
    names, the category names and the problem words as its user dictionary, so a name is
    one word and never runs into the words around it."""

    def __init__(self, user_words: Iterable[str], common: frozenset[str]) -> None:
        self._common = common
        self._jieba = rjieba.Jieba()
        for word in user_words:
            self._jieba.add_word(word, None, None)

    def words(self, text: str) -> frozenset[str]:
        """The content words of `text`: two characters or more, not the words every
        report uses."""
        return frozenset(
            word
            for word in self._jieba.cut(text, False)
            if _WORD.match(word) and word not in self._common
        )

    def search_words(self, text: str) -> list[str]:
        """The content words of `text` as a search engine indexes them: a long word also
        yields the shorter words within it ("社会保险": "社会", "保险", "社会保险"), so a
        question that says it shorter still meets it."""
        return [
            word
            for word in self._jieba.cut_for_search(text, False)
            if _WORD.match(word) and word not in self._common
        ]


def user_words(gazetteer: Gazetteer, category_names: Iterable[str]) -> tuple[str, ...]:
    """The segmenter's user dictionary for a gazetteer and a taxonomy."""
    return (*sorted(gazetteer.by_name), *category_names)


@lru_cache(maxsize=4)
def segmenter_for(names: tuple[str, ...]) -> Segmenter:
    """The segmenter whose user dictionary holds `names` (the gazetteer's and the
    categories') and the problem words."""
    vocabulary = load_vocabulary()
    return Segmenter((*names, *vocabulary.words), vocabulary.common)
