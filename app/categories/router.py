"""HTTP for the category taxonomy."""

from fastapi import APIRouter

from app.categories import service
from app.categories.schemas import CategoryRead
from app.dependencies import SessionDep

router = APIRouter(prefix="/categories", tags=["categories"])


@router.get("", summary="The two-level category taxonomy")
def list_categories(session: SessionDep) -> list[CategoryRead]:
    return [
        CategoryRead(
            code=group.code,
            name=group.name,
            default_priority=group.default_priority,
            children=[CategoryRead.model_validate(child) for child in children],
        )
        for group, children in service.list_taxonomy(session)
    ]
