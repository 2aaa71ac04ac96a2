"""HTTP for the units that handle tickets: the grid hierarchy and the departments, as
everyone reads them. An administrator's changes of the departments are
`routing/set_up.py`'s (above auth, whose staff belong to units)."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.dependencies import SessionDep
from app.errors import NotFound, problem_responses
from app.units import service
from app.units.models import Department
from app.units.schemas import DepartmentKind, DepartmentRead, GridDetail, GridRead

router = APIRouter(tags=["units"])


@router.get(
    "/grids",
    summary="Grids, optionally of one level or under one parent",
    responses=problem_responses((404, "No grid has the parent code")),
)
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


def department_read(department: Department) -> DepartmentRead:
    """A department as the API answers it."""
    return DepartmentRead(
        code=department.code,
        name=department.name,
        short_name=department.short_name,
        contact_phone=department.contact_phone,
        kind=DepartmentKind(department.kind),
        active=department.retired_at is None,
        retired_at=department.retired_at,
    )


@router.get("/departments", summary="Departments, retired ones included")
def list_departments(session: SessionDep) -> list[DepartmentRead]:
    return [department_read(d) for d in service.list_departments(session)]


@router.get(
    "/departments/{code}",
    summary="One department",
    responses=problem_responses((404, "No department has the code")),
)
def get_department(code: str, session: SessionDep) -> DepartmentRead:
    return department_read(service.require_department(session, code))
