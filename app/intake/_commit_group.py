"""Group commit for intake on SQLite: one fsync for the tickets that arrive together.

SQLite has one connection and one writer, so intakes queue for it, and each one's commit
used to wait for its own fsync while the others waited for the connection. In a group,
each intake's work is a SAVEPOINT inside one open transaction; an intake that finds
others waiting leaves the commit to the next one and waits for it before it answers, so
every 201 is still durable. The last intake of a run (nobody waiting), or the one that
fills the group, commits it. A savepoint that fails rolls back alone: the others' work
is untouched.

Any other request's unit of work commits the open group before it uses the connection
(app.unit_of_work.Database.settle_shared_commit), so the group never holds the connection
from another user. A group is intake's private detail: the rest of the service knows it
only as a `SharedCommit`.
"""

import threading
from concurrent.futures import Future
from typing import Any

from sqlalchemy.engine import Connection, Engine, Transaction
from sqlalchemy.orm import Session

from app.driver_sql import driver_connection
from app.intake._loop_path import refuse_to_wait

# Bounds how long the first intake of a group waits for the commit.
MAX_MEMBERS = 16
# A member that waits this long commits its group itself: the intake meant to commit it
# may have been cancelled (its client went away) before it could.
STALLED_SECONDS = 0.5
# Each member's own savepoint; only one is open at a time.
_SAVEPOINT = "member"


class CommitGroup:
    """The open transaction intakes join, and who waits for its commit."""

    def __init__(self, bind: Engine | Connection, max_members: int = MAX_MEMBERS) -> None:
        """`bind`: the engine, whose pooled connection each group takes in turn; or a
        connection already in a transaction (the tests' rolled-back one), in which each
        group is a savepoint."""
        self._bind = bind
        self._pooled = isinstance(bind, Engine)
        self._max_members = max_members
        # One session at a time uses the connection, from its first statement to `leave`.
        self._use = threading.Lock()
        self._connection: Connection | None = None
        self._members = 0
        self._committed: Future[None] = Future()

    def session(self) -> "GroupSession":
        return GroupSession(self)

    @property
    def open(self) -> bool:
        return self._connection is not None

    def commit_due(self, others_waiting: bool) -> bool:
        """Whether the intake leaving now should commit: nobody is left to, or it is full."""
        return self.open and (not others_waiting or self._members >= self._max_members)

    def enter(self) -> Connection:
        """The connection, in the group's transaction, for the calling session alone."""
        refuse_to_wait("waiting for the commit group's connection")
        self._use.acquire()
        try:
            if self._connection is None:
                self._connection = self._begin()
        except BaseException:
            self._use.release()
            raise
        return self._connection

    def enter_at_once(self) -> Connection | None:
        """The connection, when the group is open (its write lock taken) and nobody is
        using it this instant; None when the caller would have to wait for it."""
        if not self._use.acquire(blocking=False):
            return None
        if self._connection is None:
            self._use.release()
            return None
        return self._connection

    def leave(self, *, joined: bool) -> "Future[None] | None":
        """A session is done with the connection; `joined`: its work stays in the group.
        The future completes when that work is durable."""
        committed = self._committed if joined else None
        if joined:
            self._members += 1
        self._use.release()
        return committed

    def commit(self, group: "Future[None] | None" = None) -> None:
        """Commit the open group (only the one `group` stands for, when given). Never
        raises: the members' futures carry a failure."""
        refuse_to_wait("the commit group's commit (an fsync)")
        with self._use:
            connection, committed = self._connection, self._committed
            if connection is None or (group is not None and group is not committed):
                return
            self._connection, self._members, self._committed = None, 0, Future()
            try:
                self._end(connection, commit=True)
            except BaseException as error:
                committed.set_exception(error)
                self._end(connection, commit=False)  # a failed COMMIT leaves it open
            else:
                committed.set_result(None)
            finally:
                if self._pooled:
                    connection.close()  # back to the pool, for the sweeper or the next group

    def _begin(self) -> Connection:
        if isinstance(self._bind, Engine):
            connection = self._bind.connect()
            connection.begin()
            return connection
        self._bind.begin_nested()
        return self._bind

    def _end(self, connection: Connection, *, commit: bool) -> None:
        transaction: Transaction | None = (
            connection.get_transaction() if self._pooled else connection.get_nested_transaction()
        )
        assert transaction is not None
        if commit:
            transaction.commit()
        else:
            transaction.rollback()


class GroupSession(Session):
    """A request's session inside the group's transaction: its own work is a SAVEPOINT,
    so `commit` releases it and `rollback` undoes it alone. The connection is taken at
    the first statement, in the thread that runs it, and given back by `leave_group`.

    The savepoint is the session's own, sent to the driver: intake works on `connection()`
    alone, and the ORM's transaction (begun, committed and closed for every ticket) cost
    more than the savepoint itself. Any ORM use (a query, `add`, `execute`) begins that
    transaction as well, as a savepoint inside this one, committed or rolled back first."""

    def __init__(self, group: CommitGroup) -> None:
        super().__init__(
            join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
        )
        self._group = group
        self._connection: Connection | None = None
        self._in_savepoint = False

    def get_bind(self, *args: Any, **kwargs: Any) -> Connection:
        return self._enter()

    def connection(self, bind_arguments: Any = None, execution_options: Any = None) -> Connection:
        if bind_arguments is None and execution_options is None:
            return self._enter()
        return super().connection(bind_arguments, execution_options)

    def in_transaction(self) -> bool:
        return self._in_savepoint or super().in_transaction()

    def commit(self) -> None:
        if super().in_transaction():
            super().commit()
        self._end_savepoint(f"RELEASE SAVEPOINT {_SAVEPOINT}")

    def rollback(self) -> None:
        if super().in_transaction():
            super().rollback()
        self._end_savepoint(
            f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}", f"RELEASE SAVEPOINT {_SAVEPOINT}"
        )

    def enter_at_once(self) -> bool:
        """Take the group's connection now if that needs no wait (see
        `CommitGroup.enter_at_once`); True when the session holds it."""
        if self._connection is None:
            self._connection = self._group.enter_at_once()
        return self._connection is not None

    def leave_group(self, *, joined: bool) -> "Future[None] | None":
        """Close the session and give the connection back; see `CommitGroup.leave`. None:
        the session never used the database. Work not committed is undone, as `close`
        does."""
        if super().in_transaction() or self.identity_map:
            self.close()
        if self._connection is None:
            return None
        try:
            self.rollback()
        finally:
            self._connection = None
        return self._group.leave(joined=joined)

    def _enter(self) -> Connection:
        if self._connection is None:
            self._connection = self._group.enter()
        if not self._in_savepoint:
            driver_connection(self._connection).execute(f"SAVEPOINT {_SAVEPOINT}")
            self._in_savepoint = True
        return self._connection

    def _end_savepoint(self, *statements: str) -> None:
        if not self._in_savepoint:
            return
        assert self._connection is not None
        driver = driver_connection(self._connection)
        for statement in statements:
            driver.execute(statement)
        self._in_savepoint = False
