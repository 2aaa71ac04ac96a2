"""Looking up grids and departments; creating, changing and retiring departments."""

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, aliased

from app.audit.service import AuditKind, Editor, lifecycle_action
from app.clock import utc_now
from app.db import transient
from app.driver_sql import DriverStatement
from app.errors import Conflict, NotFound, UnknownReference
from app.units.models import Department, Grid
from app.units.schemas import DepartmentCreate, DepartmentUpdate

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
    """The id of a department that takes tickets, or a 422 naming `field` that says
    whether the code is unknown or retired."""
    department = get_department_by_code(session, code)
    if department is None:
        raise UnknownReference(f"No department has code {code!r}.", field=field)
    if department.retired_at is not None:
        raise UnknownReference(retired_department_message(department), field=field)
    return department.id


def retired_department_message(department: Department) -> str:
    assert department.retired_at is not None
    return (
        f"The department {department.code!r} was retired on {department.retired_at:%Y-%m-%d}; "
        "it receives no new tickets."
    )


def department_fields(department: Department) -> dict[str, Any]:
    """The department as the audit log keeps it."""
    return {
        "code": department.code,
        "name": department.name,
        "short_name": department.short_name,
        "contact_phone": department.contact_phone,
        "kind": department.kind,
        "retired_at": department.retired_at,
    }


def require_department(session: Session, code: str) -> Department:
    """The department with `code`, retired or not, else a 404."""
    department = get_department_by_code(session, code)
    if department is None:
        raise NotFound(f"No department has code {code!r}.")
    return department


def create_department(session: Session, body: DepartmentCreate, editor: Editor) -> Department:
    """A new department (retired at once when `active` is false), recorded in the audit
    log; 409 when the code is taken, by a retired unit too (codes are never reused)."""
    if get_department_by_code(session, body.code) is not None:
        raise Conflict(f"A department already has code {body.code!r}.", field="code")
    now = utc_now()
    department = Department(
        code=body.code,
        name=body.name,
        short_name=body.short_name,
        contact_phone=body.contact_phone,
        kind=body.kind,
        created_at=now,
        updated_at=now,
        retired_at=None if body.active else now,
    )
    session.add(department)
    session.flush()
    editor.record(
        session,
        AuditKind.DEPARTMENT,
        "create",
        department.code,
        None,
        department_fields(department),
    )
    return department


def update_department(
    session: Session, department: Department, body: DepartmentUpdate, editor: Editor
) -> Department:
    """The fields sent, changed; `active` retires the unit or brings it back. Recorded in
    the audit log when anything changed."""
    before = department_fields(department)
    changes = body.model_dump(exclude_unset=True)
    active = changes.pop("active", None)
    for field, value in changes.items():
        setattr(department, field, value)
    now = utc_now()
    set_active(department, active, now)
    after = department_fields(department)
    if after != before:
        department.updated_at = now
        session.flush()
        action = lifecycle_action(before, after)
        editor.record(session, AuditKind.DEPARTMENT, action, department.code, before, after)
    return department


class Retirable(Protocol):
    """A row of the set-up that is retired, never deleted: a department, a category."""

    retired_at: datetime | None


def set_active(row: Retirable, active: bool | None, now: datetime) -> None:
    """Retire `row` (`active` false) or bring it back (true) unless it is so already; None
    leaves it as it is."""
    if active is not None and active == (row.retired_at is not None):
        row.retired_at = None if active else now


def retire_department(session: Session, department: Department, editor: Editor) -> Department:
    """The unit retired (already retired: left as it was): no new tickets reach it."""
    return update_department(session, department, DepartmentUpdate(active=False), editor)


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
