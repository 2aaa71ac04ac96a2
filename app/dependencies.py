"""Request-scoped dependencies shared by every router."""

import asyncio
import weakref
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

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

    def semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._by_loop.get(loop)
        if semaphore is None:
            semaphore = self._by_loop[loop] = asyncio.Semaphore(self.capacity)
        return semaphore


async def _database_slot(request: Request) -> AsyncIterator[None]:
    slots: DatabaseSlots = request.app.state.database_slots
    async with slots.semaphore():
        yield


DatabaseSlotDep = Annotated[None, Depends(_database_slot, scope="function")]


async def _session(request: Request) -> AsyncIterator[Session]:
    """A session for the request, committed when the endpoint succeeds, rolled back when it
    raises. Opening one does no I/O, so it happens on the event loop; the commit is I/O,
    so it runs in a worker thread (a hot endpoint may commit itself, in the thread it
    already runs in, to spare that second hop)."""
    async with request.app.state.database_slots.semaphore():
        session: Session = request.app.state.session_factory()
        try:
            yield session
            if session.in_transaction():
                await run_in_threadpool(_commit_and_close, session)
            else:  # the endpoint committed in its own thread: nothing left to do
                session.close()
        except BaseException:
            await run_in_threadpool(_rollback_and_close, session)
            raise


def _commit_and_close(session: Session) -> None:
    with session:
        session.commit()


def _rollback_and_close(session: Session) -> None:
    with session:
        session.rollback()


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the commit happens before the response is sent, so a 201 is durable.
SessionDep = Annotated[Session, Depends(_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(_settings)]
