"""Fixed-window rate limits: in process by default, in the database to share them across
replicas (every replica counts in the same rows)."""

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session, sessionmaker

from app.clock import utc_now
from app.db import dialect_insert, session_scope
from app.ratelimit.models import RateLimitWindow
from app.resources import ResourceKey

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: int


def _window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def _decision(hits: int, limit: int, now: datetime) -> Decision:
    if hits <= limit:
        return Decision(True, 0)
    remaining = (_window_start(now) + WINDOW - now).total_seconds()
    return Decision(False, max(1, math.ceil(remaining)))


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int) -> Decision: ...


# The app's limiter in its resources: `resources[RATE_LIMITER]`.
RATE_LIMITER: ResourceKey[RateLimiter] = ResourceKey("rate limiter")


class MemoryRateLimiter:
    """Counts in this process only: right for one process, generous behind several."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._window: datetime | None = None
        self._hits: dict[str, int] = {}

    def hit(self, key: str, limit: int) -> Decision:
        now = self._clock()
        with self._lock:
            window = _window_start(now)
            if window != self._window:  # a new minute: forget the old one
                self._window, self._hits = window, {}
            self._hits[key] = self._hits.get(key, 0) + 1
            hits = self._hits[key]
        return _decision(hits, limit, now)


class DatabaseRateLimiter:
    """Counts in the database, in a short transaction of its own, so replicas share them."""

    def __init__(
        self, session_factory: sessionmaker[Session], clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def hit(self, key: str, limit: int) -> Decision:
        now = self._clock()
        window = _window_start(now)
        table: Table = RateLimitWindow.__table__  # type: ignore[assignment]
        for session in session_scope(self._session_factory):
            statement = (
                dialect_insert(session, table)
                .values(key=key, window_start=window, hits=1)
                .on_conflict_do_update(
                    index_elements=[table.c.key, table.c.window_start],
                    set_={"hits": table.c.hits + 1},
                )
                .returning(table.c.hits)
            )
            hits = session.execute(statement).scalar_one()
            if hits == 1:  # first hit of a window: drop the windows that are over
                session.execute(delete(table).where(table.c.window_start < window - WINDOW))
        return _decision(hits, limit, now)
