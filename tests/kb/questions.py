"""Callers' questions, each labelled with the demo article that answers it, split once and
for all before any tuning: `data/questions_tuning.jsonl` tunes (the analyzer's weights,
BM25's constants, the concepts), `data/questions_held_out.jsonl` only measures. Both were
written as callers say things on the phone, not as the articles' own questions."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.kb import search as kb_search
from app.kb.service import ArticleFilters

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Question:
    text: str
    article: str  # the key of the demo article that answers it


def _load(name: str) -> tuple[Question, ...]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return tuple(Question(entry["q"], entry["article"]) for entry in map(json.loads, lines))


TUNING = _load("questions_tuning.jsonl")
HELD_OUT = _load("questions_held_out.jsonl")


@dataclass(frozen=True)
class Quality:
    questions: int
    hit_at_1: float
    hit_at_3: float
    misses: tuple[tuple[Question, tuple[int, ...]], ...]  # missed at 3, with what was found


def measure(
    session: Session, questions: Sequence[Question], ids: dict[str, int], today: date
) -> Quality:
    """Each question searched as an agent would (articles in force), against its label."""
    first = third = 0
    misses = []
    for question in questions:
        hits = kb_search.search(
            session, question.text, today, ArticleFilters(in_force=True), limit=3
        )
        found = tuple(hit.article.id for hit in hits)
        first += found[:1] == (ids[question.article],)
        if ids[question.article] in found:
            third += 1
        else:
            misses.append((question, found))
    return Quality(len(questions), first / len(questions), third / len(questions), tuple(misses))
