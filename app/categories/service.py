"""Looking up categories in the two-level taxonomy."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.categories.models import Category


def get_category_by_code(session: Session, code: str) -> Category | None:
    return session.scalars(select(Category).where(Category.code == code)).one_or_none()


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
