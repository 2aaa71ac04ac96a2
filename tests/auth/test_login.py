"""Staff login over HTTP (OAuth2 password flow), refresh tokens, slowdown and lockout,
accounts and integration keys made by an admin, and the CLI that makes the first ones.

Accounts made here get a cheap argon2 hash (the app's verifier reads the cost from the hash
itself), so the tests that fail a login again and again stay fast; the demo dispatcher and
the accounts made through the API and the CLI go through the real cost.
"""

import io
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import LoginThrottle
from app.auth.secrets import sha256_hex
from app.auth.service import end_login
from app.auth.throttle import SLOWDOWN_AFTER_FAILURES, count_failure, name_key
from app.auth.tokens import access_claims, issue_access_token
from app.cli import main
from app.clock import utc_now
from app.config import Settings
from app.main import create_app
from app.tickets.models import Ticket
from tests import factories
from tests.apps import app_with
from tests.auth.conftest import PASSWORD, Account
from tests.conftest import JWT_SECRET

ClientMaker = Callable[..., TestClient]

API = "/api/v1"
TOKEN = f"{API}/auth/token"
REFRESH = f"{API}/auth/refresh"
ME = f"{API}/auth/me"
USERS = f"{API}/users"
CLIENTS = f"{API}/integration-clients"
TICKETS = f"{API}/tickets"
PROBLEM_JSON = "application/problem+json"
WRONG_PASSWORD_DETAIL = "Wrong username or password."


@pytest.fixture
def client_with(
    settings: Settings, session_factory: sessionmaker[Session]
) -> Iterator[ClientMaker]:
    """Build a client like `anonymous`, with some settings changed."""
    with ExitStack() as stack:

        def make(**changes: Any) -> TestClient:
            app = app_with(settings, session_factory, **changes)
            return stack.enter_context(TestClient(app))

        yield make


def _login(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    response: httpx.Response = client.post(TOKEN, data={"username": username, "password": password})
    return response


def _refresh(client: TestClient, refresh_token: str) -> httpx.Response:
    response: httpx.Response = client.post(REFRESH, json={"refresh_token": refresh_token})
    return response


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def _tokens(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


def _assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem


def _retry_after(response: httpx.Response) -> int:
    _assert_problem(response, 429)
    return int(response.headers["retry-after"])


def _let_the_wait_pass(session: Session, username: str) -> None:
    """Move the name's wait into the past, instead of sleeping through it."""
    past = utc_now() - timedelta(seconds=1)
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.name_hash == name_key(username))
        .values(locked_until=past)
    )
    session.commit()


def _throttle(session: Session, username: str) -> LoginThrottle | None:
    session.expire_all()
    return session.get(LoginThrottle, name_key(username))


# --- The password flow. ---


def test_login_answers_a_token_pair_that_works(anonymous: TestClient) -> None:
    pair = _tokens(_login(anonymous, "dispatcher", "demo-dispatcher-password"))

    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 900
    assert pair["refresh_token"]
    me = anonymous.get(ME, headers=_bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "dispatcher"
    assert me.json()["role"] == "dispatcher"


def test_a_wrong_password_is_401(anonymous: TestClient, account: Account) -> None:
    response = _login(anonymous, account.username, "not-the-password")

    assert _assert_problem(response, 401)["detail"] == WRONG_PASSWORD_DETAIL
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_unknown_user_gets_the_answer_of_a_wrong_password(
    anonymous: TestClient, account: Account
) -> None:
    wrong_password = _login(anonymous, account.username, "not-the-password")
    unknown_user = _login(anonymous, "nobody-of-that-name", "not-the-password")

    assert _assert_problem(unknown_user, 401) == _assert_problem(wrong_password, 401)
    assert unknown_user.headers["www-authenticate"] == wrong_password.headers["www-authenticate"]


@pytest.mark.usefixtures("clock")  # the waits stay exact however slow hashing is
def test_after_three_failures_even_the_right_password_must_wait(
    anonymous: TestClient, session: Session, account: Account
) -> None:
    for _ in range(SLOWDOWN_AFTER_FAILURES):
        _assert_problem(_login(anonymous, account.username, "not-the-password"), 401)

    assert 1 <= _retry_after(_login(anonymous, account.username)) <= 2

    _let_the_wait_pass(session, account.username)
    _tokens(_login(anonymous, account.username))


@pytest.mark.usefixtures("clock")  # the waits stay exact however slow hashing is
def test_failures_wait_longer_each_time_then_lock_the_account(
    client_with: ClientMaker, session: Session, account: Account
) -> None:
    lockout_minutes, max_failures = 7, 5
    client = client_with(login_lockout_minutes=lockout_minutes, login_max_failures=max_failures)

    def fail() -> None:
        _let_the_wait_pass(session, account.username)
        _assert_problem(_login(client, account.username, "not-the-password"), 401)

    for _ in range(SLOWDOWN_AFTER_FAILURES - 1):
        fail()
    waits = []
    for _ in range(SLOWDOWN_AFTER_FAILURES, max_failures + 1):
        fail()
        waits.append(_retry_after(_login(client, account.username)))

    # 2 s after the third failure, 4 s after the fourth, then locked for the minutes set.
    assert waits[0] in (1, 2)
    assert waits[1] in (3, 4)
    assert lockout_minutes * 60 - 5 <= waits[2] <= lockout_minutes * 60
    throttle = _throttle(session, account.username)
    assert throttle is not None
    assert throttle.locked_until is not None
    assert throttle.locked_until - utc_now() > timedelta(minutes=lockout_minutes - 1)

    _let_the_wait_pass(session, account.username)
    _tokens(_login(client, account.username))


def test_a_successful_login_resets_the_failure_count(
    anonymous: TestClient, session: Session, account: Account
) -> None:
    for _ in range(SLOWDOWN_AFTER_FAILURES - 1):
        _assert_problem(_login(anonymous, account.username, "not-the-password"), 401)
    _tokens(_login(anonymous, account.username))
    assert _throttle(session, account.username) is None

    for _ in range(SLOWDOWN_AFTER_FAILURES - 1):
        _assert_problem(_login(anonymous, account.username, "not-the-password"), 401)
    _tokens(_login(anonymous, account.username))  # not slowed down: the count started over


def _answers_to_failures(
    client: TestClient, session: Session, username: str, max_failures: int
) -> list[tuple[int, int]]:
    """What a guesser sees: after each wrong password, how a further wrong one is answered
    (the status, and the seconds to wait when it is 429)."""
    answers = []
    for _ in range(max_failures):
        _assert_problem(_login(client, username, "not-the-password"), 401)
        attempt = _login(client, username, "not-the-password")
        if attempt.status_code == 429:
            answers.append((429, _retry_after(attempt)))
            _let_the_wait_pass(session, username)
        else:
            answers.append((_assert_problem(attempt, 401)["status"], 0))
    return answers


@pytest.mark.usefixtures("clock")  # the waits stay exact however slow hashing is
@pytest.mark.slow
def test_a_made_up_name_is_slowed_and_locked_like_an_account(
    client_with: ClientMaker, session: Session, account: Account
) -> None:
    """Otherwise the 429s would tell a guesser which usernames exist."""
    max_failures = 6
    client = client_with(
        login_lockout_minutes=1, login_max_failures=max_failures, rate_limit_login_per_minute=100
    )

    for_the_account = _answers_to_failures(client, session, account.username, max_failures)
    for_a_made_up_name = _answers_to_failures(
        client, session, factories.unique("nobody"), max_failures
    )

    # Two failures a round: waits of 2, 4 and 8 s, then the lockout, then counting anew.
    statuses = [status for status, _ in for_the_account]
    assert statuses == [401, 429, 429, 429, 429, 401]
    assert for_the_account[4][1] >= 55
    assert [status for status, _ in for_a_made_up_name] == statuses
    for (_, account_wait), (_, made_up_wait) in zip(
        for_the_account, for_a_made_up_name, strict=True
    ):
        assert abs(account_wait - made_up_wait) <= 1


def test_an_over_long_name_is_refused_like_any_other(anonymous: TestClient) -> None:
    response = _login(anonymous, "名" * 2000, "not-the-password")

    assert _assert_problem(response, 401)["detail"] == WRONG_PASSWORD_DETAIL


def test_names_quiet_for_a_day_are_forgotten_unless_locked(session: Session) -> None:
    now = utc_now()
    two_days_ago = now - timedelta(days=2)
    quiet, still_locked = factories.unique("quiet"), factories.unique("locked")
    session.add_all(
        [
            LoginThrottle(name_hash=name_key(quiet), failed_logins=2, updated_at=two_days_ago),
            LoginThrottle(
                name_hash=name_key(still_locked),
                failed_logins=0,
                locked_until=now + timedelta(minutes=5),
                updated_at=two_days_ago,
            ),
        ]
    )
    session.flush()

    count_failure(
        session, factories.unique("new"), now, max_failures=5, lockout=timedelta(minutes=15)
    )

    assert _throttle(session, quiet) is None
    assert _throttle(session, still_locked) is not None


def test_a_disabled_account_is_shut_out_at_once(
    anonymous: TestClient, account: Account, auth: dict[str, dict[str, str]]
) -> None:
    pair = _tokens(_login(anonymous, account.username))

    disabled = anonymous.post(f"{USERS}/{account.id}/disable", headers=auth["admin"])
    assert disabled.status_code == 200
    assert disabled.json()["disabled_at"] is not None

    refused = _login(anonymous, account.username)
    assert _assert_problem(refused, 401)["detail"] == WRONG_PASSWORD_DETAIL
    _assert_problem(_refresh(anonymous, pair["refresh_token"]), 401)
    old_token = anonymous.get(ME, headers=_bearer(pair["access_token"]))
    _assert_problem(old_token, 401)
    assert old_token.headers["www-authenticate"] == "Bearer"


# --- Refresh tokens. ---


def test_a_refresh_token_gives_a_new_pair_once(anonymous: TestClient, account: Account) -> None:
    first = _tokens(_login(anonymous, account.username))

    second = _tokens(_refresh(anonymous, first["refresh_token"]))

    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 900
    me = anonymous.get(ME, headers=_bearer(second["access_token"]))
    assert me.json()["username"] == account.username
    _assert_problem(_refresh(anonymous, first["refresh_token"]), 401)


def _me(client: TestClient, pair: dict[str, Any]) -> httpx.Response:
    response: httpx.Response = client.get(ME, headers=_bearer(pair["access_token"]))
    return response


def _assert_login_ended(response: httpx.Response) -> None:
    assert "login has ended" in _assert_problem(response, 401)["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_reusing_a_spent_refresh_token_ends_that_login_only(
    anonymous: TestClient, account: Account
) -> None:
    stolen = _tokens(_login(anonymous, account.username))
    elsewhere = _tokens(_login(anonymous, account.username))
    renewed = _tokens(_refresh(anonymous, stolen["refresh_token"]))
    assert _me(anonymous, renewed).status_code == 200  # remembered before the login ends

    _assert_problem(_refresh(anonymous, stolen["refresh_token"]), 401)

    # The pair the spent token was traded for is revoked too: someone else may hold it.
    _assert_problem(_refresh(anonymous, renewed["refresh_token"]), 401)
    _assert_login_ended(_me(anonymous, renewed))
    _assert_login_ended(_me(anonymous, stolen))
    assert _me(anonymous, elsewhere).status_code == 200
    _tokens(_refresh(anonymous, elsewhere["refresh_token"]))


def test_logging_out_ends_that_login_only(anonymous: TestClient, account: Account) -> None:
    at_the_desk = _tokens(_login(anonymous, account.username))
    on_the_phone = _tokens(_login(anonymous, account.username))
    assert _me(anonymous, at_the_desk).status_code == 200

    response = anonymous.post(f"{API}/auth/logout", headers=_bearer(at_the_desk["access_token"]))

    assert response.status_code == 204, response.text
    _assert_login_ended(_me(anonymous, at_the_desk))
    _assert_problem(_refresh(anonymous, at_the_desk["refresh_token"]), 401)
    assert _me(anonymous, on_the_phone).status_code == 200
    _tokens(_refresh(anonymous, on_the_phone["refresh_token"]))


def test_a_login_ended_elsewhere_is_refused_once_remembered_credentials_run_out(
    client_with: ClientMaker, session: Session, account: Account
) -> None:
    """Another replica ended the login: this one finds out when it looks the token up."""
    client = client_with(credential_cache_seconds=0)
    pair = _tokens(_login(client, account.username))
    assert _me(client, pair).status_code == 200
    end_login(session, access_claims(pair["access_token"], JWT_SECRET).login or "")
    session.commit()

    _assert_login_ended(_me(client, pair))


def test_intake_by_a_login_ended_elsewhere_is_refused_and_files_nothing(
    client_with: ClientMaker, session: Session, account: Account
) -> None:
    """Intake looks credentials up in a session of its own: the same refusal as elsewhere."""
    client = client_with(credential_cache_seconds=0)
    headers = _bearer(_tokens(_login(client, account.username))["access_token"])
    filed = client.post(TICKETS, json=factories.web(), headers=headers)
    assert filed.status_code == 201, filed.text
    end_login(session, access_claims(headers["Authorization"][7:], JWT_SECRET).login or "")
    session.commit()

    body = factories.web(description=factories.unique("建议在公园增设健身器材"))
    _assert_login_ended(client.post(TICKETS, json=body, headers=headers))
    filed = select(Ticket).where(Ticket.description == body["description"])
    assert session.scalars(filed).first() is None


def test_logging_out_needs_a_staff_token(anonymous: TestClient) -> None:
    response = anonymous.post(f"{API}/auth/logout")

    _assert_problem(response, 401)


def test_an_expired_access_token_is_401_and_says_so(
    anonymous: TestClient, account: Account
) -> None:
    an_hour_ago = utc_now() - timedelta(hours=1)
    token = issue_access_token(account.id, JWT_SECRET, an_hour_ago, timedelta(minutes=15))

    response = anonymous.get(ME, headers=_bearer(token))

    assert "expired" in _assert_problem(response, 401)["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_token_signed_with_another_secret_is_401(anonymous: TestClient, account: Account) -> None:
    forged = issue_access_token(account.id, "another-" + "y" * 40, utc_now(), timedelta(hours=1))

    response = anonymous.get(ME, headers=_bearer(forged))

    assert _assert_problem(response, 401)["detail"] == "The access token is not valid."
    assert response.headers["www-authenticate"] == "Bearer"


def _clear_of_a_minute_boundary() -> None:
    """The limiter counts per calendar minute: start the burst well inside one."""
    now = utc_now()
    remaining = 60 - now.second - now.microsecond / 1_000_000
    if remaining < 0.5:
        time.sleep(remaining)


def test_logins_from_one_address_are_rate_limited(
    client_with: ClientMaker, account: Account
) -> None:
    client = client_with(rate_limit_login_per_minute=3)
    _clear_of_a_minute_boundary()
    for _ in range(3):
        _tokens(_login(client, account.username))

    assert 1 <= _retry_after(_login(client, account.username)) <= 60


# --- Accounts an admin makes through the API. ---


def _new_user(**changes: Any) -> dict[str, Any]:
    body = {
        "username": factories.unique("new-user"),
        "display_name": "新账号",
        "password": "a-long-enough-password",
        "role": "dispatcher",
    }
    return body | changes


def _problem_names(problem: dict[str, Any], field: str) -> bool:
    fields = [problem.get("field")] + [error["field"] for error in problem.get("errors", [])]
    return any(name is not None and name.split(".")[-1] == field for name in fields)


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        pytest.param({"role": "unit_handler"}, 422, "role", id="unit handler without a unit"),
        pytest.param(
            {"role": "grid_worker", "department_code": "urban_management"},
            422,
            "grid_code",
            id="grid worker with a department",
        ),
        pytest.param(
            {"role": "unit_handler", "grid_code": "999999999999"},
            422,
            "grid_code",
            id="unknown grid code",
        ),
        pytest.param({"username": "dispatcher"}, 409, "username", id="duplicate username"),
        pytest.param({"password": "too-short"}, 422, "password", id="short password"),
    ],
)
def test_an_account_that_cannot_be_is_refused(
    anonymous: TestClient,
    auth: dict[str, dict[str, str]],
    changes: dict[str, Any],
    status: int,
    field: str,
) -> None:
    body = _new_user(**changes)

    response = anonymous.post(USERS, json=body, headers=auth["admin"])

    assert _problem_names(_assert_problem(response, status), field), response.text
    listed = anonymous.get(USERS, headers=auth["admin"]).json()
    usernames = [user["username"] for user in listed]
    assert usernames.count(body["username"]) == (1 if status == 409 else 0)


def test_an_account_made_by_an_admin_can_log_in(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    body = _new_user(role="unit_handler", grid_code=factories.COMMUNITY_CODE)

    created = anonymous.post(USERS, json=body, headers=auth["admin"])

    assert created.status_code == 201, created.text
    assert created.json()["grid_id"] is not None
    assert "password" not in created.json()
    pair = _tokens(_login(anonymous, body["username"], body["password"]))
    me = anonymous.get(ME, headers=_bearer(pair["access_token"])).json()
    assert me == {
        "username": body["username"],
        "role": "unit_handler",
        "department_code": None,
        "grid_code": factories.COMMUNITY_CODE,
        "must_change_password": False,
    }


# --- Integration keys an admin makes through the API. ---


def _new_client(client: TestClient, admin: dict[str, str], channel: str) -> dict[str, Any]:
    name = factories.unique("Portal")
    response = client.post(CLIENTS, json={"name": name, "channels": [channel]}, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _listed_client(client: TestClient, admin: dict[str, str], client_id: int) -> dict[str, Any]:
    [listed] = [
        entry for entry in client.get(CLIENTS, headers=admin).json() if entry["id"] == client_id
    ]
    assert isinstance(listed, dict)
    return listed


def test_a_key_is_shown_once_and_posts_for_its_channels(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    created = _new_client(anonymous, auth["admin"], "web")
    key = created["api_key"]
    assert key.startswith("hlk_")
    assert key.split("_")[1] == created["key_prefix"]
    assert created["last_used_at"] is None

    listing = anonymous.get(CLIENTS, headers=auth["admin"])
    listed = _listed_client(anonymous, auth["admin"], created["id"])
    assert "api_key" not in listed
    assert "key_hash" not in listed
    assert key not in listing.text
    assert sha256_hex(key) not in listing.text

    web = anonymous.post(TICKETS, json=factories.web(), headers={"X-API-Key": key})
    assert web.status_code == 201, web.text
    hotline = anonymous.post(TICKETS, json=factories.hotline_12345(), headers={"X-API-Key": key})
    _assert_problem(hotline, 403)
    assert _listed_client(anonymous, auth["admin"], created["id"])["last_used_at"] is not None


def test_a_revoked_key_is_refused_at_once(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    created = _new_client(anonymous, auth["admin"], "web")
    key_headers = {"X-API-Key": created["api_key"]}
    assert anonymous.post(TICKETS, json=factories.web(), headers=key_headers).status_code == 201

    revoked = anonymous.post(f"{CLIENTS}/{created['id']}/revoke", headers=auth["admin"])

    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert "api_key" not in revoked.json()
    _assert_problem(anonymous.post(TICKETS, json=factories.web(), headers=key_headers), 401)


# --- The CLI, on a database of its own. ---


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of a fresh SQLite file that the in-process CLI is pointed at."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    for name in ("HOTLINE_BOOTSTRAP_ADMIN_USERNAME", "HOTLINE_BOOTSTRAP_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return url


@pytest.fixture
def cli_app(cli_database: str, tmp_path: Path) -> Callable[[], TestClient]:
    """A client of the real app on the CLI's database (call it after `migrate`)."""

    def make() -> TestClient:
        settings = Settings(database_url=cli_database, upload_dir=tmp_path / "uploads")
        return TestClient(create_app(settings))

    return make


def test_cli_create_client_prints_a_key_that_works(
    cli_app: Callable[[], TestClient], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    main(["create-client", "Name", "--channel", "web"])

    found = re.search(r"hlk_\S+", capsys.readouterr().out)
    assert found is not None
    with cli_app() as client:
        response = client.post(TICKETS, json=factories.web(), headers={"X-API-Key": found[0]})
    assert response.status_code == 201, response.text


@pytest.mark.slow
def test_cli_create_user_reads_the_password_from_stdin(
    cli_app: Callable[[], TestClient],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["migrate"])
    monkeypatch.setattr("sys.stdin", io.StringIO("a-password-from-stdin\n"))

    main(["create-user", "alice", "--role", "admin"])

    assert "user 'alice' (admin) created" in capsys.readouterr().out
    with cli_app() as client:
        _tokens(_login(client, "alice", "a-password-from-stdin"))


def _set_bootstrap_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_BOOTSTRAP_ADMIN_USERNAME", "root")
    monkeypatch.setenv("HOTLINE_BOOTSTRAP_ADMIN_PASSWORD", "bootstrap-password")


@pytest.mark.slow
def test_migrate_creates_the_bootstrap_admin_once(
    cli_app: Callable[[], TestClient],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _set_bootstrap_admin(monkeypatch)

    main(["migrate"])
    main(["migrate"])

    assert capsys.readouterr().out.count("first admin 'root' created") == 1
    with cli_app() as client:
        pair = _tokens(_login(client, "root", "bootstrap-password"))
        users = client.get(USERS, headers=_bearer(pair["access_token"])).json()
    assert [(user["username"], user["role"]) for user in users] == [("root", "admin")]


@pytest.mark.slow
def test_migrate_survives_a_disabled_bootstrap_admin(
    cli_app: Callable[[], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_bootstrap_admin(monkeypatch)
    main(["migrate"])
    with cli_app() as client:
        root = _bearer(_tokens(_login(client, "root", "bootstrap-password"))["access_token"])
        second = {
            "username": "alice",
            "display_name": "Alice",
            "password": "alice-password-2026",
            "role": "admin",
        }
        assert client.post(USERS, json=second, headers=root).status_code == 201
        root_id = next(
            u["id"] for u in client.get(USERS, headers=root).json() if u["username"] == "root"
        )
        assert client.post(f"{USERS}/{root_id}/disable", headers=root).status_code == 200

    main(["migrate"])  # neither fails nor brings the disabled bootstrap admin back
    with cli_app() as client:
        assert _login(client, "root", "bootstrap-password").status_code == 401


def test_every_401_names_the_scheme_to_use(anonymous: TestClient) -> None:
    wrong_key = anonymous.get("/api/v1/auth/me", headers={"X-API-Key": "hlk_deadbeef_wrong"})
    spent_refresh = anonymous.post("/api/v1/auth/refresh", json={"refresh_token": "nope"})
    assert wrong_key.status_code == spent_refresh.status_code == 401
    assert wrong_key.headers["WWW-Authenticate"].startswith("ApiKey")
    assert spent_refresh.headers["WWW-Authenticate"] == "Bearer"


def test_the_last_active_admin_cannot_be_disabled(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    users = anonymous.get(USERS, headers=auth["admin"]).json()
    admin_id = next(user["id"] for user in users if user["username"] == "admin")
    response = anonymous.post(f"{USERS}/{admin_id}/disable", headers=auth["admin"])
    assert response.status_code == 409
    assert "last active admin" in response.json()["detail"]
