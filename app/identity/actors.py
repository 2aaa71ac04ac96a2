"""Who did something: written on every timeline event."""

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    SYSTEM = "system"
    CLIENT = "client"  # an integration: a call centre's software, an app
    USER = "user"  # a member of staff
    CITIZEN = "citizen"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    ref: str | None = None  # the client's or user's id; None for the system and the public

    @property
    def idempotency_scope(self) -> str:
        return f"{self.kind}:{self.ref or '-'}"


SYSTEM = Actor(ActorKind.SYSTEM)
