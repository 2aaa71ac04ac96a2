"""Who is calling: an integration's API key or a staff bearer token.

Both schemes appear in /docs, so the Authorize button takes either.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.secrets import sha256_hex
from app.auth.tokens import BEARER_CHALLENGE, AccessClaims, access_claims
from app.dependencies import SessionDep
from app.errors import Forbidden, PasswordChangeRequired, Unauthorized, answers_problems
from app.identity.principal import Principal, PrincipalCache, StaffPrincipal
from app.identity.roles import Role
from app.observability.requests import note_actor
from app.resources import resources_of

TOKEN_URL = "/api/v1/auth/token"
API_KEY_CHALLENGE = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}

api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An integration client's key"
)
bearer_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL, auto_error=False, description="Staff: log in with username and password"
)


def jwt_secret(request: Request) -> str:
    return resources_of(request).jwt_secret


def principal_cache(request: Request) -> PrincipalCache:
    return resources_of(request).principal_cache


async def _remembered(
    cache: PrincipalCache,
    entry: tuple[Hashable, ...],
    look_up: Callable[[], Principal | None],
    refusal: Unauthorized,
) -> Principal:
    """The cached principal, else the database's answer (in a worker thread), remembered."""
    principal = cache.get(entry)
    if principal is None:
        principal = await run_in_threadpool(look_up)
        if principal is None:
            raise refusal
        cache.put(entry, principal)
    return principal


# The credentials as sent, or None; as parameters they also put both schemes in /docs.
ApiKeyDep = Annotated[str | None, Depends(api_key_scheme)]
BearerDep = Annotated[str | None, Depends(bearer_scheme)]


def _no_credentials() -> Unauthorized:
    return Unauthorized(
        "Send an integration key in X-API-Key, or a staff access token as Bearer.",
        headers=BEARER_CHALLENGE,
    )


@dataclass(frozen=True)
class Credentials:
    """What the caller sent, not yet checked against the database."""

    api_key: str | None
    bearer: str | None

    async def principal(
        self,
        cache: PrincipalCache,
        secret: str,
        session: Session,
        *,
        password_change_pending_ok: bool = False,
    ) -> Principal:
        """Who is calling. A credential found in the database is remembered for a few
        seconds (HOTLINE_CREDENTIAL_CACHE_SECONDS), so most requests need no lookup and no
        thread; `secret` signs staff tokens. An account with a one-time password is
        refused (403) unless `password_change_pending_ok`."""
        principal = await self._principal(cache, secret, session)
        note_actor(principal.actor.kind)
        pending = isinstance(principal, StaffPrincipal) and principal.must_change_password
        if pending and not password_change_pending_ok:
            raise PasswordChangeRequired(
                "Your password was set by an administrator for one use: change it at "
                "POST /api/v1/auth/password before anything else."
            )
        return principal

    async def _principal(self, cache: PrincipalCache, secret: str, session: Session) -> Principal:
        api_key, bearer = self.api_key, self.bearer
        if api_key:
            return await _remembered(
                cache,
                ("key", sha256_hex(api_key)),
                lambda: service.authenticate_client(session, api_key),
                Unauthorized("The API key is unknown or revoked.", headers=API_KEY_CHALLENGE),
            )
        if bearer:
            claims = access_claims(bearer, secret)
            return await _remembered(
                cache,
                ("user", claims.user_id, claims.login),
                lambda: _staff_principal(session, claims),
                Unauthorized("The account is disabled.", headers=BEARER_CHALLENGE),
            )
        raise _no_credentials()


_UNAUTHORIZED = (401, "No credentials, or an unknown, revoked or expired one")
_PASSWORD_PENDING = (403, "A one-time password waits to be changed")
_NOT_ALLOWED = (403, "Your role or kind of credential may not do this")


@answers_problems(_UNAUTHORIZED, _PASSWORD_PENDING)
async def _principal(
    request: Request, session: SessionDep, api_key: ApiKeyDep, bearer: BearerDep
) -> Principal:
    resources = resources_of(request)
    credentials = Credentials(api_key, bearer)
    return await credentials.principal(resources.principal_cache, resources.jwt_secret, session)


@answers_problems(_UNAUTHORIZED)
async def _principal_changing_password(
    request: Request, session: SessionDep, api_key: ApiKeyDep, bearer: BearerDep
) -> Principal:
    resources = resources_of(request)
    credentials = Credentials(api_key, bearer)
    return await credentials.principal(
        resources.principal_cache, resources.jwt_secret, session, password_change_pending_ok=True
    )


@answers_problems(_UNAUTHORIZED, _PASSWORD_PENDING)
async def credentials_of(request: Request) -> Credentials:
    """The credentials the request carries, not yet checked; 401 when it has none."""
    # The schemes are called directly: as sub-dependencies they cost FastAPI's work per
    # dependency on every intake, the hot path. CREDENTIALS_OPENAPI documents them instead.
    api_key, bearer = await api_key_scheme(request), await bearer_scheme(request)
    if not api_key and not bearer:
        raise _no_credentials()
    return Credentials(api_key, bearer)


def forget_login(request: Request, login: str) -> None:
    """This process stops accepting the login's access tokens at once (the others within
    HOTLINE_CREDENTIAL_CACHE_SECONDS)."""
    principal_cache(request).discard_where(lambda entry: entry[0] == "user" and entry[2] == login)


def forget_user(request: Request, user_id: int) -> None:
    """As forget_login, for every login of the user."""
    principal_cache(request).discard_where(lambda entry: entry[:2] == ("user", user_id))


def _staff_principal(session: Session, claims: AccessClaims) -> Principal | None:
    if claims.login is not None and service.login_ended(session, claims.login):
        raise Unauthorized(
            "This login has ended (logged out, or its refresh token was used twice); log in again.",
            headers=BEARER_CHALLENGE,
        )
    return service.principal_for_user(session, claims.user_id)


PrincipalDep = Annotated[Principal, Depends(_principal)]
# For an endpoint that takes its session itself (intake): a request without credentials is
# refused before its body is read; the credentials are checked in the endpoint's session.
CredentialsDep = Annotated[Credentials, Depends(credentials_of)]
# The operation's security in /docs, for an endpoint that takes CredentialsDep.
CREDENTIALS_OPENAPI: dict[str, Any] = {
    "security": [{api_key_scheme.scheme_name: []}, {bearer_scheme.scheme_name: []}]
}


@answers_problems(_NOT_ALLOWED)
def _staff(principal: PrincipalDep) -> StaffPrincipal:
    if not isinstance(principal, StaffPrincipal):
        raise Forbidden("This needs a staff account, not an integration key.")
    return principal


StaffDep = Annotated[StaffPrincipal, Depends(_staff)]


@answers_problems(_NOT_ALLOWED)
def _staff_changing_password(
    principal: Annotated[Principal, Depends(_principal_changing_password)],
) -> StaffPrincipal:
    return _staff(principal)


# Staff, also while a one-time password waits to be changed (me, logout, the change itself).
StaffChangingPasswordDep = Annotated[StaffPrincipal, Depends(_staff_changing_password)]


def require_roles(*roles: Role) -> Callable[[StaffPrincipal], StaffPrincipal]:
    """A dependency that lets only staff in `roles` through (403 for the others)."""
    allowed = frozenset(roles)

    @answers_problems(_NOT_ALLOWED)
    def check(staff: StaffDep) -> StaffPrincipal:
        if staff.role not in allowed:
            names = ", ".join(sorted(allowed))
            raise Forbidden(f"This needs one of the roles: {names}; you are {staff.role}.")
        return staff

    return check


AdminDep = Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN))]
DispatchCentreDep = Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN, Role.DISPATCHER))]
# The dispatch centre and supervisors: who read the routing and SLA configuration.
ReaderDep = Annotated[
    StaffPrincipal, Depends(require_roles(Role.ADMIN, Role.DISPATCHER, Role.SUPERVISOR))
]
