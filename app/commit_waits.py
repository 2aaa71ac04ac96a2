"""The event loop's side of the commit group (app.commit_group): intakes waiting for the
commit that makes their work durable.

The members of one group share one wait. The committing thread wakes the loop once per
group, not once per member, and one timer per group covers an intake meant to commit it
that never did (its client went away and it was cancelled): the group is then committed
from here, STALLED_SECONDS after its first member began to wait.
"""

import asyncio
from concurrent.futures import Future

from app.commit_group import STALLED_SECONDS, CommitGroup

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
