"""Who is calling, as the rest of the code needs to know it."""

from collections.abc import Hashable
from dataclasses import dataclass

from app.cache import TtlCache
from app.identity.actors import Actor, ActorKind
from app.identity.roles import CITYWIDE_ROLES, DISPATCH_CENTRE_ROLES, Role


@dataclass(frozen=True)
class ClientPrincipal:
    """An integration: a call centre's software or an app, with its channels."""

    client_id: int
    name: str
    channels: frozenset[str]

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.CLIENT, f"client:{self.client_id}")


@dataclass(frozen=True)
class StaffPrincipal:
    """A member of staff; unit staff carry their department or grid (with its subtree path)."""

    user_id: int
    username: str
    role: Role
    department_id: int | None = None
    grid_id: int | None = None
    grid_path: str | None = None
    # An admin set a one-time password: nothing but changing it is allowed.
    must_change_password: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.USER, f"user:{self.user_id}")

    @property
    def sees_citywide(self) -> bool:
        return self.role in CITYWIDE_ROLES

    @property
    def is_dispatch_centre(self) -> bool:
        return self.role in DISPATCH_CENTRE_ROLES


Principal = ClientPrincipal | StaffPrincipal
# Checked credentials: ("key", key hash) for integrations, ("user", user id, login) for staff.
PrincipalCache = TtlCache[tuple[Hashable, ...], Principal]
