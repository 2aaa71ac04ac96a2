"""Articles: who keeps which, writing them with their search terms, and the calls they
answered. Services flush, never commit."""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, false, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.categories.models import Category
from app.clock import utc_now
from app.errors import Forbidden, NotFound, Problems, UnknownReference
from app.identity.principal import StaffPrincipal
from app.identity.roles import Role
from app.kb.models import KbArticle, KbArticleTerm, KbCitation
from app.kb.schemas import ArticleCreate, ArticleUpdate
from app.kb.text import article_terms
from app.units.models import Department, Grid

# An article nobody set a review date for is checked again a year after it was written.
DEFAULT_REVIEW_AFTER = timedelta(days=365)
KEYWORD_SEPARATOR = "\n"
_ARTICLE_ID = re.compile(r"[1-9][0-9]{0,8}")


def local_today(timezone: str) -> date:
    """Today in the city: validity and review dates are the city's calendar dates."""
    return utc_now().astimezone(ZoneInfo(timezone)).date()


def in_force(today: date) -> ColumnElement[bool]:
    """Articles agents may answer from today: valid today and not withdrawn."""
    return (
        KbArticle.retired_at.is_(None)
        & (KbArticle.valid_from <= today)
        & or_(KbArticle.valid_to.is_(None), KbArticle.valid_to >= today)
    )


def is_in_force(article: KbArticle, today: date) -> bool:
    return (
        article.retired_at is None
        and article.valid_from <= today
        and (article.valid_to is None or article.valid_to >= today)
    )


def is_due_for_review(article: KbArticle, today: date) -> bool:
    """Its review date has come (and it has not been withdrawn)."""
    return article.retired_at is None and article.review_date <= today


def maintained_by(staff: StaffPrincipal) -> ColumnElement[bool] | None:
    """The articles `staff` keeps, as a WHERE clause (None: all of them, for an admin). A
    department's handlers keep its articles; a grid's handlers keep their grid's and those
    of the grids below it, as they see those grids' tickets (app/tickets/scoping.py). Other
    roles read only."""
    if staff.role is Role.ADMIN:
        return None
    if staff.role is not Role.UNIT_HANDLER:
        return false()
    if staff.department_id is not None:
        return KbArticle.owner_department_id == staff.department_id
    if staff.grid_path is not None:
        subtree = select(Grid.id).where(Grid.path.startswith(staff.grid_path))
        return KbArticle.owner_grid_id.in_(subtree)
    return false()


def editable_ids(session: Session, staff: StaffPrincipal, article_ids: Collection[int]) -> set[int]:
    """Which of `article_ids` `staff` may change."""
    scope = maintained_by(staff)
    query = select(KbArticle.id).where(KbArticle.id.in_(sorted(article_ids)))
    if scope is not None:
        query = query.where(scope)
    return set(session.scalars(query))


def require_article(session: Session, article_id: int) -> KbArticle:
    """The article, withdrawn or not, else a 404."""
    article = session.get(KbArticle, article_id)
    if article is None:
        raise NotFound(f"No article has id {article_id}.")
    return article


def _require_maintainer(session: Session, staff: StaffPrincipal, article: KbArticle) -> None:
    if not editable_ids(session, staff, [article.id]):
        raise Forbidden(
            "Only the unit that keeps this article (or the units above it) and admins may "
            "change it."
        )


@dataclass(frozen=True)
class _Owner:
    department_id: int | None
    grid_id: int | None


def _owner(
    session: Session,
    staff: StaffPrincipal,
    department_code: str | None,
    grid_code: str | None,
    problems: Problems,
) -> _Owner | None:
    """The owner the body names (or, when it names none, the caller's own unit), which the
    caller must keep; None once a problem is noted."""
    if department_code is None and grid_code is None:
        if staff.role is Role.UNIT_HANDLER and staff.department_id is not None:
            return _Owner(staff.department_id, None)
        if staff.role is Role.UNIT_HANDLER and staff.grid_id is not None:
            return _Owner(None, staff.grid_id)
        problems.add("owner_department", "Name the owner: owner_department or owner_grid.")
        return None
    if department_code is not None:
        department = session.scalars(
            select(Department).where(Department.code == department_code)
        ).one_or_none()
        if department is None or department.retired_at is not None:
            problems.add("owner_department", f"No active department has code {department_code!r}.")
            return None
        owner = _Owner(department.id, None)
        allowed = staff.role is Role.ADMIN or staff.department_id == department.id
    else:
        grid = session.scalars(select(Grid).where(Grid.code == grid_code)).one_or_none()
        if grid is None or grid.retired_at is not None:
            problems.add("owner_grid", f"No grid in force has code {grid_code!r}.")
            return None
        owner = _Owner(None, grid.id)
        allowed = staff.role is Role.ADMIN or (
            staff.role is Role.UNIT_HANDLER
            and staff.grid_path is not None
            and grid.path.startswith(staff.grid_path)
        )
    if not allowed:
        raise Forbidden("Articles may be given only to your own unit or the grids below it.")
    return owner


def _category(session: Session, code: str, problems: Problems) -> Category | None:
    category = session.scalars(select(Category).where(Category.code == code)).one_or_none()
    if category is None or category.retired_at is not None:
        problems.add("category_code", f"No category in use has code {code!r}.")
        return None
    return category


def _check_may_write(staff: StaffPrincipal) -> None:
    if staff.role not in (Role.ADMIN, Role.UNIT_HANDLER):
        raise Forbidden("Articles are kept by the units' handlers and admins; you may read them.")


def create_article(
    session: Session, staff: StaffPrincipal, body: ArticleCreate, today: date
) -> KbArticle:
    """A new article, searchable at once; 403 when the caller does not keep its owner, one
    422 naming every unknown code."""
    _check_may_write(staff)
    problems = Problems()
    owner = _owner(session, staff, body.owner_department, body.owner_grid, problems)
    category = _category(session, body.category_code, problems) if body.category_code else None
    problems.raise_any()
    assert owner is not None
    now = utc_now()
    valid_from = body.valid_from or today
    article = KbArticle(
        question=body.question,
        answer=body.answer,
        category_id=category.id if category else None,
        keywords=KEYWORD_SEPARATOR.join(body.keywords),
        owner_department_id=owner.department_id,
        owner_grid_id=owner.grid_id,
        valid_from=valid_from,
        valid_to=body.valid_to,
        review_date=body.review_date or today + DEFAULT_REVIEW_AFTER,
        created_at=now,
        updated_at=now,
    )
    session.add(article)
    session.flush()
    _index(session, article, category.name if category else None)
    return article


def update_article(
    session: Session, staff: StaffPrincipal, article: KbArticle, body: ArticleUpdate
) -> KbArticle:
    """The fields sent changed (the owner only to one the caller keeps too), re-indexed."""
    _check_may_write(staff)
    _require_maintainer(session, staff, article)
    sent = body.model_fields_set
    problems = Problems()
    if "owner_department" in sent or "owner_grid" in sent:
        owner = _owner(session, staff, body.owner_department, body.owner_grid, problems)
        if owner is not None:
            article.owner_department_id, article.owner_grid_id = owner.department_id, owner.grid_id
    if "category_code" in sent:
        category = _category(session, body.category_code, problems) if body.category_code else None
        article.category_id = category.id if category else None
    valid_from = body.valid_from if "valid_from" in sent else article.valid_from
    valid_to = body.valid_to if "valid_to" in sent else article.valid_to
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        problems.add("valid_to", "valid_to must not come before valid_from.")
    problems.raise_any()
    for field in ("question", "answer", "valid_from", "valid_to", "review_date"):
        if field in sent:
            setattr(article, field, getattr(body, field))
    if body.keywords is not None:
        article.keywords = KEYWORD_SEPARATOR.join(body.keywords)
    article.updated_at = utc_now()
    session.flush()
    if article.retired_at is None:
        _index(session, article, _category_name(session, article.category_id))
    return article


def retire_article(session: Session, staff: StaffPrincipal, article: KbArticle) -> KbArticle:
    """Withdrawn: no longer searched or citable; kept, with its citations."""
    _check_may_write(staff)
    _require_maintainer(session, staff, article)
    if article.retired_at is None:
        article.retired_at = article.updated_at = utc_now()
        session.execute(delete(KbArticleTerm).where(KbArticleTerm.article_id == article.id))
        article.terms_weight = 0.0
        session.flush()
    return article


def keywords_of(article: KbArticle) -> list[str]:
    return article.keywords.split(KEYWORD_SEPARATOR) if article.keywords else []


def _category_name(session: Session, category_id: int | None) -> str | None:
    if category_id is None:
        return None
    return session.scalar(select(Category.name).where(Category.id == category_id))


def _index(session: Session, article: KbArticle, category_name: str | None) -> None:
    """The article's terms replace its old ones, in the article's own transaction."""
    terms = article_terms(article.question, article.answer, keywords_of(article), category_name)
    session.execute(delete(KbArticleTerm).where(KbArticleTerm.article_id == article.id))
    if terms:
        session.execute(
            insert(KbArticleTerm),
            [{"article_id": article.id, "term": term, "weight": w} for term, w in terms.items()],
        )
    article.terms_weight = sum(terms.values())
    session.flush()


def reindex(session: Session) -> int:
    """Every article in use indexed again (after the word lists changed); how many."""
    names = {row.id: row.name for row in session.execute(select(Category.id, Category.name))}
    articles = session.scalars(select(KbArticle).where(KbArticle.retired_at.is_(None))).all()
    for article in articles:
        _index(session, article, names.get(article.category_id) if article.category_id else None)
    return len(articles)


@dataclass(frozen=True)
class ArticleFilters:
    category_ids: Sequence[int] | None = None
    owner_department_id: int | None = None
    owner_grid_id: int | None = None
    maintained_by: StaffPrincipal | None = None
    due_for_review: bool | None = None
    in_force: bool | None = None
    include_retired: bool = False


def category_ids(session: Session, code: str) -> list[int]:
    """The category and, for a group, the categories in it; 422 for an unknown code."""
    category = session.scalars(select(Category).where(Category.code == code)).one_or_none()
    if category is None:
        raise UnknownReference(f"No category has code {code!r}.", field="category")
    children = session.scalars(select(Category.id).where(Category.parent_id == category.id))
    return [category.id, *children]


def scope_conditions(filters: ArticleFilters, today: date) -> list[ColumnElement[bool]]:
    """The WHERE terms of `filters`."""
    conditions: list[ColumnElement[bool]] = []
    if filters.category_ids is not None:
        conditions.append(KbArticle.category_id.in_(filters.category_ids))
    if filters.owner_department_id is not None:
        conditions.append(KbArticle.owner_department_id == filters.owner_department_id)
    if filters.owner_grid_id is not None:
        conditions.append(KbArticle.owner_grid_id == filters.owner_grid_id)
    if filters.maintained_by is not None:
        scope = maintained_by(filters.maintained_by)
        if scope is not None:
            conditions.append(scope)
    if filters.due_for_review is not None:
        due = KbArticle.review_date <= today
        conditions.append(due if filters.due_for_review else ~due)
    if filters.in_force is not None:
        conditions.append(in_force(today) if filters.in_force else ~in_force(today))
    if not filters.include_retired:
        conditions.append(KbArticle.retired_at.is_(None))
    return conditions


def list_articles(
    session: Session, filters: ArticleFilters, today: date, *, after_id: int, limit: int
) -> list[KbArticle]:
    """Up to `limit` + 1 articles by id after `after_id` (the extra one says a page follows)."""
    query = (
        select(KbArticle)
        .where(KbArticle.id > after_id, *scope_conditions(filters, today))
        .order_by(KbArticle.id)
        .limit(limit + 1)
    )
    return list(session.scalars(query))


def citable_article(
    session: Session, article_ref: str, today: date, *, field: str = "kb_article"
) -> KbArticle:
    """The article `article_ref` names (its id, as a call's `kb_article` carries it) if an
    agent may cite it today; else a 422 naming `field`."""
    known = _ARTICLE_ID.fullmatch(article_ref)
    article = session.get(KbArticle, int(article_ref)) if known else None
    if article is None or not is_in_force(article, today):
        raise UnknownReference(
            f"No article in force has id {article_ref!r}: cite an article that search finds.",
            field=field,
        )
    return article


def record_citation(
    session: Session, article: KbArticle, *, ticket_id: int | None, at: datetime | None = None
) -> KbCitation:
    """The article counted as the answer to a call (the ticket answered at once with it)."""
    citation = KbCitation(article_id=article.id, ticket_id=ticket_id, cited_at=at or utc_now())
    session.add(citation)
    session.flush()
    return citation


def cite(session: Session, article_ref: str, timezone: str, *, field: str) -> KbArticle:
    """The article an answer during a call names, if it may be cited today (else a 422
    naming `field`): checked before anything is written; `record_citation` once the
    ticket exists."""
    return citable_article(session, article_ref, local_today(timezone), field=field)


def citation_counts(
    session: Session,
    article_ids: Collection[int] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, int]:
    """How many calls each article answered (in [since, until) when given); articles never
    cited are left out."""
    query = select(KbCitation.article_id, func.count()).group_by(KbCitation.article_id)
    if article_ids is not None:
        query = query.where(KbCitation.article_id.in_(sorted(article_ids)))
    if since is not None:
        query = query.where(KbCitation.cited_at >= since)
    if until is not None:
        query = query.where(KbCitation.cited_at < until)
    return dict(session.execute(query).all())
