"""Articles as a viewer reads them: codes and names of their units and category, whether
the viewer keeps them, and the calls they answered; a few queries for a whole page."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.identity.principal import StaffPrincipal
from app.kb import service
from app.kb.models import KbArticle
from app.kb.schemas import ArticleRead, UnitRef
from app.units.models import Department, Grid


def article_reads(
    session: Session, articles: Sequence[KbArticle], viewer: StaffPrincipal, today: date
) -> list[ArticleRead]:
    if not articles:
        return []
    ids = [article.id for article in articles]
    editable = service.editable_ids(session, viewer, ids)
    citations = service.citation_counts(session, ids)
    categories = _named(session, Category, {a.category_id for a in articles})
    departments = _named(session, Department, {a.owner_department_id for a in articles})
    grids = _named(session, Grid, {a.owner_grid_id for a in articles})
    reads = []
    for article in articles:
        category = categories.get(article.category_id) if article.category_id else None
        department = departments.get(article.owner_department_id or 0)
        grid = grids.get(article.owner_grid_id or 0)
        reads.append(
            ArticleRead(
                id=article.id,
                question=article.question,
                answer=article.answer,
                category_code=category.code if category else None,
                category_name=category.name if category else None,
                keywords=service.keywords_of(article),
                owner_department=department,
                owner_grid=grid,
                valid_from=article.valid_from,
                valid_to=article.valid_to,
                review_date=article.review_date,
                in_force=service.is_in_force(article, today),
                due_for_review=service.is_due_for_review(article, today),
                may_edit=article.id in editable,
                citations=citations.get(article.id, 0),
                retired=article.retired_at is not None,
            )
        )
    return reads


def _named(
    session: Session, model: type[Category] | type[Department] | type[Grid], ids: set[int | None]
) -> dict[int, UnitRef]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = session.execute(select(model.id, model.code, model.name).where(model.id.in_(wanted)))
    return {row_id: UnitRef(code=code, name=name) for row_id, code, name in rows}
