"""Finding the article that answers a question: BM25 over the stored terms, in SQL.

The index is a table (`kb_article_term`, one row per article and term, looked up by term),
written in the article's own transaction, so every process sees every committed change at
once and holds nothing to refresh. A search is three statements: the size of the base, how
many articles hold each of the question's terms (counted in the index alone), and the
scores, summed by the database over the postings of those terms only, which answers just
the best rows; so it costs what those terms' postings cost, not the size of the base."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.kb.models import KbArticle, KbArticleTerm
from app.kb.service import ArticleFilters, scope_conditions
from app.kb.text import analyzer

# BM25's saturation and length normalisation, the textbook values (the tuning questions
# scored alike from K1 0.8 to 2.0 and B 0.3 to 0.75).
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
    with no word of the question is never a hit. Rarity is judged over every article not
    withdrawn, whatever the filters."""
    terms = sorted(analyzer().terms(text))
    if not terms:
        return []
    articles, average_length = session.execute(
        select(func.count(), func.avg(KbArticle.terms_weight)).where(KbArticle.retired_at.is_(None))
    ).one()
    holding = dict(
        session.execute(
            select(KbArticleTerm.term, func.count())
            .where(KbArticleTerm.term.in_(terms))
            .group_by(KbArticleTerm.term)
        ).all()
    )
    if not holding:
        return []
    idf = {
        term: math.log(1 + (articles - found_in + 0.5) / (found_in + 0.5))
        for term, found_in in holding.items()
    }
    # The postings first, materialised: neither planner may walk the articles instead and
    # probe the terms' index once per article (each did, on its own statistics).
    posting = (
        select(KbArticleTerm.article_id, KbArticleTerm.term, KbArticleTerm.weight)
        .where(KbArticleTerm.term.in_(sorted(idf)))
        .cte("posting")
        .prefix_with("MATERIALIZED")
    )
    length_norm = K1 * (1 - B + B * KbArticle.terms_weight / (float(average_length) or 1.0))
    weight = posting.c.weight
    score = func.sum(
        case(idf, value=posting.c.term, else_=0.0) * weight * (K1 + 1) / (weight + length_norm)
    ).label("score")
    best = session.execute(
        select(posting.c.article_id, score)
        .select_from(posting)
        .join(KbArticle, KbArticle.id == posting.c.article_id)
        .where(*scope_conditions(filters, today))
        .group_by(posting.c.article_id)
        .order_by(score.desc(), posting.c.article_id)
        .limit(limit)
    ).all()
    found = {
        article.id: article
        for article in session.scalars(
            select(KbArticle).where(KbArticle.id.in_([article_id for article_id, _ in best]))
        )
    }
    return [Hit(found[article_id], float(points)) for article_id, points in best]
