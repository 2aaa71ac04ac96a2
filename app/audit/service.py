"""Writing the audit log: every administrative change, in the transaction that makes it."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.actors import ActorKind
from app.auth.principal import ClientPrincipal, Principal
from app.clock import utc_now


class AuditKind(enum.StrEnum):
    """What sort of thing an entry is about; `object_code` names which one."""

    DEPARTMENT = "department"
    CATEGORY = "category"
    GRID_MAP = "grid_map"
    ROUTING_RULE = "routing_rule"
    KEYWORD_RULE = "keyword_rule"
    SLA_POLICY = "sla_policy"
    CALENDAR = "calendar"
    USER = "user"
    INTEGRATION_KEY = "integration_key"
    REPORTER_REVEAL = "reporter_reveal"


def _plain(value: object) -> Any:
    """`value` as JSON keeps it, the same on both databases."""
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _document(values: Mapping[str, object] | None) -> dict[str, Any] | None:
    return None if values is None else {str(k): _plain(v) for k, v in values.items()}


def record_change(
    session: Session,
    actor: Principal | None,
    *,
    kind: str,
    action: str,
    object_code: str,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
    address: str | None,
) -> None:
    """Add one entry to the audit log in the caller's transaction, so the entry and the
    change it records are committed (or rolled back) together.

    `actor` None is the system (a command run on the server). `before` is the object as it
    was (None when it is created), `after` as it is now (None when it is deleted); both
    are kept as JSON (times as ISO 8601 text). An update whose `before` and `after` are
    equal changed nothing and is not recorded."""
    before_doc, after_doc = _document(before), _document(after)
    if before_doc is not None and before_doc == after_doc:
        return
    if actor is None:
        actor_kind, actor_ref, actor_name = ActorKind.SYSTEM, None, None
    else:
        actor_kind, actor_ref = actor.actor.kind, actor.actor.ref
        actor_name = actor.name if isinstance(actor, ClientPrincipal) else actor.username
    session.add(
        AuditEntry(
            created_at=utc_now(),
            actor_kind=str(actor_kind),
            actor_ref=actor_ref,
            actor_name=actor_name,
            kind=kind,
            action=action,
            object_code=object_code,
            before=before_doc,
            after=after_doc,
            address=address,
        )
    )
    session.flush()


@dataclass(frozen=True)
class Editor:
    """Who is making a change and from where: what the services that change the city's
    set-up are given, so that each records its own changes."""

    principal: Principal | None
    address: str | None

    def record(
        self,
        session: Session,
        *,
        kind: str,
        action: str,
        object_code: str,
        before: Mapping[str, object] | None,
        after: Mapping[str, object] | None,
    ) -> None:
        """`record_change` by this editor."""
        record_change(
            session,
            self.principal,
            kind=kind,
            action=action,
            object_code=object_code,
            before=before,
            after=after,
            address=self.address,
        )


SYSTEM_EDITOR = Editor(None, None)
