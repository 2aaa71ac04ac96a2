"""The words an article is found by: the shared segmenter (app/dedup/words.py, rjieba) with
the knowledge base's own concepts (`data/synonyms.json`: "户口", "户籍" and "落户" are one
concept), weighted by the field they come from."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.dedup.words import Segmenter, Vocabulary, load_vocabulary, segmenter_for

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"
CONCEPT_PREFIX = "K:"
MAX_TERM_LENGTH = 64

# A word of the question or the keywords says more about what an article answers than a
# word of its answer, which also explains the neighbouring cases.
QUESTION_WEIGHT = 3.0
KEYWORD_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.5
ANSWER_WEIGHT = 1.0


@dataclass(frozen=True)
class Analyzer:
    vocabulary: Vocabulary
    segmenter: Segmenter

    def terms(self, text: str) -> set[str]:
        """The words of `text` and the concepts it names."""
        found = set(self.segmenter.search_words(text))
        found.update(CONCEPT_PREFIX + concept for concept in self.vocabulary.concepts(text))
        return {term[:MAX_TERM_LENGTH] for term in found}

    def weighted_terms(self, fields: Iterable[tuple[str, float]]) -> dict[str, float]:
        """Each term with the sum of the weights of the fields that hold it."""
        weights: dict[str, float] = {}
        for text, weight in fields:
            for term in self.terms(text):
                weights[term] = weights.get(term, 0.0) + weight
        return weights


@cache
def analyzer() -> Analyzer:
    """The one analyzer: articles and questions must be cut alike, so its dictionary is data
    of the release (never the city's map, which changes under the stored terms)."""
    vocabulary = load_vocabulary(SYNONYMS_FILE)
    return Analyzer(vocabulary, segmenter_for(tuple(vocabulary.words)))


def article_terms(
    question: str, answer: str, keywords: Iterable[str], category_name: str | None
) -> dict[str, float]:
    """An article's search terms with their weights."""
    fields = [(question, QUESTION_WEIGHT), (answer, ANSWER_WEIGHT)]
    fields.append(("\n".join(keywords), KEYWORD_WEIGHT))
    if category_name:
        fields.append((category_name, CATEGORY_WEIGHT))
    return analyzer().weighted_terms(fields)
