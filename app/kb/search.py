"""Finding the article that answers a question: BM25 over the stored terms, in SQL.

The index is a table (`kb_article_term`, one row per article and term, looked up by term),
written in the article's own transaction; a search reads the postings of the question's
terms only, so it costs what those terms' articles cost, not the size of the base, and
every process sees every committed change at once."""

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.kb.models import KbArticle, KbArticleTerm
from app.kb.service import ArticleFilters, scope_conditions
from app.kb.text import analyzer

# BM25's saturation and length normalisation, chosen on the tuning questions.
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Hit:
    article: KbArticle
    score: float


def search(
    session: Session, text: str, today: date, filters: ArticleFilters, *, limit: int
) -> list[Hit]:
    """The `limit` articles among `filters` that best answer `text`, best first; an article
    with no word of the question is never a hit."""
    terms = analyzer().terms(text)
    if not terms:
        return []
    conditions = scope_conditions(filters, today)
    articles, average_length = session.execute(
        select(func.count(), func.avg(KbArticle.terms_weight)).where(*conditions)
    ).one()
    if not articles:
        return []
    postings = session.execute(
        select(
            KbArticleTerm.article_id,
            KbArticleTerm.term,
            KbArticleTerm.weight,
            KbArticle.terms_weight,
        )
        .join(KbArticle, KbArticle.id == KbArticleTerm.article_id)
        .where(KbArticleTerm.term.in_(sorted(terms)), *conditions)
    ).all()
    frequency = Counter(term for _, term, _, _ in postings)
    scores: dict[int, float] = defaultdict(float)
    average = float(average_length) or 1.0
    for article_id, term, weight, length in postings:
        found_in = frequency[term]
        idf = math.log(1 + (articles - found_in + 0.5) / (found_in + 0.5))
        norm = K1 * (1 - B + B * length / average)
        scores[article_id] += idf * weight * (K1 + 1) / (weight + norm)
    best = heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], -item[0]))
    found = {
        article.id: article
        for article in session.scalars(
            select(KbArticle).where(KbArticle.id.in_([article_id for article_id, _ in best]))
        )
    }
    return [Hit(found[article_id], score) for article_id, score in best]
