"""Failed logins counted per username typed, whether or not an account has that name.

An account's slowdown and lockout then look the same as a made-up name's, so the answers
never tell which usernames exist. Rows are keyed by a SHA-256 of the name: every key fits,
and the table keeps none of the text that was typed.
"""

from datetime import datetime, timedelta

from sqlalchemy import Table, delete, or_, select, update
from sqlalchemy.orm import Session

from app.auth.models import LoginThrottle
from app.auth.secrets import sha256_hex
from app.db import dialect_insert

# After this many failures in a row each further attempt waits longer (2 s, 4 s, 8 s...).
SLOWDOWN_AFTER_FAILURES = 3
# Failures this old are forgotten, so names tried once and never again do not pile up.
FORGET_AFTER = timedelta(days=1)

_THROTTLES: Table = LoginThrottle.__table__  # type: ignore[assignment]


def name_key(username: str) -> str:
    return sha256_hex(username)


def locked_until(session: Session, username: str, now: datetime) -> datetime | None:
    """When the name may try again, if it must still wait."""
    until = session.scalars(
        select(_THROTTLES.c.locked_until).where(_THROTTLES.c.name_hash == name_key(username))
    ).first()
    return until if until is not None and until > now else None


def count_failure(
    session: Session, username: str, now: datetime, *, max_failures: int, lockout: timedelta
) -> None:
    """One more failure for the name: from the third on it must wait, 2 s then doubling;
    at `max_failures` it is locked for `lockout` and the count starts over."""
    key = name_key(username)
    failures: int = session.execute(
        dialect_insert(session, _THROTTLES)
        .values(name_hash=key, failed_logins=1, updated_at=now)
        .on_conflict_do_update(
            index_elements=[_THROTTLES.c.name_hash],
            set_={"failed_logins": _THROTTLES.c.failed_logins + 1, "updated_at": now},
        )
        .returning(_THROTTLES.c.failed_logins)
    ).scalar_one()
    if failures == 1:  # a name starting to count: drop the ones long quiet
        _forget_quiet_names(session, now)
    if failures >= max_failures:
        _set(session, key, failed_logins=0, locked_until=now + lockout)
    elif failures >= SLOWDOWN_AFTER_FAILURES:
        backoff = timedelta(seconds=2 ** (failures - SLOWDOWN_AFTER_FAILURES + 1))
        _set(session, key, locked_until=now + backoff)


def forget(session: Session, username: str) -> None:
    """A successful login starts the count over."""
    session.execute(delete(_THROTTLES).where(_THROTTLES.c.name_hash == name_key(username)))


def _set(session: Session, key: str, **values: object) -> None:
    session.execute(update(_THROTTLES).where(_THROTTLES.c.name_hash == key).values(**values))


def _forget_quiet_names(session: Session, now: datetime) -> None:
    session.execute(
        delete(_THROTTLES).where(
            _THROTTLES.c.updated_at < now - FORGET_AFTER,
            or_(_THROTTLES.c.locked_until.is_(None), _THROTTLES.c.locked_until < now),
        )
    )
