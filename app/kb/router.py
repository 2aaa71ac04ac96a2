"""HTTP for the knowledge base: articles, their search, the review flag."""

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.auth.dependencies import StaffDep
from app.dependencies import SessionDep, SettingsDep
from app.errors import UnknownReference, UnprocessableContent, problem_responses
from app.kb import search as kb_search
from app.kb import service
from app.kb.schemas import ArticleCreate, ArticleHit, ArticleRead, ArticleUpdate, SearchText
from app.kb.views import article_reads
from app.schemas import Page
from app.units import service as units_service

router = APIRouter(prefix="/kb", tags=["knowledge base"])

WRITE_ANSWERS = problem_responses(
    (403, "The caller does not keep this article's unit (or is not unit staff or an admin)"),
    (404, "No article has the id"),
    (422, "Invalid fields or unknown codes, all listed"),
)


def _today(settings: SettingsDep) -> date:
    return service.local_today(settings.timezone)


TodayDep = Annotated[date, Depends(_today)]


def _filters(
    session: SessionDep,
    staff: StaffDep,
    category: Annotated[
        str | None, Query(max_length=64, description="A category, or a group and its categories")
    ] = None,
    owner_department: Annotated[str | None, Query(max_length=64)] = None,
    owner_grid: Annotated[str | None, Query(max_length=64)] = None,
    mine: Annotated[bool, Query(description="Only the articles the caller keeps")] = False,
    due_for_review: Annotated[
        bool | None, Query(description="true: only those whose review date has come")
    ] = None,
    in_force: Annotated[bool | None, Query(description="true: valid today; false: not")] = None,
    include_retired: Annotated[bool, Query(description="Withdrawn articles too")] = False,
) -> service.ArticleFilters:
    department_id = grid_id = None
    if owner_department is not None:
        department = units_service.get_department_by_code(session, owner_department)
        if department is None:
            raise UnknownReference(
                f"No department has code {owner_department!r}.", field="owner_department"
            )
        department_id = department.id
    if owner_grid is not None:
        grid = units_service.get_grid_by_code(session, owner_grid)
        if grid is None:
            raise UnknownReference(f"No grid has code {owner_grid!r}.", field="owner_grid")
        grid_id = grid.id
    return service.ArticleFilters(
        category_ids=service.category_ids(session, category) if category else None,
        owner_department_id=department_id,
        owner_grid_id=grid_id,
        maintained_by=staff if mine else None,
        due_for_review=due_for_review,
        in_force=in_force,
        include_retired=include_retired,
    )


FiltersDep = Annotated[service.ArticleFilters, Depends(_filters)]


@router.get(
    "/articles",
    summary="Articles, by id; `mine=true&due_for_review=true` lists what a unit must review",
    responses=problem_responses((422, "A filter or the cursor is invalid")),
)
def list_articles(
    session: SessionDep,
    staff: StaffDep,
    today: TodayDep,
    filters: FiltersDep,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ArticleRead]:
    """Every member of staff reads the knowledge base. Pass `next_cursor` back as `cursor`
    for the next page, with the same filters."""
    if cursor is not None and not cursor.isdecimal():
        raise UnprocessableContent("cursor is not one this list gave out.", field="cursor")
    after = int(cursor) if cursor else 0
    articles = service.list_articles(session, filters, today, after_id=after, limit=limit)
    page = articles[:limit]
    return Page(
        items=article_reads(session, page, staff, today),
        next_cursor=str(page[-1].id) if len(articles) > limit else None,
    )


@router.get(
    "/search",
    summary="The articles in force that best answer a question, best first",
    responses=problem_responses((422, "A filter is invalid")),
)
def search_articles(
    session: SessionDep,
    staff: StaffDep,
    today: TodayDep,
    filters: FiltersDep,
    q: Annotated[SearchText, Query(description="The caller's question, in their words")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[ArticleHit]:
    """Searched by words (Chinese cut into words) and the concepts they name; only articles
    valid today, unless `in_force=false` asks for the others."""
    if filters.in_force is None:
        filters = dataclasses.replace(filters, in_force=True)
    hits = kb_search.search(session, q, today, filters, limit=limit)
    reads = article_reads(session, [hit.article for hit in hits], staff, today)
    return [
        ArticleHit(article=read, score=round(hit.score, 4))
        for read, hit in zip(reads, hits, strict=True)
    ]


@router.get(
    "/articles/{article_id}",
    summary="One article",
    responses=problem_responses((404, "No article has the id")),
)
def get_article(
    article_id: int, session: SessionDep, staff: StaffDep, today: TodayDep
) -> ArticleRead:
    article = service.require_article(session, article_id)
    return article_reads(session, [article], staff, today)[0]


@router.post(
    "/articles",
    status_code=201,
    summary="Write an article (unit handlers for their unit, admins for any)",
    responses=WRITE_ANSWERS,
)
def create_article(
    body: ArticleCreate, session: SessionDep, staff: StaffDep, today: TodayDep
) -> ArticleRead:
    article = service.create_article(session, staff, body, today)
    return article_reads(session, [article], staff, today)[0]


@router.put(
    "/articles/{article_id}",
    summary="Change an article (only the fields sent); set a new review_date after a review",
    responses=WRITE_ANSWERS,
)
def update_article(
    article_id: int, body: ArticleUpdate, session: SessionDep, staff: StaffDep, today: TodayDep
) -> ArticleRead:
    article = service.update_article(
        session, staff, service.require_article(session, article_id), body
    )
    return article_reads(session, [article], staff, today)[0]


@router.post(
    "/articles/{article_id}/retire",
    summary="Withdraw an article: no longer searched or citable; kept with its citations",
    responses=WRITE_ANSWERS,
)
def retire_article(
    article_id: int, session: SessionDep, staff: StaffDep, today: TodayDep
) -> ArticleRead:
    article = service.retire_article(session, staff, service.require_article(session, article_id))
    return article_reads(session, [article], staff, today)[0]
