"""Short-lived JWT access tokens for staff."""

from datetime import datetime, timedelta

import jwt

from app.errors import Unauthorized

ALGORITHM = "HS256"
BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def issue_access_token(user_id: int, secret: str, now: datetime, lifetime: timedelta) -> str:
    claims = {"sub": str(user_id), "typ": "access", "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_access_token(token: str, secret: str) -> int:
    """The user the token was issued to; 401 when it is forged, expired or not an access token."""
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
    if claims["typ"] != "access" or not str(claims["sub"]).isdigit():
        raise Unauthorized("The access token is not valid.", headers=BEARER_CHALLENGE)
    return int(claims["sub"])
