"""HTTP for the units that handle tickets: the grid hierarchy and the departments."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.dependencies import SessionDep
from app.errors import NotFound
from app.units import service
from app.units.schemas import DepartmentRead, GridDetail, GridRead

router = APIRouter(tags=["units"])


@router.get("/grids", summary="Grids, optionally of one level or under one parent")
def list_grids(
    session: SessionDep,
    level: Annotated[int | None, Query(ge=1, le=3)] = None,
    parent: Annotated[str | None, Query(max_length=64, description="Parent grid code")] = None,
) -> list[GridRead]:
    parent_grid = None
    if parent is not None:
        parent_grid = service.get_grid_by_code(session, parent)
        if parent_grid is None:
            raise NotFound(f"No grid has code {parent!r}.")
    return [
        GridRead(code=grid.code, name=grid.name, level=grid.level, parent_code=parent_code)
        for grid, parent_code in service.list_grids(session, level, parent_grid)
    ]


@router.get("/grids/{code}", summary="One grid with its boundary")
def get_grid(code: str, session: SessionDep) -> GridDetail:
    grid = service.get_grid_with_boundary(session, code)
    if grid is None:
        raise NotFound(f"No grid has code {code!r}.")
    parent = session.get(type(grid), grid.parent_id) if grid.parent_id else None
    return GridDetail(
        code=grid.code,
        name=grid.name,
        level=grid.level,
        parent_code=parent.code if parent else None,
        boundary=grid.boundary,
        retired_at=grid.retired_at,
    )


@router.get("/departments", summary="Functional departments")
def list_departments(session: SessionDep) -> list[DepartmentRead]:
    return [DepartmentRead.model_validate(d) for d in service.list_departments(session)]
