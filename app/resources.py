"""The process-wide objects every request may use, in one typed container.

`create_app` builds one `Resources` and keeps it as `app.state.resources`; code reads it
with `resources_of(request)` (or `ResourcesDep` as a parameter), never by loose attributes
of `app.state`, so mypy checks every use.

The infrastructure every package shares (settings, the database, the signing secret, the
credential cache) is typed fields. A domain's object (routing's rules, the SLA catalogue,
the grid locator, the rate limiter) is held under a key its own package declares, as
aiohttp's `AppKey`: routing says `ROUTING: ResourceKey[RoutingState] = ResourceKey("routing")`,
and a reader asks `resources[ROUTING]`, typed by the key. So this module imports none of
the domains, and every package may read it.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

from fastapi import Request

from app.config import Settings
from app.identity.principal import PrincipalCache
from app.unit_of_work import Database

T = TypeVar("T")


class ResourceKey(Generic[T]):
    """The key of one object in `Resources`, declared by the package the object is of;
    its type parameter is the object's type. Keys are told apart by identity, so two
    packages' keys never collide, whatever their names."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"ResourceKey({self.name!r})"


@dataclass(frozen=True)
class Resources:
    settings: Settings
    database: Database
    # The newest migration this code knows (readiness compares the database with it).
    schema_head: str | None
    # Signs staff access tokens.
    jwt_secret: str
    # Checked credentials, remembered for HOTLINE_CREDENTIAL_CACHE_SECONDS.
    principal_cache: PrincipalCache
    # Where reports read the statistics (HOTLINE_REPORTS_DATABASE_URL); None: `database`.
    reports_database: Database | None = None
    # The domains' objects by their keys; put only through `holding`, which the key types.
    _held: Mapping[object, object] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: ResourceKey[T]) -> T:
        try:
            found = self._held[key]
        except KeyError:
            raise LookupError(f"The app's resources hold no {key.name}.") from None
        # `holding` put it under this key, whose type it was checked against.
        return cast(T, found)

    def holding(self, key: ResourceKey[T], value: T) -> "Resources":
        """These resources with `value` under `key` (in place of what was there)."""
        return dataclasses.replace(self, _held={**self._held, key: value})


def resources_of(request: Request) -> Resources:
    """The app's resources (for code that takes no FastAPI parameters: the hot path)."""
    resources: Resources = request.app.state.resources
    return resources
