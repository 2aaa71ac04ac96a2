"""Making and checking credentials: API keys, passwords, refresh tokens, tracking codes.

API keys and refresh tokens are 256-bit random strings, so a plain SHA-256 is the right
hash for them (a slow hash buys nothing against guessing 2^256 and would slow every
request); passwords are chosen by people, so they get argon2.
"""

import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

API_KEY_PREFIX = "hlk"
_password_hasher = PasswordHasher()


@cache
def _unknown_user_hash() -> str:
    """Checked against when the user does not exist, so timing does not reveal usernames.
    Made on first use: a hash costs a third of a second, which every process (each
    command, each test worker) would otherwise pay at start."""
    return _password_hasher.hash(secrets.token_urlsafe(16))


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_key() -> tuple[str, str]:
    """A new key and its public prefix: `hlk_<prefix>_<secret>`."""
    prefix = secrets.token_hex(4)
    return f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def api_key_prefix(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(parts[1]) != 8:
        return None
    return parts[1]


def matches(candidate: str, stored_hash: str) -> bool:
    return hmac.compare_digest(sha256_hex(candidate), stored_hash)


def hash_password(password: str) -> str:
    return _password_hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _password_hasher.verify(password_hash or _unknown_user_hash(), password) and (
            password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_tracking_code() -> str:
    """Eight digits: easy for an agent to read out, and paired with the ticket number."""
    return f"{secrets.randbelow(10**8):08d}"
