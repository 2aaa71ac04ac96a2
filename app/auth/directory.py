"""Who the actors on a timeline are, as staff need to know them: a member of staff's
display name, role and unit as they are now, an integration's name."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import IntegrationClient, StaffUser
from app.identity.actors import ActorKind
from app.units.models import Department, Grid


@dataclass(frozen=True)
class ActorName:
    name: str
    role: str | None = None  # staff only
    unit: tuple[str, str, str] | None = None  # (kind, code, name): a unit role's unit


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
        query = (
            select(StaffUser, Department, Grid)
            .outerjoin(Department, StaffUser.department_id == Department.id)
            .outerjoin(Grid, StaffUser.grid_id == Grid.id)
            .where(StaffUser.id.in_(user_ids))
        )
        for user, department, grid in session.execute(query):
            unit = (
                ("department", department.code, department.name)
                if department
                else ("grid", grid.code, grid.name)
                if grid
                else None
            )
            names[f"user:{user.id}"] = ActorName(user.display_name, user.role, unit)
    client_ids = _ids(pairs, ActorKind.CLIENT)
    if client_ids:
        query_clients = select(IntegrationClient.id, IntegrationClient.name).where(
            IntegrationClient.id.in_(client_ids)
        )
        for client_id, name in session.execute(query_clients):
            names[f"client:{client_id}"] = ActorName(name)
    return names
