"""Short-lived JWT access tokens for staff."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from app.errors import Unauthorized

ALGORITHM = "HS256"
BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    # The login (its refresh tokens' family) the token was issued to: when the login ends,
    # at logout or when a spent refresh token comes back, so does the token.
    login: str | None


def issue_access_token(
    user_id: int, secret: str, now: datetime, lifetime: timedelta, login: str | None = None
) -> str:
    claims: dict[str, object] = {
        "sub": str(user_id),
        "typ": "access",
        "iat": now,
        "exp": now + lifetime,
    }
    if login is not None:
        claims["sid"] = login
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def access_claims(token: str, secret: str) -> AccessClaims:
    """Whom the token was issued to, and in which login; 401 when it is forged, expired or
    not an access token."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "typ"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized(
            "The access token has expired; refresh it.", headers=BEARER_CHALLENGE
        ) from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The access token is not valid.", headers=BEARER_CHALLENGE) from None
    login = claims.get("sid")
    valid_login = login is None or isinstance(login, str)
    if claims["typ"] != "access" or not str(claims["sub"]).isdigit() or not valid_login:
        raise Unauthorized("The access token is not valid.", headers=BEARER_CHALLENGE)
    return AccessClaims(int(claims["sub"]), login)
