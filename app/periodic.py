"""Background work that runs in a thread of its own every few seconds, until stopped: the
SLA sweeper, the statistics' follower, webhook delivery. One loop for all of them, so each
stops the same way and a failing pass (a database outage) never ends it for good."""

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Periodic:
    """Calls `work` every `interval` seconds in a daemon thread named `name`; at once again
    when it answers True (more is waiting). A pass that raises is logged, and the next one
    comes after the interval."""

    def __init__(
        self,
        name: str,
        work: Callable[[], bool],
        interval: float,
        *,
        stop_timeout: float = 30,
    ) -> None:
        self._name = name
        self._work = work
        self._interval = interval
        self._stop_timeout = stop_timeout
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self.run_here, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the pass under way; wait at most `stop_timeout` seconds for it."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._stop_timeout)

    def run_here(self) -> None:
        """Run the loop in the calling thread until stopped (a command's worker)."""
        repeat(self._name, self._work, self._interval, self._stopping)


def repeat(name: str, work: Callable[[], bool], interval: float, stopping: threading.Event) -> None:
    """The loop itself, in the calling thread, until `stopping` is set (for a worker that
    holds something open around it, as webhook delivery holds its connections)."""
    while not stopping.is_set():
        try:
            more = work()
        except Exception:  # a database outage must not end the loop for good
            logger.exception("%s: a pass failed; trying again in %s s", name, interval)
            more = False
        if not more:
            stopping.wait(interval)
