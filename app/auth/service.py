"""Integration clients, staff accounts, logins and tokens."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.audit.service import AuditKind, Editor
from app.auth import passwords, throttle
from app.auth import secrets as credentials
from app.auth.models import IntegrationClient, RefreshToken, StaffUser
from app.clock import utc_now
from app.errors import Conflict, NotFound, UnknownReference, UnprocessableContent
from app.identity.principal import ClientPrincipal, StaffPrincipal
from app.identity.roles import UNIT_ROLES, Role
from app.units import service as units
from app.units.models import Department, Grid

_CLIENTS: Table = IntegrationClient.__table__  # type: ignore[assignment]
# Built once, run on every request an integration makes: Core, only the columns needed.
_CLIENT_BY_KEY_PREFIX = select(
    _CLIENTS.c.id,
    _CLIENTS.c.name,
    _CLIENTS.c.key_hash,
    _CLIENTS.c.channels,
    _CLIENTS.c.revoked_at,
    _CLIENTS.c.last_used_at,
).where(_CLIENTS.c.key_prefix == bindparam("prefix"))
# Asked only for a prefix that is no current key's: a key in its grace period.
_CLIENT_BY_PREVIOUS_KEY_PREFIX = select(
    _CLIENTS.c.id,
    _CLIENTS.c.name,
    _CLIENTS.c.previous_key_hash.label("key_hash"),
    _CLIENTS.c.channels,
    _CLIENTS.c.revoked_at,
    _CLIENTS.c.previous_key_last_used_at.label("last_used_at"),
    _CLIENTS.c.previous_key_expires_at,
).where(_CLIENTS.c.previous_key_prefix == bindparam("prefix"))
_TOUCH_CLIENT = (
    update(_CLIENTS)
    .where(_CLIENTS.c.id == bindparam("client_id"))
    .values(last_used_at=bindparam("now"))
)
_TOUCH_PREVIOUS_KEY = (
    update(_CLIENTS)
    .where(_CLIENTS.c.id == bindparam("client_id"))
    .values(previous_key_last_used_at=bindparam("now"))
)
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# The longest an old key may keep working after a rotation.
MAX_GRACE = timedelta(days=30)


@dataclass(frozen=True)
class NewClient:
    client: IntegrationClient
    key: str  # shown once, never stored


def _key_record(client: IntegrationClient) -> dict[str, object]:
    """What the audit log keeps of a key: never the key or its hash."""
    return {
        "id": client.id,
        "name": client.name,
        "key_prefix": client.key_prefix,
        "channels": client.channels,
        "revoked_at": client.revoked_at,
        "previous_key_prefix": client.previous_key_prefix,
        "previous_key_expires_at": client.previous_key_expires_at,
    }


def _record_key_change(
    session: Session,
    editor: Editor,
    client: IntegrationClient,
    action: str,
    before: dict[str, object] | None,
) -> None:
    """The audit entry of a change to a key: the key as it was and as it is, never its secret."""
    editor.record(
        session,
        kind=AuditKind.INTEGRATION_KEY,
        action=action,
        object_code=str(client.id),
        before=before,
        after=_key_record(client),
    )


def _refuse_taken_name(session: Session, name: str, client_id: int | None = None) -> None:
    query = select(IntegrationClient.id).where(IntegrationClient.name == name)
    if client_id is not None:
        query = query.where(IntegrationClient.id != client_id)
    if session.scalars(query).first() is not None:
        raise Conflict(f"A client named {name!r} exists already.", field="name")


def _new_key(key: str | None) -> tuple[str, str]:
    if key is None:
        return credentials.new_api_key()
    return key, credentials.api_key_prefix(key) or ""


def create_client(
    session: Session, name: str, channels: list[str], *, editor: Editor, key: str | None = None
) -> NewClient:
    """A new integration client bound to `channels`, with its key (to show once)."""
    _refuse_taken_name(session, name)
    key, prefix = _new_key(key)
    client = IntegrationClient(
        name=name,
        key_prefix=prefix,
        key_hash=credentials.sha256_hex(key),
        channels=sorted(set(channels)),
        created_at=utc_now(),
    )
    session.add(client)
    session.flush()
    _record_key_change(session, editor, client, "create", None)
    return NewClient(client, key)


def list_clients(session: Session) -> list[IntegrationClient]:
    return list(session.scalars(select(IntegrationClient).order_by(IntegrationClient.id)))


def get_client(session: Session, client_id: int) -> IntegrationClient:
    client = session.get(IntegrationClient, client_id)
    if client is None:
        raise NotFound(f"No integration client has id {client_id}.")
    return client


def revoke_client(session: Session, client_id: int, *, editor: Editor) -> IntegrationClient:
    """The client's keys, current and previous, stop working."""
    client = get_client(session, client_id)
    if client.revoked_at is None:
        before = _key_record(client)
        client.revoked_at = utc_now()
        session.flush()
        _record_key_change(session, editor, client, "revoke", before)
    return client


def change_client(
    session: Session,
    client_id: int,
    *,
    editor: Editor,
    name: str | None = None,
    channels: list[str] | None = None,
) -> IntegrationClient:
    """A new name or new channels; the key stays the same."""
    client = get_client(session, client_id)
    before = _key_record(client)
    if name is not None:
        _refuse_taken_name(session, name, client.id)
        client.name = name
    if channels is not None:
        client.channels = sorted(set(channels))
    session.flush()
    _record_key_change(session, editor, client, "update", before)
    return client


def rotate_client_key(
    session: Session, client_id: int, grace: timedelta, *, editor: Editor
) -> NewClient:
    """A new key for the client, to show once. The key it had keeps working for `grace`
    (zero: it stops at once); a key still in the grace of an earlier rotation stops now."""
    client = get_client(session, client_id)
    if client.revoked_at is not None:
        raise Conflict("This client's key was revoked; create a new client instead.")
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise UnprocessableContent(
            f"The grace period runs from 0 to {MAX_GRACE.days} days.", field="grace_minutes"
        )
    before = _key_record(client)
    now = utc_now()
    key, prefix = _new_key(None)
    client.previous_key_prefix = client.key_prefix if grace else None
    client.previous_key_hash = client.key_hash if grace else None
    client.previous_key_expires_at = now + grace if grace else None
    client.previous_key_last_used_at = client.last_used_at if grace else None
    client.key_prefix, client.key_hash = prefix, credentials.sha256_hex(key)
    client.last_used_at, client.rotated_at = None, now
    session.flush()
    _record_key_change(session, editor, client, "rotate", before)
    return NewClient(client, key)


def authenticate_client(session: Session, key: str) -> ClientPrincipal | None:
    """The client holding `key`, or None for an unknown, wrong or revoked key, or a
    rotated-out key whose grace period is over."""
    prefix = credentials.api_key_prefix(key)
    if prefix is None:
        return None
    connection = session.connection()
    now = utc_now()
    touch = _TOUCH_CLIENT
    client: Any = connection.execute(  # one of two selects of different columns
        _CLIENT_BY_KEY_PREFIX, {"prefix": prefix}
    ).one_or_none()
    if client is None:
        client = connection.execute(
            _CLIENT_BY_PREVIOUS_KEY_PREFIX, {"prefix": prefix}
        ).one_or_none()
        if client is None or client.previous_key_expires_at <= now:
            return None
        touch = _TOUCH_PREVIOUS_KEY
    if client.revoked_at is not None:
        return None
    if not credentials.matches(key, client.key_hash):
        return None
    if client.last_used_at is None or client.last_used_at < now - LAST_USED_RESOLUTION:
        connection.execute(touch, {"client_id": client.id, "now": now})
    return ClientPrincipal(client.id, client.name, frozenset(client.channels))


def _unit_of(
    session: Session, role: Role, department_code: str | None, grid_code: str | None
) -> tuple[int | None, int | None]:
    if role not in UNIT_ROLES:
        if department_code or grid_code:
            raise UnprocessableContent(f"A {role} belongs to no unit.", field="role")
        return None, None
    if role is Role.GRID_WORKER and not grid_code:
        raise UnprocessableContent("A grid worker needs a grid_code.", field="grid_code")
    if bool(department_code) == bool(grid_code):
        raise UnprocessableContent(
            "A unit handler belongs to exactly one department or one grid.", field="role"
        )
    if department_code:
        department = units.get_department_by_code(session, department_code)
        if department is None:
            raise UnknownReference(
                f"No department has code {department_code!r}.", field="department_code"
            )
        if department.retired_at is not None:  # a retired unit takes no new work
            raise UnprocessableContent(
                f"Department {department_code!r} is retired.", field="department_code"
            )
        return department.id, None
    return None, units.grid_in_force(session, grid_code or "", "grid_code").id


def unit_codes(
    session: Session, department_id: int | None, grid_id: int | None
) -> tuple[str | None, str | None]:
    """The codes of an account's department and grid, as the API names them."""
    department = session.get(Department, department_id) if department_id else None
    grid = session.get(Grid, grid_id) if grid_id else None
    return (department.code if department else None, grid.code if grid else None)


def _user_record(session: Session, user: StaffUser) -> dict[str, object]:
    """What the audit log keeps of an account: never its password or hash."""
    department_code, grid_code = unit_codes(session, user.department_id, user.grid_id)
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "department_code": department_code,
        "grid_code": grid_code,
        "disabled_at": user.disabled_at,
        "must_change_password": user.must_change_password,
    }


def _record_user(
    session: Session,
    editor: Editor,
    user: StaffUser,
    action: str,
    before: dict[str, object] | None,
) -> None:
    editor.record(
        session,
        kind=AuditKind.USER,
        action=action,
        object_code=user.username,
        before=before,
        after=_user_record(session, user),
    )


def create_user(
    session: Session,
    *,
    editor: Editor,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    department_code: str | None = None,
    grid_code: str | None = None,
    must_change_password: bool = False,
) -> StaffUser:
    """A new staff account; unit roles must name their department or grid, and the
    password must pass the policy (app.auth.passwords)."""
    if username_taken(session, username):
        raise Conflict(f"The username {username!r} is taken.", field="username")
    department_id, grid_id = _unit_of(session, role, department_code, grid_code)
    passwords.check(password, username)
    user = StaffUser(
        username=username,
        display_name=display_name,
        password_hash=credentials.hash_password(password),
        role=role,
        department_id=department_id,
        grid_id=grid_id,
        created_at=utc_now(),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    _record_user(session, editor, user, "create", None)
    return user


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.id)))


def get_user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound(f"No user has id {user_id}.")
    return user


def _end_sessions(session: Session, user: StaffUser, *, keep_login: str | None = None) -> None:
    """Revoke the user's refresh tokens (all but `keep_login`'s): their access tokens stop
    with them (login_ended)."""
    query = update(RefreshToken).where(
        RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)
    )
    if keep_login is not None:
        query = query.where(RefreshToken.family != keep_login)
    session.execute(query.values(revoked_at=utc_now()))


def _keep_an_admin(session: Session, user: StaffUser) -> None:
    if user.role == Role.ADMIN and user.disabled_at is None and _active_admins(session) == 1:
        raise Conflict("This is the last active admin; create another admin first.")


def disable_user(session: Session, user_id: int, *, editor: Editor) -> StaffUser:
    """The user can no longer log in, and every login of theirs ends."""
    user = get_user(session, user_id)
    _keep_an_admin(session, user)
    if user.disabled_at is None:
        before = _user_record(session, user)
        user.disabled_at = utc_now()
        _end_sessions(session, user)
        session.flush()
        _record_user(session, editor, user, "disable", before)
    return user


def enable_user(session: Session, user_id: int, *, editor: Editor) -> StaffUser:
    """A disabled user may log in again (with the password they had)."""
    user = get_user(session, user_id)
    if user.disabled_at is not None:
        before = _user_record(session, user)
        user.disabled_at = None
        session.flush()
        _record_user(session, editor, user, "enable", before)
    return user


@dataclass(frozen=True)
class UserChange:
    user: StaffUser
    sessions_ended: bool


def change_user(
    session: Session,
    user_id: int,
    *,
    editor: Editor,
    display_name: str | None = None,
    role: Role | None = None,
    unit: tuple[str | None, str | None] | None = None,
) -> UserChange:
    """Rename, change role, or move to another unit (`unit`: department code, grid code).
    A new role or unit ends every login of the account: what it may see has changed."""
    user = get_user(session, user_id)
    before = _user_record(session, user)
    if display_name is not None:
        user.display_name = display_name
    new_role = role or Role(user.role)
    if role is None and unit is None:
        session.flush()
        _record_user(session, editor, user, "update", before)
        return UserChange(user, sessions_ended=False)
    if new_role != Role.ADMIN:
        _keep_an_admin(session, user)
    department_code, grid_code = unit or (None, None)
    department_id, grid_id = _unit_of(session, new_role, department_code, grid_code)
    changed = (new_role, department_id, grid_id) != (user.role, user.department_id, user.grid_id)
    user.role, user.department_id, user.grid_id = new_role, department_id, grid_id
    if changed:
        _end_sessions(session, user)
    session.flush()
    _record_user(session, editor, user, "update", before)
    return UserChange(user, sessions_ended=changed)


def set_one_time_password(
    session: Session, user_id: int, password: str, *, editor: Editor
) -> StaffUser:
    """An admin's password for the account: every login of it ends, and the next one may
    do nothing but change the password."""
    user = get_user(session, user_id)
    passwords.check(password, user.username)
    before = _user_record(session, user)
    user.password_hash = credentials.hash_password(password)
    user.must_change_password = True
    _end_sessions(session, user)
    session.flush()
    # The entry says a password was set, never which: must_change_password shows it.
    _record_user(session, editor, user, "set_one_time_password", before)
    return user


def username_taken(session: Session, username: str) -> bool:
    query = select(StaffUser.id).where(StaffUser.username == username)
    return session.scalars(query).first() is not None


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(
        StaffUser.role == Role.ADMIN, StaffUser.disabled_at.is_(None)
    )
    return session.scalar(query) or 0


def admin_exists(session: Session) -> bool:
    return _active_admins(session) > 0


def end_login(session: Session, login: str) -> None:
    """Revoke the login's refresh tokens; its access tokens stop with them (login_ended)."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == login, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    session.flush()


def login_ended(session: Session, login: str) -> bool:
    """True once the login was ended: logged out, or a spent refresh token came back."""
    ended = select(RefreshToken.id).where(
        RefreshToken.family == login, RefreshToken.revoked_at.is_not(None)
    )
    return session.scalars(ended.limit(1)).first() is not None


def principal_for_user(session: Session, user_id: int) -> StaffPrincipal | None:
    """The staff principal of an active user, with their unit's subtree path."""
    user = session.get(StaffUser, user_id)
    if user is None or user.disabled_at is not None:
        return None
    grid_path = None
    if user.grid_id is not None:
        grid_path = session.scalars(select(Grid.path).where(Grid.id == user.grid_id)).one()
    return StaffPrincipal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        department_id=user.department_id,
        grid_id=user.grid_id,
        grid_path=grid_path,
        must_change_password=user.must_change_password,
    )


@dataclass(frozen=True)
class LoginOutcome:
    user: StaffUser | None
    retry_after: datetime | None = None  # set when the account is locked or slowed down


def change_own_password(
    session: Session,
    user_id: int,
    old_password: str,
    new_password: str,
    *,
    editor: Editor,
    login: str | None,
    max_failures: int,
    lockout: timedelta,
) -> LoginOutcome:
    """The user's new password, once the old one is proven; the user's other logins end.
    A wrong old password counts as a failed login (app.auth.throttle), so a stolen access
    token cannot be used to guess the password: the outcome has no user then."""
    user = get_user(session, user_id)
    now = utc_now()
    wait_until = throttle.locked_until(session, user.username, now)
    if wait_until is not None:
        return LoginOutcome(None, retry_after=wait_until)
    if not credentials.verify_password(old_password, user.password_hash):
        throttle.count_failure(
            session, user.username, now, max_failures=max_failures, lockout=lockout
        )
        return LoginOutcome(None)
    if new_password == old_password:
        raise UnprocessableContent(
            "The new password must differ from the old one.", field="new_password"
        )
    passwords.check(new_password, user.username, field="new_password")
    throttle.forget(session, user.username)
    before = _user_record(session, user)
    user.password_hash = credentials.hash_password(new_password)
    user.must_change_password = False
    _end_sessions(session, user, keep_login=login)
    session.flush()
    editor.record(
        session,
        kind=AuditKind.USER,
        action="change_password",
        object_code=user.username,
        before=before,
        # Recorded although nothing kept in the entry changes (when no one-time password
        # was pending): who changed a password, and when, is the point.
        after=_user_record(session, user) | {"password_changed_at": utc_now()},
    )
    return LoginOutcome(user)


def attempt_login(
    session: Session, username: str, password: str, *, max_failures: int, lockout: timedelta
) -> LoginOutcome:
    """Check a password. Every refused attempt counts against the name typed (the caller
    commits it), whether or not an account has it: after a few each attempt must wait
    longer, after `max_failures` the name locks (app.auth.throttle)."""
    now = utc_now()
    wait_until = throttle.locked_until(session, username, now)
    if wait_until is not None:
        return LoginOutcome(None, retry_after=wait_until)
    user = session.scalars(select(StaffUser).where(StaffUser.username == username)).one_or_none()
    password_hash = user.password_hash if user is not None else None
    # The hash is checked first, so a made-up name costs the same time as a real one.
    password_ok = credentials.verify_password(password, password_hash)
    if not password_ok or user is None or user.disabled_at is not None:
        throttle.count_failure(session, username, now, max_failures=max_failures, lockout=lockout)
        return LoginOutcome(None)
    throttle.forget(session, username)
    return LoginOutcome(user)


def new_login() -> str:
    """The id of a login: its refresh tokens' family, named in its access tokens."""
    return secrets.token_hex(16)


def issue_refresh_token(session: Session, user: StaffUser, lifetime: timedelta, login: str) -> str:
    token = credentials.new_refresh_token()
    now = utc_now()
    session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=credentials.sha256_hex(token),
            family=login,
            expires_at=now + lifetime,
            created_at=now,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class RefreshOutcome:
    user: StaffUser | None
    login: str | None = None
    reused: bool = False  # a spent token came back: someone else may hold the login


def use_refresh_token(session: Session, token: str) -> RefreshOutcome:
    """Spend a refresh token. Reusing a spent one revokes its whole family."""
    query = select(RefreshToken).where(RefreshToken.token_hash == credentials.sha256_hex(token))
    stored = session.scalars(query.with_for_update()).one_or_none()
    now = utc_now()
    if stored is None or stored.revoked_at is not None or stored.expires_at < now:
        return RefreshOutcome(None)
    if stored.used_at is not None:
        end_login(session, stored.family)
        return RefreshOutcome(None, login=stored.family, reused=True)
    stored.used_at = now
    user = session.get(StaffUser, stored.user_id)
    if user is None or user.disabled_at is not None:
        return RefreshOutcome(None)
    session.flush()
    return RefreshOutcome(user, login=stored.family)
