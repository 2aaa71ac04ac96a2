"""The event loop's rule for intake: work run on the loop itself never waits.

An intake that joins an open commit group whose connection is free does its work on the
event loop (see app.intake.flow): everything it calls then runs while every other request
of the process waits. So that stays safe only while nothing below it blocks. The places
where intake could wait are guarded here: they raise `BlockingOnTheLoop` rather than
stall the process; the tests add a watch on the interpreter's blocking calls (files,
sockets, sleeps, subprocesses) for everything else.
"""

import contextlib
import threading
from collections.abc import Iterator


class BlockingOnTheLoop(RuntimeError):
    """Code run on the event loop for an intake was about to wait."""


_state = threading.local()


def on_the_loop_path() -> bool:
    """Whether this thread is running an intake's work on the event loop."""
    return getattr(_state, "active", False)


@contextlib.contextmanager
def loop_path() -> Iterator[None]:
    """Mark the block as intake's work on the event loop."""
    _state.active = True
    try:
        yield
    finally:
        _state.active = False


def refuse_to_wait(what: str) -> None:
    """Raise when called on the loop path: `what` would wait (a lock, the disk, the pool)."""
    if on_the_loop_path():
        raise BlockingOnTheLoop(f"{what} on the event loop: intake's loop path must never wait")
