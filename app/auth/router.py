"""HTTP for logging in, and for the admin's integration clients and staff accounts."""

import math
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.audit.service import Editor
from app.auth import service
from app.auth.dependencies import (
    AdminDep,
    BearerDep,
    StaffChangingPasswordDep,
    forget_login,
    forget_user,
    jwt_secret,
    principal_cache,
)
from app.auth.editors import AddressDep, AdminEditorDep
from app.auth.models import StaffUser
from app.auth.schemas import (
    IntegrationClientCreate,
    IntegrationClientCreated,
    IntegrationClientRead,
    IntegrationClientUpdate,
    KeyRotation,
    Me,
    OneTimePassword,
    PasswordChange,
    RefreshRequest,
    StaffUserCreate,
    StaffUserRead,
    StaffUserUpdate,
    TokenPair,
)
from app.auth.tokens import access_claims, issue_access_token
from app.clock import utc_now
from app.config import Settings
from app.dependencies import SessionDep, SettingsDep, UnitDep, per_address
from app.errors import TooManyRequests, Unauthorized, UnprocessableContent, problem_responses
from app.unit_of_work import UnitOfWork

router = APIRouter(tags=["access"])

_login_limit = per_address("login", lambda settings: settings.rate_limit_login_per_minute)


def _token_pair(
    request: Request, session: SessionDep, settings: Settings, user: StaffUser, login: str
) -> TokenPair:
    lifetime = timedelta(minutes=settings.access_token_minutes)
    return TokenPair(
        access_token=issue_access_token(user.id, jwt_secret(request), utc_now(), lifetime, login),
        expires_in=int(lifetime.total_seconds()),
        refresh_token=service.issue_refresh_token(
            session, user, timedelta(days=settings.refresh_token_days), login
        ),
        password_change_required=user.must_change_password,
    )


def _refuse_if_locked(unit: UnitOfWork, outcome: service.LoginOutcome) -> None:
    """429 with Retry-After while the name must wait after failed passwords."""
    if outcome.retry_after is not None:
        # Whole seconds, rounded up: a client waiting that long is never refused again.
        wait = max(1, math.ceil((outcome.retry_after - utc_now()).total_seconds()))
        raise unit.refusal_keeping_work(
            TooManyRequests(
                f"Too many failed logins; try again in {wait} s.",
                headers={"Retry-After": str(wait)},
            )
        )


@router.post(
    "/auth/token",
    summary="Staff login (OAuth2 password flow)",
    dependencies=[Depends(_login_limit)],
    responses=problem_responses(
        (401, "Wrong username or password, or a disabled account"),
        (429, "Too many failed logins for this name, or requests from this address"),
    ),
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    """A 15-minute access token and a refresh token. Failed attempts slow the account
    down, then lock it for a while; attempts from one address are rate limited."""
    outcome = service.attempt_login(
        session,
        form.username,
        form.password,
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )
    if outcome.user is None:  # the failure must count even though the request fails
        _refuse_if_locked(unit, outcome)
        raise unit.refusal_keeping_work(
            Unauthorized("Wrong username or password.", headers={"WWW-Authenticate": "Bearer"})
        )
    return _token_pair(request, session, settings, outcome.user, service.new_login())


@router.post(
    "/auth/refresh",
    summary="A new token pair for a refresh token (each refresh token works once)",
    dependencies=[Depends(_login_limit)],
    responses=problem_responses((401, "An unknown, used, expired or ended refresh token")),
)
def refresh_tokens(
    body: RefreshRequest,
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    outcome = service.use_refresh_token(session, body.refresh_token)
    if outcome.user is None:  # a reused token has ended its login: keep that
        ended = outcome.login if outcome.reused else None
        if ended is not None:
            unit.after_commit(lambda: forget_login(request, ended))
        raise unit.refusal_keeping_work(
            Unauthorized(
                "The refresh token is unknown, spent, revoked or expired.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        )
    assert outcome.login is not None
    return _token_pair(request, session, settings, outcome.user, outcome.login)


@router.post(
    "/auth/logout",
    status_code=204,
    summary="End this login: its refresh token and its access tokens stop working",
)
def logout(
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    _staff: StaffChangingPasswordDep,
    bearer: BearerDep,
) -> Response:
    """For the shared desks of a dispatch centre: the next person cannot carry on with the
    last one's tokens. Other logins of the same account go on."""
    login = access_claims(bearer, jwt_secret(request)).login if bearer else None
    if login is not None:
        service.end_login(session, login)
        unit.after_commit(lambda: forget_login(request, login))
    return Response(status_code=204)


@router.get("/auth/me", summary="Who the access token belongs to")
def who_am_i(staff: StaffChangingPasswordDep, session: SessionDep) -> Me:
    department_code, grid_code = service.unit_codes(session, staff.department_id, staff.grid_id)
    return Me(
        username=staff.username,
        role=staff.role,
        department_code=department_code,
        grid_code=grid_code,
        must_change_password=staff.must_change_password,
    )


@router.post(
    "/auth/password",
    status_code=204,
    summary="Change your own password (the old one is required)",
    responses=problem_responses(
        (422, "The old password is wrong, or the new one breaks the policy (every rule listed)"),
        (429, "Too many wrong passwords: the account waits, as after failed logins"),
    ),
)
def change_password(
    body: PasswordChange,
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffChangingPasswordDep,
    bearer: BearerDep,
    address: AddressDep,
) -> Response:
    """The policy: at least 10 characters, not the username, not one of the 20,000 most
    common passwords found in breaches. This login goes on; the account's others end.
    A wrong old password counts as a failed login."""
    login = access_claims(bearer, jwt_secret(request)).login if bearer else None
    outcome = service.change_own_password(
        session,
        staff.user_id,
        body.old_password,
        body.new_password,
        editor=Editor(staff, address),
        login=login,
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )
    if outcome.user is None:  # counted as a failed login, so the count must be kept
        _refuse_if_locked(unit, outcome)
        raise unit.refusal_keeping_work(
            UnprocessableContent("The old password is wrong.", field="old_password")
        )
    unit.after_commit(lambda: forget_user(request, staff.user_id))
    return Response(status_code=204)


_KEY_PROBLEMS = problem_responses(
    (404, "No integration client has this id"),
    (409, "The name is taken, or the key was revoked"),
    (422, "An unknown channel, or a grace period out of range"),
)


def _created(created: service.NewClient) -> IntegrationClientCreated:
    read = IntegrationClientRead.model_validate(created.client)
    return IntegrationClientCreated(**read.model_dump(), api_key=created.key)


@router.post(
    "/integration-clients",
    status_code=201,
    summary="Create an integration's key",
    responses=_KEY_PROBLEMS,
)
def create_client(
    body: IntegrationClientCreate, session: SessionDep, editor: AdminEditorDep
) -> IntegrationClientCreated:
    """The key is in this answer only; keep it in the integration's secret store."""
    return _created(
        service.create_client(session, body.name, [str(c) for c in body.channels], editor=editor)
    )


@router.get("/integration-clients", summary="Integration clients (keys are never shown again)")
def list_clients(session: SessionDep, _admin: AdminDep) -> list[IntegrationClientRead]:
    """Each with its last use, and the last use of its previous key while that key is in
    the grace period of a rotation: an integration still on the old key shows there."""
    return [IntegrationClientRead.model_validate(c) for c in service.list_clients(session)]


@router.patch(
    "/integration-clients/{client_id}",
    summary="Rename an integration or change its channels (the key stays)",
    responses=_KEY_PROBLEMS,
)
def change_client(
    client_id: int,
    body: IntegrationClientUpdate,
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> IntegrationClientRead:
    """New channels apply at once in this process, within the credential cache's few
    seconds in the others."""
    channels = None if body.channels is None else [str(c) for c in body.channels]
    client = service.change_client(
        session, client_id, editor=editor, name=body.name, channels=channels
    )
    unit.after_commit(principal_cache(request).clear)  # cached principals carry channels
    return IntegrationClientRead.model_validate(client)


@router.post(
    "/integration-clients/{client_id}/rotate",
    summary="A new key; the old one works for the grace period chosen, then stops",
    responses=_KEY_PROBLEMS,
)
def rotate_client_key(
    client_id: int, body: KeyRotation, session: SessionDep, editor: AdminEditorDep
) -> IntegrationClientCreated:
    """The new key is in this answer only. Until `previous_key_expires_at` both keys work,
    so the integration can switch without an outage; rotating again ends the old key's
    grace at once."""
    grace = timedelta(minutes=body.grace_minutes)
    return _created(service.rotate_client_key(session, client_id, grace, editor=editor))


@router.post(
    "/integration-clients/{client_id}/revoke",
    summary="Revoke a key (and a previous key in its grace period)",
    responses=_KEY_PROBLEMS,
)
def revoke_client(
    client_id: int, request: Request, unit: UnitDep, session: SessionDep, editor: AdminEditorDep
) -> IntegrationClientRead:
    """Refused at once by this process; by other processes within the credential cache's
    few seconds."""
    client = service.revoke_client(session, client_id, editor=editor)
    unit.after_commit(principal_cache(request).clear)  # the cache knows keys by hash only
    return IntegrationClientRead.model_validate(client)


@router.post(
    "/users",
    status_code=201,
    summary="Create a staff account",
    responses=problem_responses((409, "The username is taken")),
)
def create_user(
    body: StaffUserCreate, session: SessionDep, editor: AdminEditorDep
) -> StaffUserRead:
    user = service.create_user(
        session,
        editor=editor,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        role=body.role,
        department_code=body.department_code,
        grid_code=body.grid_code,
    )
    return StaffUserRead.model_validate(user)


@router.get("/users", summary="Staff accounts")
def list_users(session: SessionDep, _admin: AdminDep) -> list[StaffUserRead]:
    return [StaffUserRead.model_validate(u) for u in service.list_users(session)]


_USER_PROBLEMS = problem_responses(
    (404, "No user has this id"),
    (409, "It would leave no active admin"),
    (422, "An unknown or retired unit, a unit for a role without one, or a refused password"),
)


@router.post(
    "/users/{user_id}/disable",
    summary="Disable an account: every login of it ends",
    responses=_USER_PROBLEMS,
)
def disable_user(
    user_id: int, request: Request, unit: UnitDep, session: SessionDep, editor: AdminEditorDep
) -> StaffUserRead:
    user = service.disable_user(session, user_id, editor=editor)
    unit.after_commit(lambda: forget_user(request, user_id))
    return StaffUserRead.model_validate(user)


@router.post(
    "/users/{user_id}/enable",
    summary="Re-enable a disabled account (with its password)",
    responses=_USER_PROBLEMS,
)
def enable_user(user_id: int, session: SessionDep, editor: AdminEditorDep) -> StaffUserRead:
    return StaffUserRead.model_validate(service.enable_user(session, user_id, editor=editor))


@router.patch(
    "/users/{user_id}",
    summary="Rename an account, change its role or move it to another unit",
    responses=_USER_PROBLEMS,
)
def change_user(
    user_id: int,
    body: StaffUserUpdate,
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> StaffUserRead:
    """A new role or unit ends every login of the account, at once in this process and
    within HOTLINE_CREDENTIAL_CACHE_SECONDS in the others."""
    sent = body.model_fields_set
    new_unit = (
        (body.department_code, body.grid_code) if sent & {"department_code", "grid_code"} else None
    )
    change = service.change_user(
        session,
        user_id,
        editor=editor,
        display_name=body.display_name,
        role=body.role,
        unit=new_unit,
    )
    if change.sessions_ended:
        unit.after_commit(lambda: forget_user(request, user_id))
    return StaffUserRead.model_validate(change.user)


@router.post(
    "/users/{user_id}/password",
    summary="Set a one-time password: the account must change it at its next login",
    responses=_USER_PROBLEMS,
)
def set_one_time_password(
    user_id: int,
    body: OneTimePassword,
    request: Request,
    unit: UnitDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> StaffUserRead:
    """For a user who forgot theirs: every login of the account ends; with the new
    password it may only change the password (POST /api/v1/auth/password)."""
    user = service.set_one_time_password(session, user_id, body.password, editor=editor)
    unit.after_commit(lambda: forget_user(request, user_id))
    return StaffUserRead.model_validate(user)
