"""Staff accounts over their life: a new role or unit, disabled and enabled again, a
one-time password from an admin, a password changed by its owner, the password policy."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.passwords import common_passwords
from tests import factories
from tests.auth.conftest import PASSWORD, Account
from tests.auth.test_login import (
    ME,
    TICKETS,
    USERS,
    _assert_problem,
    _bearer,
    _login,
    _refresh,
    _tokens,
)

PASSWORD_CHANGE = "/api/v1/auth/password"
NEW_PASSWORD = "tea-by-the-min-river-2027"


def _patch(client: TestClient, admin: dict[str, str], user_id: int, **body: Any) -> Any:
    return client.patch(f"{USERS}/{user_id}", json=body, headers=admin)


def _shut_out(client: TestClient, pair: dict[str, Any]) -> None:
    """The login of `pair` has ended: neither of its tokens works."""
    _assert_problem(client.get(ME, headers=_bearer(pair["access_token"])), 401)
    _assert_problem(_refresh(client, pair["refresh_token"]), 401)


def test_a_new_role_ends_every_login_and_the_next_one_has_it(
    anonymous: TestClient, account: Account, auth: dict[str, dict[str, str]]
) -> None:
    pair = _tokens(_login(anonymous, account.username))

    changed = _patch(anonymous, auth["admin"], account.id, role="supervisor")

    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "supervisor"
    _shut_out(anonymous, pair)
    again = _tokens(_login(anonymous, account.username))
    assert anonymous.get(ME, headers=_bearer(again["access_token"])).json()["role"] == "supervisor"


def test_a_move_to_another_unit_ends_every_login(
    anonymous: TestClient, account: Account, auth: dict[str, dict[str, str]]
) -> None:
    to_grid = _patch(
        anonymous,
        auth["admin"],
        account.id,
        role="unit_handler",
        grid_code=factories.COMMUNITY_CODE,
    )
    assert to_grid.status_code == 200, to_grid.text
    pair = _tokens(_login(anonymous, account.username))

    moved = _patch(anonymous, auth["admin"], account.id, department_code="water")

    assert moved.status_code == 200, moved.text
    assert moved.json()["grid_id"] is None
    assert moved.json()["department_id"] is not None
    _shut_out(anonymous, pair)


def test_a_new_display_name_keeps_the_logins(
    anonymous: TestClient, account: Account, auth: dict[str, dict[str, str]]
) -> None:
    pair = _tokens(_login(anonymous, account.username))

    renamed = _patch(anonymous, auth["admin"], account.id, display_name="王丽（夜班）")

    assert renamed.json()["display_name"] == "王丽（夜班）"
    assert anonymous.get(ME, headers=_bearer(pair["access_token"])).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "unit_handler"}, "role"),
        ({"role": "grid_worker"}, "grid_code"),
        ({"role": "unit_handler", "department_code": "no_such_unit"}, "department_code"),
        ({"role": "dispatcher", "grid_code": factories.COMMUNITY_CODE}, "role"),
    ],
)
def test_a_role_and_unit_that_do_not_fit_are_refused_and_nothing_changes(
    anonymous: TestClient,
    account: Account,
    auth: dict[str, dict[str, str]],
    body: dict[str, str],
    field: str,
) -> None:
    pair = _tokens(_login(anonymous, account.username))

    refused = _patch(anonymous, auth["admin"], account.id, **body)

    assert _assert_problem(refused, 422)["field"] == field
    me = anonymous.get(ME, headers=_bearer(pair["access_token"]))
    assert me.json()["role"] == "dispatcher"


def test_the_last_admin_cannot_be_demoted(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    users = anonymous.get(USERS, headers=auth["admin"]).json()
    admin_id = next(user["id"] for user in users if user["username"] == "admin")

    refused = _patch(anonymous, auth["admin"], admin_id, role="dispatcher")

    _assert_problem(refused, 409)
    assert anonymous.get(ME, headers=auth["admin"]).json()["role"] == "admin"


def test_a_disabled_account_can_be_enabled_again(
    anonymous: TestClient, account: Account, auth: dict[str, dict[str, str]]
) -> None:
    pair = _tokens(_login(anonymous, account.username))
    anonymous.post(f"{USERS}/{account.id}/disable", headers=auth["admin"])
    _shut_out(anonymous, pair)

    enabled = anonymous.post(f"{USERS}/{account.id}/enable", headers=auth["admin"])

    assert enabled.status_code == 200
    assert enabled.json()["disabled_at"] is None
    _tokens(_login(anonymous, account.username))
    _shut_out(anonymous, pair)  # the logins it had stay ended


def test_a_one_time_password_must_be_changed_before_anything_else(
    anonymous: TestClient, account: Account, auth: dict[str, dict[str, str]]
) -> None:
    before = _tokens(_login(anonymous, account.username))

    reset = anonymous.post(
        f"{USERS}/{account.id}/password",
        json={"password": "one-time-4417-pass"},
        headers=auth["admin"],
    )

    assert reset.status_code == 200, reset.text
    assert reset.json()["must_change_password"] is True
    _shut_out(anonymous, before)
    _assert_problem(_login(anonymous, account.username, PASSWORD), 401)
    pair = _tokens(_login(anonymous, account.username, "one-time-4417-pass"))
    assert pair["password_change_required"] is True
    token = _bearer(pair["access_token"])
    blocked = _assert_problem(anonymous.get(TICKETS, headers=token), 403)
    assert blocked["type"].endswith("/password-change-required")
    assert "POST /api/v1/auth/password" in blocked["detail"]
    filed = anonymous.post(TICKETS, json=factories.web(), headers=token)
    _assert_problem(filed, 403)
    assert anonymous.get(ME, headers=token).json()["must_change_password"] is True

    changed = anonymous.post(
        PASSWORD_CHANGE,
        json={"old_password": "one-time-4417-pass", "new_password": NEW_PASSWORD},
        headers=token,
    )

    assert changed.status_code == 204, changed.text
    assert anonymous.get(TICKETS, headers=token).status_code == 200  # this login goes on
    fresh = _tokens(_login(anonymous, account.username, NEW_PASSWORD))
    assert fresh["password_change_required"] is False


def test_changing_ones_own_password_ends_the_other_logins(
    anonymous: TestClient, account: Account
) -> None:
    this = _tokens(_login(anonymous, account.username))
    other = _tokens(_login(anonymous, account.username))

    changed = anonymous.post(
        PASSWORD_CHANGE,
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=_bearer(this["access_token"]),
    )

    assert changed.status_code == 204, changed.text
    assert anonymous.get(ME, headers=_bearer(this["access_token"])).status_code == 200
    _shut_out(anonymous, other)
    _assert_problem(_login(anonymous, account.username, PASSWORD), 401)
    _tokens(_login(anonymous, account.username, NEW_PASSWORD))


def test_a_wrong_old_password_changes_nothing(anonymous: TestClient, account: Account) -> None:
    pair = _tokens(_login(anonymous, account.username))

    refused = anonymous.post(
        PASSWORD_CHANGE,
        json={"old_password": "not-the-password", "new_password": NEW_PASSWORD},
        headers=_bearer(pair["access_token"]),
    )

    assert _assert_problem(refused, 422)["field"] == "old_password"
    _tokens(_login(anonymous, account.username, PASSWORD))


@pytest.mark.parametrize(
    ("new_password", "rules"),
    [
        ("password123", ["most common passwords"]),
        ("Qwertyuiop", ["most common passwords"]),
        ("{username}2026", ["username"]),
    ],
)
def test_the_policy_names_every_rule_a_new_password_breaks(
    anonymous: TestClient, account: Account, new_password: str, rules: list[str]
) -> None:
    pair = _tokens(_login(anonymous, account.username))
    new_password = new_password.format(username=account.username.upper())

    refused = anonymous.post(
        PASSWORD_CHANGE,
        json={"old_password": PASSWORD, "new_password": new_password},
        headers=_bearer(pair["access_token"]),
    )

    problem = _assert_problem(refused, 422)
    assert problem["field"] == "new_password"
    assert len(problem["errors"]) == len(rules)
    for error, rule in zip(problem["errors"], rules, strict=True):
        assert rule in error["message"]
    _tokens(_login(anonymous, account.username, PASSWORD))


def test_a_new_account_with_a_breached_password_is_refused(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    username = factories.unique("clerk")
    body = {
        "username": username,
        "display_name": "Clerk",
        "password": "1qaz2wsx3edc",
        "role": "dispatcher",
    }

    refused = anonymous.post(USERS, json=body, headers=auth["admin"])

    assert "most common passwords" in _assert_problem(refused, 422)["detail"]
    usernames = [user["username"] for user in anonymous.get(USERS, headers=auth["admin"]).json()]
    assert username not in usernames


def test_no_account_joins_a_retired_department(
    anonymous: TestClient, auth: dict[str, dict[str, str]], account: Account
) -> None:
    code = factories.unique("D")[-12:]
    created = anonymous.post(
        "/api/v1/departments", json={"code": code, "name": "旧区划办"}, headers=auth["admin"]
    )
    assert created.status_code == 201, created.text
    retired = anonymous.post(f"/api/v1/departments/{code}/retire", headers=auth["admin"])
    assert retired.status_code == 200, retired.text
    username = factories.unique("clerk")
    body = {
        "username": username,
        "display_name": "Clerk",
        "password": NEW_PASSWORD,
        "role": "unit_handler",
        "department_code": code,
    }

    refused = anonymous.post(USERS, json=body, headers=auth["admin"])
    moved = _patch(anonymous, auth["admin"], account.id, role="unit_handler", department_code=code)

    assert _assert_problem(refused, 422)["field"] == "department_code"
    assert _assert_problem(moved, 422)["field"] == "department_code"
    usernames = [user["username"] for user in anonymous.get(USERS, headers=auth["admin"]).json()]
    assert username not in usernames


def test_the_shipped_list_holds_the_breached_passwords() -> None:
    common = common_passwords()
    assert len(common) > 19_000
    assert {"123456", "password", "1qaz2wsx3edc", "qwertyuiop"} <= common
