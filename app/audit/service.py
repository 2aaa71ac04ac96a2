"""Writing the audit log: every administrative change, in the transaction that makes it."""

import base64
import binascii
import enum
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, inspect, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.clock import utc_now
from app.db import Base
from app.errors import UnprocessableContent
from app.identity.actors import SYSTEM, Actor, ActorKind
from app.identity.principal import ClientPrincipal, Principal


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
    WEBHOOK_SUBSCRIPTION = "webhook_subscription"


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


def principal_name(principal: Principal | None) -> str | None:
    """A username, or an integration's name; None for the system."""
    if principal is None:
        return None
    return principal.name if isinstance(principal, ClientPrincipal) else principal.username


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
        actor_kind, actor_ref = ActorKind.SYSTEM, None
    else:
        actor_kind, actor_ref = actor.actor.kind, actor.actor.ref
    session.add(
        AuditEntry(
            created_at=utc_now(),
            actor_kind=str(actor_kind),
            actor_ref=actor_ref,
            actor_name=principal_name(actor),
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

    @property
    def name(self) -> str | None:
        return principal_name(self.principal)

    @property
    def actor(self) -> Actor:
        """Who to name on a ticket's timeline for what this change does to it."""
        return self.principal.actor if self.principal is not None else SYSTEM

    def record(
        self,
        session: Session,
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


def lifecycle_action(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """What a change to something that is retired rather than deleted did, read from its
    `retired_at` before and after: retire, reactivate, or update."""
    if before["retired_at"] is None and after["retired_at"] is not None:
        return "retire"
    if before["retired_at"] is not None and after["retired_at"] is None:
        return "reactivate"
    return "update"


SYSTEM_EDITOR = Editor(None, None)


_NOT_KEPT = frozenset({"id", "created_at", "updated_at"})


def fields_of(row: Base, leave_out: frozenset[str] = _NOT_KEPT) -> dict[str, Any]:
    """A row's column values by attribute name, for `before` and `after`: what an admin
    set, without the bookkeeping (`id`, `created_at`, `updated_at`)."""
    return {
        attribute.key: getattr(row, attribute.key)
        for attribute in inspect(row).mapper.column_attrs
        if attribute.key not in leave_out
    }


# Reading the log


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None  # a username, an integration's name, or "user:6", "client:1"
    kind: str | None = None
    object_code: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class AuditCursor:
    """Where a page ended: the last entry's time and id (the log is read newest first)."""

    created_at: datetime
    entry_id: int

    def encode(self) -> str:
        raw = json.dumps([self.created_at.isoformat(), self.entry_id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "AuditCursor":
        try:
            padded = token + "=" * (-len(token) % 4)
            created_at, entry_id = json.loads(base64.urlsafe_b64decode(padded))
            return cls(datetime.fromisoformat(created_at), int(entry_id))
        except (ValueError, TypeError, binascii.Error) as error:
            raise UnprocessableContent(
                "The cursor is not one this API gave out.", field="cursor"
            ) from error


def _query(filters: AuditFilters) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if filters.actor is not None:
        query = query.where(
            or_(AuditEntry.actor_name == filters.actor, AuditEntry.actor_ref == filters.actor)
        )
    if filters.kind is not None:
        query = query.where(AuditEntry.kind == filters.kind)
    if filters.object_code is not None:
        query = query.where(AuditEntry.object_code == filters.object_code)
    if filters.since is not None:
        query = query.where(AuditEntry.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.created_at < filters.until)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def list_entries(
    session: Session, filters: AuditFilters, limit: int, after: AuditCursor | None = None
) -> tuple[list[AuditEntry], AuditCursor | None]:
    """One page of the entries that pass `filters`, newest first, and the cursor of the
    next page (None on the last). Keyset paging: an entry added meanwhile never shifts a
    page."""
    query = _query(filters)
    if after is not None:
        query = query.where(
            or_(
                AuditEntry.created_at < after.created_at,
                and_(AuditEntry.created_at == after.created_at, AuditEntry.id < after.entry_id),
            )
        )
    rows = list(session.scalars(query.limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], AuditCursor(last.created_at, last.id)


def iter_entries(session: Session, filters: AuditFilters, batch: int = 500) -> Iterator[AuditEntry]:
    """Every entry that passes `filters`, newest first, read a batch at a time."""
    cursor: AuditCursor | None = None
    while True:
        rows, cursor = list_entries(session, filters, batch, cursor)
        yield from rows
        if cursor is None:
            return
