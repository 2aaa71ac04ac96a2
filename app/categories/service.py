"""Looking up categories in the two-level taxonomy."""

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.errors import UnknownReference

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


def category_and_children_ids(session: Session, category: Category) -> list[int]:
    """A group stands for all of its categories; a category for itself."""
    query = select(Category.id).where(
        or_(Category.id == category.id, Category.parent_id == category.id)
    )
    return list(session.scalars(query))


def list_taxonomy(session: Session) -> list[tuple[Category, list[Category]]]:
    """Each group with its categories, by code."""
    rows = list(session.scalars(select(Category).order_by(Category.code)))
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    return [(row, children.get(row.id, [])) for row in rows if row.parent_id is None]


def codes_defaulting_to(session: Session, department_id: int) -> list[str]:
    """Codes of the categories whose default department is `department_id`."""
    query = select(Category.code).where(Category.department_id == department_id)
    return list(session.scalars(query.order_by(Category.code)))
