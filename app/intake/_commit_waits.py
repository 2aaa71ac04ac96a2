"""The event loop's side of the commit group (app.intake._commit_group): an intake's unit
of work inside the group, and the wait for the commit that makes its work durable.

The members of one group share one wait. The committing thread wakes the loop once per
group, not once per member, and one timer per group covers an intake meant to commit it
that never did (its client went away and it was cancelled): the group is then committed
from here, STALLED_SECONDS after its first member began to wait.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from concurrent.futures import Future

from fastapi.concurrency import run_in_threadpool

from app.intake._commit_group import STALLED_SECONDS, CommitGroup, GroupSession
from app.unit_of_work import DatabaseSlots, UnitOfWork, shielded

# One per group commit that members are waiting for, until that commit is done.
_waits: dict["Future[None]", "_GroupWait"] = {}


class _GroupWait:
    def __init__(self, group: CommitGroup, committed: "Future[None]") -> None:
        self.loop = asyncio.get_running_loop()
        self._committed = committed
        self._members: list[asyncio.Future[None]] = []
        self._stall = self.loop.call_later(STALLED_SECONDS, self._commit_stalled, group)
        committed.add_done_callback(lambda _: self.loop.call_soon_threadsafe(self._settle))

    def member(self) -> "asyncio.Future[None]":
        waiting = self.loop.create_future()
        self._members.append(waiting)
        return waiting

    def _settle(self) -> None:
        self._stall.cancel()
        if _waits.get(self._committed) is self:
            del _waits[self._committed]
        error = self._committed.exception()
        for waiting in self._members:
            if waiting.done():  # its request was cancelled
                continue
            if error is None:
                waiting.set_result(None)
            else:
                waiting.set_exception(error)

    def _commit_stalled(self, group: CommitGroup) -> None:
        # CommitGroup.commit never raises (the members' futures carry a failure), and does
        # nothing once the group is committed, so its outcome needs no watching.
        self.loop.run_in_executor(None, group.commit, self._committed)


async def durable(group: CommitGroup, committed: "Future[None]") -> None:
    """Wait for the group's commit; raises what the commit raised."""
    if committed.done():
        committed.result()
        return
    wait = _waits.get(committed)
    if wait is None or wait.loop is not asyncio.get_running_loop():
        wait = _waits[committed] = _GroupWait(group, committed)
    await wait.member()


@contextlib.asynccontextmanager
async def group_unit(group: CommitGroup, slots: DatabaseSlots) -> AsyncIterator[UnitOfWork]:
    """A unit of work whose work is one savepoint of the group's transaction; it is left
    to the group when the block succeeds and undone alone when it raises. The block
    ends only once the group's commit made the work durable, as any other unit's."""
    committed: Future[None] | None = None
    async with slots.held():
        session = group.session()
        unit = UnitOfWork(session)
        try:
            yield unit
            if session.in_transaction():
                await run_in_threadpool(unit.commit)  # releases the savepoint
            committed = session.leave_group(joined=True)
        except BaseException:
            with shielded():
                await run_in_threadpool(_rollback_and_leave, unit, session)
            raise
        finally:
            if group.commit_due(others_waiting=slots.contended):
                with shielded():
                    await run_in_threadpool(group.commit)
    if committed is not None:
        await durable(group, committed)


def holds_the_connection_at_once(unit: UnitOfWork) -> bool:
    """Whether the unit's work may run on the event loop itself: a unit of the commit
    group that takes the group's open connection at once. The group has its write lock and
    its commit is left to a worker thread, and only one request at a time uses the
    database (DatabaseSlots), so no statement waits for another's lock, for the pool or
    for an fsync. Sparing the hop to a worker thread, and the two threads' contention for
    the interpreter, is about a seventh of an intake's CPU."""
    session = unit.session
    return isinstance(session, GroupSession) and session.enter_at_once()


def _rollback_and_leave(unit: UnitOfWork, session: GroupSession) -> None:
    try:
        unit.rollback()
    finally:
        session.leave_group(joined=False)
