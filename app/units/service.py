"""Looking up grids and departments."""

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, aliased

from app.db import transient
from app.driver_sql import DriverStatement
from app.errors import UnknownReference
from app.units.models import Department, Grid

_GRIDS: Table = Grid.__table__  # type: ignore[assignment]
# All but the boundary: a real grid's polygon runs to thousands of points, and only the
# grid's own page shows it.
_BY_CODE = DriverStatement(
    select(*(column for column in _GRIDS.c if column.key != "boundary")).where(
        _GRIDS.c.code == bindparam("code")
    )
)


def get_grid_by_code(session: Session, code: str) -> Grid | None:
    """The grid without its boundary, as a plain object (not tracked by the session):
    intake asks often."""
    row = _BY_CODE.first_mapping(session.connection(), {"code": code})
    return transient(Grid, **row) if row is not None else None


def get_grid_with_boundary(session: Session, code: str) -> Grid | None:
    return session.scalars(select(Grid).where(Grid.code == code)).one_or_none()


def get_department_by_code(session: Session, code: str) -> Department | None:
    return session.scalars(select(Department).where(Department.code == code)).one_or_none()


def list_grids(
    session: Session, level: int | None, parent: Grid | None
) -> list[tuple[Grid, str | None]]:
    """Grids of the map in force with their parent's code, by code."""
    parent_grid = aliased(Grid)
    query = (
        select(Grid, parent_grid.code)
        .outerjoin(parent_grid, Grid.parent_id == parent_grid.id)
        .where(Grid.retired_at.is_(None))
        .order_by(Grid.code)
    )
    if level is not None:
        query = query.where(Grid.level == level)
    if parent is not None:
        query = query.where(Grid.parent_id == parent.id)
    return [(grid, parent_code) for grid, parent_code in session.execute(query)]


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.code)))


def department_id(session: Session, code: str, field: str) -> int:
    """The department's id, or a 422 naming `field`."""
    department = get_department_by_code(session, code)
    if department is None:
        raise UnknownReference(f"No department has code {code!r}.", field=field)
    return department.id


def grid_by_code(session: Session, code: str, field: str, kind: str = "grid") -> Grid:
    """The grid, retired or not (tickets keep theirs), or a 422 naming `field`."""
    grid = get_grid_by_code(session, code)
    if grid is None:
        raise UnknownReference(f"No {kind} has code {code!r}.", field=field)
    return grid


def grid_in_force(session: Session, code: str, field: str, kind: str = "grid") -> Grid:
    """A grid of the map in force, one a ticket or an account may be given; else a 422
    naming `field` that says whether the code is unknown or retired."""
    grid = grid_by_code(session, code, field, kind)
    if grid.retired_at is not None:
        raise UnknownReference(
            f"The {kind} {code!r} was retired from the grid map on "
            f"{grid.retired_at:%Y-%m-%d}; use a grid of the map in force.",
            field=field,
        )
    return grid
