"""The one source of the current time: always UTC-aware.

`utc_now()` is the only reader. It reads the system clock, or, inside `frozen_clock()`, a
clock that stands still until it is moved: how tests put the whole app at a given moment
(a lease run out, a deadline passed) without rewriting rows.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial

_system: Callable[[], datetime] = partial(datetime.now, UTC)
# Read on every call: intake, the hot path, asks for the time a few times, so this stays
# one lookup and one call.
_source: Callable[[], datetime] = _system


def utc_now() -> datetime:
    return _source()


class FrozenClock:
    """A clock that shows `at` until it is set or advanced."""

    def __init__(self, at: datetime) -> None:
        self.now = _aware(at)

    def __call__(self) -> datetime:
        return self.now

    def set(self, at: datetime) -> datetime:
        self.now = _aware(at)
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


@contextmanager
def frozen_clock(at: datetime | None = None) -> Iterator[FrozenClock]:
    """Every `utc_now()`, in every thread, reads the frozen clock inside the block (which
    starts at `at`, or at the present); the system clock again after it."""
    global _source
    clock = FrozenClock(at or _system())
    previous, _source = _source, clock
    try:
        yield clock
    finally:
        _source = previous


def _aware(at: datetime) -> datetime:
    if at.utcoffset() is None:
        raise ValueError(f"a time zone is required: {at}")
    return at.astimezone(UTC)
