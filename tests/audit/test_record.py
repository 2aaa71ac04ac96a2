"""The audit log's writer: an entry per change, in the change's own transaction."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.audit.service import AuditKind, record_change
from app.clock import FrozenClock
from app.identity.principal import ClientPrincipal, StaffPrincipal
from app.identity.roles import Role

ADMIN = StaffPrincipal(user_id=7, username="wang.admin", role=Role.ADMIN)
KEY = ClientPrincipal(client_id=3, name="12345 call centre", channels=frozenset({"web"}))


def _entries(session: Session) -> list[AuditEntry]:
    """The entries the test made (the shared database holds the demo map's import)."""
    query = select(AuditEntry).where(AuditEntry.kind != "grid_map")
    return list(session.scalars(query.order_by(AuditEntry.id)))


def test_a_change_is_kept_with_who_when_where_and_what(
    session: Session, clock: FrozenClock
) -> None:
    at = clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))

    record_change(
        session,
        ADMIN,
        kind=AuditKind.DEPARTMENT,
        action="update",
        object_code="urban",
        before={"name": "城管", "retired_at": None},
        after={"name": "城市管理局", "retired_at": at},
        address="10.0.0.5",
    )

    (entry,) = _entries(session)
    assert (entry.actor_kind, entry.actor_ref, entry.actor_name) == ("user", "user:7", "wang.admin")
    assert (entry.kind, entry.action, entry.object_code) == ("department", "update", "urban")
    assert entry.created_at == at
    assert entry.address == "10.0.0.5"
    assert entry.before == {"name": "城管", "retired_at": None}
    assert entry.after == {"name": "城市管理局", "retired_at": "2026-12-01T09:30:00+00:00"}


def test_an_integration_is_named_and_the_system_is_nobody(session: Session) -> None:
    record_change(
        session,
        KEY,
        kind="integration_key",
        action="rotate",
        object_code="3",
        before=None,
        after={"channels": frozenset({"web", "qr_code"})},
        address=None,
    )
    record_change(
        session,
        None,
        kind="category",
        action="create",
        object_code="90",
        before=None,
        after={"name": "市容"},
        address=None,
    )

    key_entry, system_entry = _entries(session)
    assert (key_entry.actor_ref, key_entry.actor_name) == ("client:3", "12345 call centre")
    assert key_entry.after == {"channels": ["qr_code", "web"]}
    assert (system_entry.actor_kind, system_entry.actor_ref, system_entry.actor_name) == (
        "system",
        None,
        None,
    )


def test_an_update_that_changed_nothing_is_not_recorded(session: Session) -> None:
    record_change(
        session,
        ADMIN,
        kind="category",
        action="update",
        object_code="0101",
        before={"name": "路灯"},
        after={"name": "路灯"},
        address=None,
    )

    assert _entries(session) == []


def test_the_entry_goes_with_its_transaction(session: Session) -> None:
    savepoint = session.begin_nested()
    record_change(
        session,
        ADMIN,
        kind="department",
        action="create",
        object_code="water",
        before=None,
        after={"name": "水务局"},
        address=None,
    )
    savepoint.rollback()

    assert _entries(session) == []
