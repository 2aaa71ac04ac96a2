"""Integration keys over their life: rotated with a grace period, renamed, given other
channels, their last use shown; and the audit log's entries for staff and keys."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEntry
from app.clock import FrozenClock
from app.config import Settings
from tests import factories
from tests.apps import app_with
from tests.auth.test_login import CLIENTS, TICKETS, USERS, _assert_problem

GRACE_MINUTES = 90


@pytest.fixture
def api(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """The app with no remembered credentials: every request checks its key, so the end
    of a grace period shows at once."""
    app = app_with(settings, session_factory, credential_cache_seconds=0)
    with TestClient(app) as client:
        yield client


def _new_client(api: TestClient, admin: dict[str, str], *channels: str) -> dict[str, Any]:
    body = {"name": factories.unique("Portal"), "channels": list(channels)}
    response = api.post(CLIENTS, json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _files(api: TestClient, key: str) -> int:
    response = api.post(TICKETS, json=factories.web(), headers={"X-API-Key": key})
    status: int = response.status_code
    return status


def _listed(api: TestClient, admin: dict[str, str], client_id: int) -> dict[str, Any]:
    [entry] = [c for c in api.get(CLIENTS, headers=admin).json() if c["id"] == client_id]
    assert isinstance(entry, dict)
    return entry


def _rotate(api: TestClient, admin: dict[str, str], client_id: int, minutes: int) -> Any:
    return api.post(f"{CLIENTS}/{client_id}/rotate", json={"grace_minutes": minutes}, headers=admin)


def test_a_rotated_key_works_through_its_grace_period_then_stops(
    api: TestClient, auth: dict[str, dict[str, str]], clock: FrozenClock
) -> None:
    created = _new_client(api, auth["admin"], "web")
    old_key = created["api_key"]

    rotated = _rotate(api, auth["admin"], created["id"], GRACE_MINUTES)

    assert rotated.status_code == 200, rotated.text
    new_key = rotated.json()["api_key"]
    assert new_key != old_key
    assert rotated.json()["previous_key_prefix"] == created["key_prefix"]
    assert new_key not in api.get(CLIENTS, headers=auth["admin"]).text  # shown once
    assert _files(api, old_key) == 201
    assert _files(api, new_key) == 201
    listed = _listed(api, auth["admin"], created["id"])
    assert listed["last_used_at"] is not None
    assert listed["previous_key_last_used_at"] is not None

    clock.advance(timedelta(minutes=GRACE_MINUTES) - timedelta(seconds=1))
    assert _files(api, old_key) == 201
    clock.advance(timedelta(seconds=1))

    assert _files(api, old_key) == 401
    assert _files(api, new_key) == 201


def test_a_rotation_without_grace_stops_the_old_key_at_once(
    api: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    created = _new_client(api, auth["admin"], "web")

    rotated = _rotate(api, auth["admin"], created["id"], 0)

    assert rotated.json()["previous_key_prefix"] is None
    assert _files(api, created["api_key"]) == 401
    assert _files(api, rotated.json()["api_key"]) == 201


def test_rotating_again_ends_the_earlier_grace(
    api: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    created = _new_client(api, auth["admin"], "web")
    second = _rotate(api, auth["admin"], created["id"], GRACE_MINUTES).json()["api_key"]

    third = _rotate(api, auth["admin"], created["id"], GRACE_MINUTES).json()["api_key"]

    assert _files(api, created["api_key"]) == 401
    assert _files(api, second) == 201
    assert _files(api, third) == 201


@pytest.mark.parametrize("minutes", [-1, 30 * 24 * 60 + 1])
def test_a_grace_period_out_of_range_is_refused(
    api: TestClient, auth: dict[str, dict[str, str]], minutes: int
) -> None:
    created = _new_client(api, auth["admin"], "web")

    _assert_problem(_rotate(api, auth["admin"], created["id"], minutes), 422)

    assert _files(api, created["api_key"]) == 201


def test_a_revoked_key_cannot_be_rotated_and_revoking_ends_the_grace_too(
    api: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    created = _new_client(api, auth["admin"], "web")
    new_key = _rotate(api, auth["admin"], created["id"], GRACE_MINUTES).json()["api_key"]

    api.post(f"{CLIENTS}/{created['id']}/revoke", headers=auth["admin"])

    assert _files(api, created["api_key"]) == 401
    assert _files(api, new_key) == 401
    _assert_problem(_rotate(api, auth["admin"], created["id"], GRACE_MINUTES), 409)


def test_renaming_and_new_channels_keep_the_key(
    api: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    created = _new_client(api, auth["admin"], "web")
    name = factories.unique("Renamed portal")

    changed = api.patch(
        f"{CLIENTS}/{created['id']}",
        json={"name": name, "channels": ["hotline_12345"]},
        headers=auth["admin"],
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == name
    assert changed.json()["channels"] == ["hotline_12345"]
    assert _files(api, created["api_key"]) == 403  # web is no longer its channel
    hotline = api.post(
        TICKETS, json=factories.hotline_12345(), headers={"X-API-Key": created["api_key"]}
    )
    assert hotline.status_code == 201, hotline.text


def test_a_taken_name_and_an_unknown_channel_are_refused(
    api: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    first = _new_client(api, auth["admin"], "web")
    second = _new_client(api, auth["admin"], "web")
    path = f"{CLIENTS}/{second['id']}"

    _assert_problem(api.patch(path, json={"name": first["name"]}, headers=auth["admin"]), 409)
    _assert_problem(api.patch(path, json={"channels": ["fax"]}, headers=auth["admin"]), 422)
    _assert_problem(api.patch(f"{CLIENTS}/999999", json={}, headers=auth["admin"]), 404)

    assert _listed(api, auth["admin"], second["id"])["name"] == second["name"]


def _entries(session: Session, kind: str, object_code: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.kind == kind, AuditEntry.object_code == object_code)
    return list(session.scalars(query.order_by(AuditEntry.id)))


def test_key_changes_are_in_the_audit_log_without_the_key(
    api: TestClient, auth: dict[str, dict[str, str]], session: Session
) -> None:
    created = _new_client(api, auth["admin"], "web")
    new_key = _rotate(api, auth["admin"], created["id"], GRACE_MINUTES).json()["api_key"]

    entries = _entries(session, "integration_key", str(created["id"]))

    assert [(e.action, e.actor_name) for e in entries] == [
        ("create", "admin"),
        ("rotate", "admin"),
    ]
    rotation = entries[1]
    assert rotation.before is not None
    assert rotation.after is not None
    assert rotation.before["key_prefix"] == created["key_prefix"]
    assert rotation.after["previous_key_prefix"] == created["key_prefix"]
    assert rotation.address is not None
    text = str([(e.before, e.after) for e in entries])
    assert created["api_key"] not in text
    assert new_key not in text


def test_staff_changes_are_in_the_audit_log_without_passwords(
    api: TestClient, auth: dict[str, dict[str, str]], session: Session
) -> None:
    body = {
        "username": factories.unique("clerk"),
        "display_name": "Clerk",
        "password": "tea-by-the-min-river-2026",
        "role": "dispatcher",
    }
    user = api.post(USERS, json=body, headers=auth["admin"]).json()
    path = f"{USERS}/{user['id']}"
    api.patch(path, json={"role": "supervisor"}, headers=auth["admin"])
    api.post(f"{path}/password", json={"password": "one-time-7731-pass"}, headers=auth["admin"])
    api.post(f"{path}/disable", headers=auth["admin"])
    api.post(f"{path}/enable", headers=auth["admin"])

    entries = _entries(session, "user", body["username"])

    assert [e.action for e in entries] == [
        "create",
        "update",
        "set_one_time_password",
        "disable",
        "enable",
    ]
    role_change = entries[1]
    assert role_change.before is not None
    assert role_change.after is not None
    assert (role_change.before["role"], role_change.after["role"]) == ("dispatcher", "supervisor")
    assert entries[2].after is not None
    assert entries[2].after["must_change_password"] is True
    text = str([(e.before, e.after) for e in entries])
    assert "tea-by-the-min-river-2026" not in text
    assert "one-time-7731-pass" not in text
    assert "argon2" not in text
