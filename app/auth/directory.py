"""Who the actors on a timeline are, as staff need to know them: a member of staff's
display name, role and unit as they are now, an integration's name."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from app.auth.models import IntegrationClient, StaffUser
from app.identity.actors import ActorKind
from app.units.models import Department, Grid


@dataclass(frozen=True)
class ActorName:
    name: str
    role: str | None = None  # staff only
    unit: tuple[str, str, str] | None = None  # (kind, code, name): a unit role's unit


_USERS: Table = StaffUser.__table__  # type: ignore[assignment]
_DEPARTMENTS: Table = Department.__table__  # type: ignore[assignment]
_GRIDS: Table = Grid.__table__  # type: ignore[assignment]
_CLIENTS: Table = IntegrationClient.__table__  # type: ignore[assignment]
_USER, _DEPARTMENT, _GRID, _CLIENT = _USERS.c, _DEPARTMENTS.c, _GRIDS.c, _CLIENTS.c
# Built once, plain columns on the connection: every ticket's answer names its actors,
# and loading them as ORM objects cost that answer more than its own ticket.
_USER_NAMES = (
    select(
        _USER.id,
        _USER.display_name,
        _USER.role,
        _DEPARTMENT.code,
        _DEPARTMENT.name,
        _GRID.code,
        _GRID.name,
    )
    .outerjoin(_DEPARTMENTS, _USER.department_id == _DEPARTMENT.id)
    .outerjoin(_GRIDS, _USER.grid_id == _GRID.id)
    .where(_USER.id.in_(bindparam("ids", expanding=True)))
)
_CLIENT_NAMES = select(_CLIENT.id, _CLIENT.name).where(
    _CLIENT.id.in_(bindparam("ids", expanding=True))
)


def _ids(refs: Iterable[tuple[str, str | None]], kind: ActorKind) -> set[int]:
    prefix = f"{kind}:"
    return {
        int(ref.removeprefix(prefix))
        for actor_kind, ref in refs
        if actor_kind == kind and ref and ref.startswith(prefix) and ref[len(prefix) :].isdigit()
    }


def actor_names(session: Session, refs: Iterable[tuple[str, str | None]]) -> dict[str, ActorName]:
    """Names for the (actor kind, actor ref) pairs, by ref ("user:6", "client:1"), read in
    two queries however long the timeline; refs that name no one are left out."""
    pairs = list(refs)
    names: dict[str, ActorName] = {}
    user_ids = _ids(pairs, ActorKind.USER)
    if user_ids:
        users = session.connection().execute(_USER_NAMES, {"ids": sorted(user_ids)})
        for user_id, name, role, department_code, department_name, grid_code, grid_name in users:
            unit = (
                ("department", department_code, department_name)
                if department_code is not None
                else ("grid", grid_code, grid_name)
                if grid_code is not None
                else None
            )
            names[f"user:{user_id}"] = ActorName(name, role, unit)
    client_ids = _ids(pairs, ActorKind.CLIENT)
    if client_ids:
        clients = session.connection().execute(_CLIENT_NAMES, {"ids": sorted(client_ids)})
        for client_id, name in clients:
            names[f"client:{client_id}"] = ActorName(name)
    return names
