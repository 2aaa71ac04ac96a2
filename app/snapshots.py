"""Reference data kept per process and reloaded when the database says it changed."""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


class ReloadingSnapshot(Generic[T]):
    """`load`'s result, loaded again when `version` changes; the version is checked at
    most every `check_every` seconds, so another replica's edits arrive that fast."""

    def __init__(
        self,
        load: Callable[[Session], T],
        version: Callable[[Session], Hashable],
        check_every: float = 2.0,
    ) -> None:
        self._load = load
        self._version_of = version
        self._check_every = check_every
        self._value: T | None = None
        self._version: Hashable = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def get(self, session: Session) -> T:
        value = self._value
        if value is not None and time.monotonic() - self._checked_at < self._check_every:
            return value
        with self._lock:
            version = self._version_of(session)
            if self._value is None or version != self._version:
                self._value, self._version = self._load(session), version
            self._checked_at = time.monotonic()
            return self._value

    def forget(self) -> None:
        """Check the version on the next read (after an edit in this process)."""
        with self._lock:
            self._checked_at = float("-inf")
