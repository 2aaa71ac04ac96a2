"""Request-scoped dependencies shared by every router."""

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from concurrent.futures import Future
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from app.commit_group import CommitGroup, GroupSession
from app.commit_waits import durable
from app.config import Settings


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


async def _settle_commit_group(request: Request) -> None:
    """Commit the intakes' open group (SQLite) before anything else uses the connection."""
    group: CommitGroup | None = request.app.state.commit_group
    if group is not None and group.open:
        await run_in_threadpool(group.commit)


async def _database_slot(request: Request) -> AsyncIterator[None]:
    slots: DatabaseSlots = request.app.state.database_slots
    async with slots.held():
        await _settle_commit_group(request)
        yield


DatabaseSlotDep = Annotated[None, Depends(_database_slot, scope="function")]


@contextlib.asynccontextmanager
async def request_session(
    request: Request, *, join_commit_group: bool = False
) -> AsyncIterator[Session]:
    """A session for the request, committed when the block succeeds, rolled back when it
    raises. Opening one does no I/O, so it happens on the event loop; the commit is I/O,
    so it runs in a worker thread (a hot endpoint may commit itself, in the thread it
    already runs in, to spare that second hop).

    `join_commit_group`: on SQLite, a session in the intakes' commit group instead
    (app.commit_group)."""
    group: CommitGroup | None = request.app.state.commit_group
    if group is not None and join_commit_group:
        async with _group_session(request, group) as joined:
            yield joined
        return
    async with request.app.state.database_slots.held():
        await _settle_commit_group(request)
        session: Session = request.app.state.session_factory()
        try:
            yield session
            if session.in_transaction():
                await run_in_threadpool(_commit_and_close, session)
            else:  # the endpoint committed in its own thread: nothing left to do
                session.close()
        except BaseException:
            with _shielded():
                await run_in_threadpool(_rollback_and_close, session)
            raise


async def _session(request: Request) -> AsyncIterator[Session]:
    async with request_session(request) as session:
        yield session


@contextlib.asynccontextmanager
async def _group_session(request: Request, group: CommitGroup) -> AsyncIterator[Session]:
    """The request's work as one savepoint of the group's transaction; the answer waits
    until the group is committed, so it is durable as any other."""
    slots: DatabaseSlots = request.app.state.database_slots
    committed: Future[None] | None = None
    async with slots.held():
        session = group.session()
        try:
            yield session
            if session.in_transaction():
                await run_in_threadpool(session.commit)  # releases the savepoint
            committed = session.leave_group(joined=True)
        except BaseException:
            with _shielded():
                await run_in_threadpool(_rollback_and_leave, session)
            raise
        finally:
            if group.commit_due(others_waiting=slots.contended):
                with _shielded():
                    await run_in_threadpool(group.commit)
    if committed is not None:
        await durable(group, committed)


def runs_without_waiting(session: Session) -> bool:
    """Whether the session's work may run on the event loop itself: a session of the
    commit group (SQLite) that holds the group's open connection at once. The group has
    its write lock and its commit is left to a worker thread, and only one request at a
    time uses the database (DatabaseSlots), so no statement waits for another's lock, for
    the pool or for an fsync. Sparing the hop to a worker thread, and the two threads'
    contention for the interpreter, is about a seventh of an intake's CPU."""
    return isinstance(session, GroupSession) and session.enter_at_once()


def _shielded() -> CancelScope:
    """For the clean-up after a request: one that was cancelled (its client went away, the
    server is stopping) must still give its connection back, or every later one waits."""
    return CancelScope(shield=True)


def _rollback_and_leave(session: GroupSession) -> None:
    try:
        session.rollback()
    finally:
        session.leave_group(joined=False)


def _commit_and_close(session: Session) -> None:
    with session:
        session.commit()


def _rollback_and_close(session: Session) -> None:
    with session:
        session.rollback()


def media_type(request: Request) -> str:
    """The body's media type, without parameters (a charset), lower case; "" when none."""
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _settings(request: Request) -> Settings:
    return app_settings(request)


# scope="function": the commit happens before the response is sent, so a 201 is durable.
SessionDep = Annotated[Session, Depends(_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(_settings)]
