"""The one transaction boundary: every commit the service makes goes through a UnitOfWork.

A request's database work is one unit of work: its services read, add and flush through
`unit.session` and never commit; the unit commits once, when the request's work is done,
before the answer is sent, or rolls back when the request raises. Intake opens its unit
itself, on SQLite inside the intakes' commit group (app.intake), and commits it as the last
step of its flow; the group then makes that commit durable for every intake in it.
"""

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

from anyio import CancelScope
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """One transaction's worth of work, and the only thing that commits it.

    - `session`: what services work through; they flush, never commit.
    - `commit()`: the work so far is final. In intake's commit group it is final for the
      group, and the request answers only once the group's commit made it durable.
    - `rollback()`: the work since the last commit is undone.
    - `after_commit(action)`: `action` runs once the work is committed (a process-wide
      cache forgets what the work changed); never when it is rolled back.
    - `refusal_keeping_work(error)`: the request answers `error`, yet the work so far is
      committed (a failed login still counts); any other error rolls the work back.
    - Whoever opened the unit ends it: committed when the block it was given succeeds,
      rolled back when it raises.
    """

    __slots__ = ("_after_commit", "_kept_for", "session")

    def __init__(self, session: Session) -> None:
        self.session = session
        self._after_commit: list[Callable[[], None]] = []
        self._kept_for: BaseException | None = None

    def commit(self) -> None:
        self.session.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()

    def rollback(self) -> None:
        self.session.rollback()
        self._after_commit.clear()

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)

    def refusal_keeping_work(self, error: Exception) -> Exception:
        """`error`, to raise: the unit commits rather than rolls back when it ends by it."""
        self._kept_for = error
        return error

    @property
    def pending(self) -> bool:
        """Whether work is waiting for a commit (or a rollback)."""
        return self.session.in_transaction() or bool(self._after_commit)

    def end(self, error: BaseException | None = None) -> None:
        """End the unit as its opener's block ended: `error` None (or the refusal that
        keeps the work) commits, any other rolls back. The session is closed."""
        with self.session:
            if error is None or error is self._kept_for:
                self.commit()
            else:
                self.rollback()


class DatabaseSlots:
    """As many requests may hold a database session as there are request slots
    (app.db.request_slots).

    The others wait here, on the event loop, before they take a worker thread: were they
    to wait for the pool inside worker threads, a burst larger than the thread pool would
    leave the requests holding connections no thread to finish on (a deadlock).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._by_loop = weakref.WeakKeyDictionary()
        self._waiting = 0

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._by_loop.get(loop)
        if semaphore is None:
            semaphore = self._by_loop[loop] = asyncio.Semaphore(self.capacity)
        return semaphore

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """One slot, for as long as the block runs."""
        semaphore = self._semaphore()
        self._waiting += 1
        try:
            await semaphore.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            semaphore.release()

    @property
    def contended(self) -> bool:
        """Whether requests are waiting for a slot."""
        return self._waiting > 0


class SharedCommit(Protocol):
    """Work of several units left to one later commit (intake's commit group on SQLite):
    it holds the connection until committed, so any other unit commits it first."""

    @property
    def open(self) -> bool: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class Database:
    """The process's database: its engine, its sessions, the request slots, and the
    commit that units may share (None: every unit commits on its own)."""

    engine: Engine
    session_factory: sessionmaker[Session]
    slots: DatabaseSlots
    shared_commit: SharedCommit | None = None

    async def settle_shared_commit(self) -> None:
        """Commit the shared commit's open work before anything else uses the connection."""
        shared = self.shared_commit
        if shared is not None and shared.open:
            await run_in_threadpool(shared.commit)


@contextlib.asynccontextmanager
async def request_unit(database: Database) -> AsyncIterator[UnitOfWork]:
    """A request's unit of work, ended when the block ends (see `UnitOfWork.end`).
    Opening one does no I/O, so it happens on the event loop; ending one that has work
    pending is I/O, so it runs in a worker thread."""
    async with database.slots.held():
        await database.settle_shared_commit()
        unit = UnitOfWork(database.session_factory())
        try:
            yield unit
        except BaseException as error:
            with shielded():
                await run_in_threadpool(unit.end, error)
            raise
        if unit.pending:
            await run_in_threadpool(unit.end)
        else:  # the work committed itself, in the thread it ran in: nothing left to do
            unit.session.close()


def shielded() -> CancelScope:
    """For the clean-up after a request: one that was cancelled (its client went away, the
    server is stopping) must still give its connection back, or every later one waits."""
    return CancelScope(shield=True)
