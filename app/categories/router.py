"""HTTP for the category taxonomy as everyone reads it. An administrator's changes are
`routing/set_up.py`'s, which forget routing's snapshot of the categories."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from app.categories import service
from app.categories.models import Category
from app.categories.schemas import CategoryRead
from app.dependencies import SessionDep
from app.errors import problem_responses

router = APIRouter(prefix="/categories", tags=["categories"])


def category_read(
    session: Session,
    category: Category,
    children: Sequence[Category] = (),
    codes: service.Codes | None = None,
) -> CategoryRead:
    """A category (a group: with its `children`) as the API answers it."""
    codes = codes or service.Codes.read(session)
    fields = service.category_fields(session, category, codes)
    return CategoryRead(
        code=category.code,
        name=category.name,
        default_priority=fields["default_priority"],
        default_request_type=fields["default_request_type"],
        duplicate_radius_m=category.duplicate_radius_m,
        default_department_code=fields["default_department_code"],
        active=category.retired_at is None,
        retired_at=category.retired_at,
        replacement_code=fields["replacement_code"],
        children=[category_read(session, child, codes=codes) for child in children],
    )


@router.get("", summary="The two-level category taxonomy")
def list_categories(
    session: SessionDep,
    include_retired: Annotated[
        bool, Query(description="Also the retired groups and categories")
    ] = False,
) -> list[CategoryRead]:
    codes = service.Codes.read(session)
    return [
        category_read(session, group, children, codes)
        for group, children in service.list_taxonomy(session, include_retired=include_retired)
    ]


@router.get(
    "/{code}",
    summary="One group (with its categories) or category, retired ones too",
    responses=problem_responses((404, "No category has the code")),
)
def get_category(code: str, session: SessionDep) -> CategoryRead:
    category = service.require_category(session, code)
    children = service.children(session, category) if category.parent_id is None else []
    return category_read(session, category, children)
