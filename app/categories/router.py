"""HTTP for the category taxonomy: everyone reads it, admins change it."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Body, Query
from sqlalchemy.orm import Session

from app.audit.dependencies import AdminEditorDep
from app.categories import service
from app.categories.models import Category
from app.categories.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryRetire,
    CategoryRetired,
    CategoryUpdate,
)
from app.dependencies import ResourcesDep, SessionDep
from app.errors import problem_responses
from app.routing import editing as routing_editing

router = APIRouter(prefix="/categories", tags=["categories"])


def _read(
    session: Session,
    category: Category,
    children: Sequence[Category] = (),
    codes: service.Codes | None = None,
) -> CategoryRead:
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
        children=[_read(session, child, codes=codes) for child in children],
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
        _read(session, group, children, codes)
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
    return _read(session, category, children)


@router.post(
    "",
    status_code=201,
    summary="Create a group (no parent_code) or a category in a group",
    responses=problem_responses(
        (409, "The code is taken"),
        (
            422,
            "Invalid fields or codes (unknown group, wrong level, a code not the group's), "
            "all listed",
        ),
    ),
)
def create_category(
    body: CategoryCreate, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> CategoryRead:
    category = service.create_category(session, body, editor)
    resources.routing.forget()
    return _read(session, category)


@router.put(
    "/{code}",
    summary="Change a group or category (only the fields sent)",
    responses=problem_responses(
        (404, "No category has the code"), (422, "Invalid fields or codes, all listed")
    ),
)
def update_category(
    code: str,
    body: CategoryUpdate,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> CategoryRead:
    category = service.require_category(session, code)
    service.update_category(session, category, body, editor)
    resources.routing.forget()
    children = service.children(session, category) if category.parent_id is None else []
    return _read(session, category, children)


@router.post(
    "/{code}/retire",
    summary="Retire a group or category: intake refuses it, naming the replacement",
    responses=problem_responses(
        (404, "No category has the code"), (422, "The replacement is unknown or unfit")
    ),
)
def retire_category(
    code: str,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
    body: Annotated[CategoryRetire | None, Body()] = None,
) -> CategoryRetired:
    """Its tickets keep it; new ones are refused with a 422 that names `replacement_code`
    when one is set. A group's categories are retired with it. The answer lists the
    routing and keyword rules that still name it, for an admin to change."""
    category = service.require_category(session, code)
    update = CategoryUpdate(active=False)
    if body is not None and body.replacement_code is not None:
        update = CategoryUpdate(active=False, replacement_code=body.replacement_code)
    with_it = service.update_category(session, category, update, editor)
    resources.routing.forget()
    children = service.children(session, category) if category.parent_id is None else []
    codes = [category.code, *(child.code for child in children)]
    return CategoryRetired(
        category=_read(session, category),
        retired_with_it=[child.code for child in with_it],
        routing_rules=[rule.id for rule in routing_editing.rules_naming_categories(session, codes)],
        keyword_rules=[row.id for row in routing_editing.keyword_rules_for(session, codes)],
    )
