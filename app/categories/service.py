"""Looking up categories in the two-level taxonomy; creating, changing and retiring them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from app.audit.service import AuditKind, Editor, lifecycle_action
from app.categories.models import Category
from app.categories.schemas import CategoryCreate, CategoryUpdate
from app.clock import utc_now
from app.errors import Conflict, NotFound, Problems, UnknownReference
from app.units import service as units
from app.units.models import Department
from app.vocabulary import Priority

_CATEGORIES: Table = Category.__table__  # type: ignore[assignment]
_BY_CODE = select(_CATEGORIES).where(_CATEGORIES.c.code == bindparam("code"))


def get_category_by_code(session: Session, code: str) -> Category | None:
    """The category as a plain object (not tracked by the session): every intake asks."""
    row = session.connection().execute(_BY_CODE, {"code": code}).mappings().one_or_none()
    return Category(**row) if row is not None else None


def require_category_by_code(session: Session, code: str) -> Category:
    """The category with `code`, else a 422 naming the `category_code` field."""
    category = get_category_by_code(session, code)
    if category is None:
        raise UnknownReference(f"No category has code {code!r}.", field="category_code")
    return category


def filing_category(session: Session, code: str) -> Category:
    """The category with `code` if a ticket may be filed under it, else a 422 naming the
    `category_code` field: unknown, or retired (naming its replacement when one is set)."""
    category = require_category_by_code(session, code)
    if category.retired_at is not None:
        replacement = (
            session.get_one(Category, category.replacement_id) if category.replacement_id else None
        )
        raise_retired(
            category.code,
            category.retired_at,
            replacement.code if replacement else None,
            replacement.name if replacement else None,
        )
    return category


def raise_retired(
    code: str, retired_at: datetime, replacement_code: str | None, replacement_name: str | None
) -> NoReturn:
    """The 422 for a ticket filed under a retired category."""
    instead = (
        f"; use {replacement_code!r} ({replacement_name}) instead"
        if replacement_code
        else "; choose another category"
    )
    raise UnknownReference(
        f"The category {code!r} was retired on {retired_at:%Y-%m-%d}{instead}.",
        field="category_code",
        replacement_code=replacement_code,
    )


def category_and_children_ids(session: Session, category: Category) -> list[int]:
    """A group stands for all of its categories; a category for itself."""
    query = select(Category.id).where(
        or_(Category.id == category.id, Category.parent_id == category.id)
    )
    return list(session.scalars(query))


def list_taxonomy(
    session: Session, *, include_retired: bool = False
) -> list[tuple[Category, list[Category]]]:
    """Each group with its categories, by code; the ones in force unless `include_retired`."""
    query = select(Category).order_by(Category.code)
    if not include_retired:
        query = query.where(Category.retired_at.is_(None))
    rows = list(session.scalars(query))
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    return [(row, children.get(row.id, [])) for row in rows if row.parent_id is None]


def codes_defaulting_to(session: Session, department_id: int) -> list[str]:
    """Codes of the categories whose default department is `department_id`."""
    query = select(Category.code).where(Category.department_id == department_id)
    return list(session.scalars(query.order_by(Category.code)))


# Editing the taxonomy


@dataclass(frozen=True)
class Codes:
    """The codes of the categories and departments by id: a category's references read
    without a query each."""

    categories: dict[int, str]
    departments: dict[int, str]

    @classmethod
    def read(cls, session: Session) -> "Codes":
        return cls(
            {row.id: row.code for row in session.execute(select(Category.id, Category.code))},
            {row.id: row.code for row in session.execute(select(Department.id, Department.code))},
        )


def category_fields(
    session: Session, category: Category, codes: Codes | None = None
) -> dict[str, Any]:
    """The category as the audit log keeps it and the API shows it (codes, not ids)."""
    known = codes or Codes.read(session)
    return {
        "code": category.code,
        "name": category.name,
        "parent_code": known.categories.get(category.parent_id or 0),
        "default_priority": category.default_priority,
        "default_request_type": category.default_request_type,
        "duplicate_radius_m": category.duplicate_radius_m,
        "default_department_code": known.departments.get(category.department_id or 0),
        "retired_at": category.retired_at,
        "replacement_code": known.categories.get(category.replacement_id or 0),
    }


def require_category(session: Session, code: str) -> Category:
    """The category or group with `code`, retired or not, else a 404."""
    category = session.scalars(select(Category).where(Category.code == code)).one_or_none()
    if category is None:
        raise NotFound(f"No category has code {code!r}.")
    return category


def _groups(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.parent_id.is_(None))))


def _check_group_code(session: Session, problems: Problems, code: str) -> None:
    # A category is known by the group its code starts with, so no group's code may start
    # another's.
    for group in _groups(session):
        if group.code.startswith(code) or code.startswith(group.code):
            problems.add(
                "code",
                f"The group code {code!r} and the group {group.code!r} ({group.name}) start "
                "alike; a category's code could not tell them apart.",
            )


def _parent(session: Session, problems: Problems, code: str, parent_code: str) -> Category | None:
    parent = session.scalars(select(Category).where(Category.code == parent_code)).one_or_none()
    if parent is None:
        problems.add("parent_code", f"No category group has code {parent_code!r}.")
        return None
    if parent.parent_id is not None:
        problems.add(
            "parent_code",
            f"{parent_code!r} is a category, not a group: categories have two levels, so a "
            "category's parent is a group.",
        )
        return None
    if parent.retired_at is not None:
        problems.add("parent_code", f"The group {parent_code!r} is retired.")
    if not code.startswith(parent_code) or code == parent_code:
        problems.add(
            "code",
            f"A category's code starts with its group's and is longer: {code!r} does not "
            f"extend {parent_code!r}.",
        )
    return parent


def _department(session: Session, problems: Problems, code: str | None) -> int | None:
    if code is None:
        return None
    department = units.get_department_by_code(session, code)
    if department is None:
        problems.add("default_department_code", f"No department has code {code!r}.")
        return None
    if department.retired_at is not None:
        problems.add("default_department_code", units.retired_department_message(department))
    return department.id


def create_category(session: Session, body: CategoryCreate, editor: Editor) -> Category:
    """A new group (no `parent_code`) or category, recorded in the audit log. 409 when the
    code is taken (by a retired one too); else every problem with the codes in one 422."""
    if session.scalar(select(Category.id).where(Category.code == body.code)) is not None:
        raise Conflict(f"A category already has code {body.code!r}.", field="code")
    problems = Problems()
    parent = None
    if body.parent_code is None:
        _check_group_code(session, problems, body.code)
    else:
        parent = _parent(session, problems, body.code, body.parent_code)
    department_id = _department(session, problems, body.default_department_code)
    problems.raise_any()
    now = utc_now()
    category = Category(
        code=body.code,
        name=body.name,
        parent_id=parent.id if parent else None,
        default_priority=body.default_priority
        or (parent.default_priority if parent else Priority.NORMAL),
        default_request_type=body.default_request_type,
        duplicate_radius_m=body.duplicate_radius_m,
        department_id=department_id,
        updated_at=now,
        retired_at=None if body.active else now,
    )
    session.add(category)
    session.flush()
    editor.record(
        session,
        AuditKind.CATEGORY,
        "create",
        category.code,
        None,
        category_fields(session, category),
    )
    return category


def _replacement(
    session: Session, problems: Problems, category: Category, code: str | None
) -> int | None:
    if code is None:
        return None
    replacement = session.scalars(select(Category).where(Category.code == code)).one_or_none()
    if replacement is None:
        problems.add("replacement_code", f"No category has code {code!r}.")
        return None
    if replacement.id == category.id:
        problems.add("replacement_code", "A category cannot replace itself.")
    elif replacement.retired_at is not None:
        problems.add("replacement_code", f"The category {code!r} is retired too.")
    elif (replacement.parent_id is None) != (category.parent_id is None):
        level = "group" if category.parent_id is None else "category"
        problems.add(
            "replacement_code", f"A {level} is replaced by a {level}; {code!r} is not one."
        )
    return replacement.id


def children(session: Session, group: Category) -> list[Category]:
    """A group's categories, retired ones too, by code."""
    query = select(Category).where(Category.parent_id == group.id).order_by(Category.code)
    return list(session.scalars(query))


def update_category(
    session: Session, category: Category, body: CategoryUpdate, editor: Editor
) -> list[Category]:
    """The fields sent, changed, and recorded in the audit log; `active` false retires the
    category (a group, with its categories), true brings it back. Every problem in one
    422, nothing changed. Returns the categories retired with a group."""
    changes = body.model_dump(exclude_unset=True)
    problems = Problems()
    if "default_department_code" in changes:
        changes["department_id"] = _department(
            session, problems, changes.pop("default_department_code")
        )
    if "replacement_code" in changes:
        changes["replacement_id"] = _replacement(
            session, problems, category, changes.pop("replacement_code")
        )
    active = changes.pop("active", None)
    if active and category.parent_id is not None:
        group = session.get_one(Category, category.parent_id)
        if group.retired_at is not None:
            problems.add(
                "active", f"Its group {group.code!r} is retired; bring the group back first."
            )
    problems.raise_any()
    now = utc_now()
    retired_with_it: list[Category] = []
    _change(session, category, changes, active, now, editor)
    if active is False and category.parent_id is None:
        for child in children(session, category):
            if child.retired_at is None:
                _change(session, child, {}, False, now, editor)
                retired_with_it.append(child)
    return retired_with_it


def _change(
    session: Session,
    category: Category,
    changes: dict[str, Any],
    active: bool | None,
    now: datetime,
    editor: Editor,
) -> None:
    before = category_fields(session, category)
    for field, value in changes.items():
        setattr(category, field, value)
    units.set_active(category, active, now)
    session.flush()
    after = category_fields(session, category)
    if after == before:
        return
    category.updated_at = now
    session.flush()
    action = lifecycle_action(before, after)
    editor.record(session, AuditKind.CATEGORY, action, category.code, before, after)
