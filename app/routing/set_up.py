"""HTTP for changing the departments and categories: creating, changing and retiring them.

Routing's snapshot holds both, so each change forgets it, and a retirement's answer lists
what still points at the unit or category (routing's rules and keyword rules, the
categories' default departments), for an admin to change. Routing reads units and
categories, and units is below auth (a member of staff belongs to a department), whose
administrator's check these routes take: so they live above all of them. Everyone's reads
of the two stay with their packages (`units/router.py`, `categories/router.py`)."""

from typing import Annotated

from fastapi import APIRouter, Body

from app.auth.editors import AdminEditorDep
from app.categories import service as categories_service
from app.categories.router import category_read
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
from app.routing.service import ROUTING
from app.units import service as units_service
from app.units.router import department_read
from app.units.schemas import (
    DepartmentCreate,
    DepartmentRead,
    DepartmentRetired,
    DepartmentUpdate,
    RuleReference,
)

router = APIRouter()


@router.post(
    "/categories",
    tags=["categories"],
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
    category = categories_service.create_category(session, body, editor)
    resources[ROUTING].forget()
    return category_read(session, category)


@router.put(
    "/categories/{code}",
    tags=["categories"],
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
    category = categories_service.require_category(session, code)
    categories_service.update_category(session, category, body, editor)
    resources[ROUTING].forget()
    children = categories_service.children(session, category) if category.parent_id is None else []
    return category_read(session, category, children)


@router.post(
    "/categories/{code}/retire",
    tags=["categories"],
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
    category = categories_service.require_category(session, code)
    update = CategoryUpdate(active=False)
    if body is not None and body.replacement_code is not None:
        update = CategoryUpdate(active=False, replacement_code=body.replacement_code)
    with_it = categories_service.update_category(session, category, update, editor)
    resources[ROUTING].forget()
    children = categories_service.children(session, category) if category.parent_id is None else []
    codes = [category.code, *(child.code for child in children)]
    return CategoryRetired(
        category=category_read(session, category),
        retired_with_it=[child.code for child in with_it],
        routing_rules=[rule.id for rule in routing_editing.rules_naming_categories(session, codes)],
        keyword_rules=[row.id for row in routing_editing.keyword_rules_for(session, codes)],
    )


@router.post(
    "/departments",
    tags=["units"],
    status_code=201,
    summary="Create a department",
    responses=problem_responses((409, "The code is taken"), (422, "Invalid fields, all listed")),
)
def create_department(
    body: DepartmentCreate, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> DepartmentRead:
    department = units_service.create_department(session, body, editor)
    resources[ROUTING].forget()
    return department_read(department)


@router.put(
    "/departments/{code}",
    tags=["units"],
    summary="Change a department (only the fields sent)",
    responses=problem_responses(
        (404, "No department has the code"), (422, "Invalid fields, all listed")
    ),
)
def update_department(
    code: str,
    body: DepartmentUpdate,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> DepartmentRead:
    department = units_service.require_department(session, code)
    units_service.update_department(session, department, body, editor)
    resources[ROUTING].forget()
    return department_read(department)


@router.post(
    "/departments/{code}/retire",
    tags=["units"],
    summary="Retire a department: no new tickets reach it; lists the rules that target it",
    responses=problem_responses((404, "No department has the code")),
)
def retire_department(
    code: str, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> DepartmentRetired:
    """A unit that tickets or rules refer to is retired, never deleted. Routing skips the
    rules that still target it (noting each skip on the ticket's timeline); the answer
    lists them, and the categories it is the default department of, for an admin to change."""
    department = units_service.retire_department(
        session, units_service.require_department(session, code), editor
    )
    resources[ROUTING].forget()
    return DepartmentRetired(
        department=department_read(department),
        routing_rules=[
            RuleReference(id=rule.id, name=rule.name, role=role, enabled=rule.enabled)
            for rule, role in routing_editing.rules_naming_department(session, code)
        ],
        default_for_categories=categories_service.codes_defaulting_to(session, department.id),
    )
