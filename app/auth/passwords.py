"""The password policy: long enough, not the username, not a commonly breached password.

The list of breached passwords is data shipped with the code (app/auth/data/README.md says
where it comes from and under which licence); it is read once, on first use.
"""

import gzip
from functools import cache
from importlib import resources

from app.errors import UnprocessableContent

MIN_LENGTH = 10
MAX_LENGTH = 200


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("app.auth").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def problems(password: str, username: str) -> list[str]:
    """Why `password` may not be used by `username`; empty when it may."""
    found: list[str] = []
    if len(password) < MIN_LENGTH:
        found.append(f"must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        found.append(f"must be at most {MAX_LENGTH} characters long")
    folded, name = password.casefold(), username.casefold()
    # The username with a few characters around it is as easy to guess as the username.
    if name and name in folded and len(folded.replace(name, "", 1)) < MIN_LENGTH:
        found.append("must not be the username, or the username with a few characters added")
    if folded in common_passwords():
        found.append("is one of the most common passwords found in breaches; choose another")
    return found


def check(password: str, username: str, field: str = "password") -> None:
    """A 422 naming every rule `password` breaks, or nothing."""
    broken = problems(password, username)
    if broken:
        raise UnprocessableContent(
            f"The password {'; '.join(broken)}.",
            field=field,
            errors=[{"field": field, "message": message} for message in broken],
        )
