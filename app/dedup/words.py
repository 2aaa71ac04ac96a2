"""Problem words: the concepts a report names, however it words them ("路灯坏了", "灯不亮",
"黑灯瞎火" all name a dark street lamp). The words are data (`data/synonyms.json`), kept
by the people who read the reports, not code."""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"


@dataclass(frozen=True)
class Vocabulary:
    concept_of: dict[str, str]  # word -> concept
    pattern: re.Pattern[str]

    def concepts(self, text: str) -> frozenset[str]:
        """The concepts `text` names."""
        return frozenset(self.concept_of[found] for found in self.pattern.findall(text))

    @property
    def words(self) -> list[str]:
        return list(self.concept_of)


@cache
def load_vocabulary(path: Path = SYNONYMS_FILE) -> Vocabulary:
    """The concepts of `path`: `{"concepts": {concept: [word, ...]}}`."""
    document = json.loads(path.read_text(encoding="utf-8"))
    concept_of: dict[str, str] = {}
    for concept, words in document["concepts"].items():
        for word in (concept, *words):
            concept_of.setdefault(word, concept)
    # Longest words first: "黑灯瞎火" is read whole, not as "黑灯".
    pattern = re.compile("|".join(map(re.escape, sorted(concept_of, key=len, reverse=True))))
    return Vocabulary(concept_of, pattern)
