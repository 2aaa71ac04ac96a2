"""Intakes on SQLite share a commit: each one's work a savepoint of one transaction."""

import contextlib
import sqlite3
import threading
from concurrent.futures import Future
from pathlib import Path

import anyio
import pytest
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import create_db_engine, create_session_factory
from app.intake._commit_group import STALLED_SECONDS, CommitGroup
from app.intake._commit_waits import durable, group_unit
from app.unit_of_work import Database, DatabaseSlots, UnitOfWork, request_unit
from tests import factories
from tests.concurrency import post_at_once


@pytest.fixture
def scratch(tmp_path: Path) -> Engine:
    """The service's SQLite engine (one connection) on a file of its own."""
    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'group.db'}"))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT NOT NULL)"))
    return engine


def _durable_notes(engine: Engine) -> list[str]:
    # A connection of its own, reading only: it sees what was committed.
    database = engine.url.database
    assert database is not None
    with contextlib.closing(sqlite3.connect(database)) as reader:
        return [body for (body,) in reader.execute("SELECT body FROM note ORDER BY body")]


_INSERT_NOTE = text("INSERT INTO note (body) VALUES (:body)")
# How a member writes: through the session's connection alone (intake's way), through the
# ORM's `execute` (which begins the ORM's own savepoint inside the member's), or both.
WAYS = ["connection", "execute", "both"]


def _notes(body: str, way: str) -> list[str]:
    """What `_write` notes for `body`: `body`, and `body'` as well when written both ways."""
    return [body, body + "'"] if way == "both" else [body]


def _write(session: Session, body: str, way: str = "execute") -> None:
    notes = _notes(body, way)
    if way in ("connection", "both"):
        session.connection().execute(_INSERT_NOTE, {"body": notes[0]})
    if way in ("execute", "both"):
        session.execute(_INSERT_NOTE, {"body": notes[-1]})


def _join(group: CommitGroup, body: str, way: str = "execute") -> "Future[None] | None":
    session = group.session()
    _write(session, body, way)
    session.commit()  # releases the session's savepoint
    return session.leave_group(joined=True)


@pytest.mark.parametrize("way", WAYS)
def test_members_are_durable_only_when_the_group_commits(scratch: Engine, way: str) -> None:
    group = CommitGroup(scratch)
    first_done = _join(group, "first", way)
    second_done = _join(group, "second", way)

    assert first_done is second_done is not None
    assert not first_done.done()
    assert _durable_notes(scratch) == []
    assert group.commit_due(others_waiting=False)

    group.commit()

    assert first_done.result() is None
    assert _durable_notes(scratch) == [*_notes("first", way), *_notes("second", way)]
    assert not group.open


@pytest.mark.parametrize("way", WAYS)
def test_a_failed_member_rolls_back_alone(scratch: Engine, way: str) -> None:
    group = CommitGroup(scratch)
    kept = _join(group, "kept", way)
    bad = group.session()
    _write(bad, "undone", way)
    assert bad.in_transaction()
    bad.rollback()
    assert not bad.in_transaction()
    assert bad.leave_group(joined=False) is None

    group.commit()

    assert kept is not None
    assert kept.result() is None
    assert _durable_notes(scratch) == _notes("kept", way)


@pytest.mark.parametrize("way", WAYS)
def test_work_a_member_leaves_without_committing_is_undone(scratch: Engine, way: str) -> None:
    """As a session's `close` undoes what it did not commit: the group keeps the rest."""
    group = CommitGroup(scratch)
    session = group.session()
    _write(session, "kept", way)
    session.commit()
    _write(session, "uncommitted", way)
    done = session.leave_group(joined=True)

    group.commit()

    assert done is not None
    assert done.result() is None
    assert _durable_notes(scratch) == _notes("kept", way)


def test_a_full_group_is_due_even_with_others_waiting(scratch: Engine) -> None:
    group = CommitGroup(scratch, max_members=2)
    for body in ("a", "b"):
        _join(group, body)
        assert group.commit_due(others_waiting=True) is (body == "b")


def test_a_session_enters_at_once_only_an_open_group_nobody_is_using(scratch: Engine) -> None:
    group = CommitGroup(scratch)
    assert not group.session().enter_at_once()  # opening one takes the write lock: a wait
    using = group.session()
    _write(using, "first", "connection")
    waiting = group.session()

    assert not waiting.enter_at_once()
    using.commit()
    first_done = using.leave_group(joined=True)
    assert waiting.enter_at_once()
    _write(waiting, "second", "connection")
    waiting.commit()
    assert waiting.leave_group(joined=True) is first_done
    group.commit()
    assert _durable_notes(scratch) == ["first", "second"]


def test_a_session_that_never_touched_the_database_waits_for_nothing(scratch: Engine) -> None:
    group = CommitGroup(scratch)
    assert group.session().leave_group(joined=True) is None
    assert not group.open
    assert not group.commit_due(others_waiting=False)  # nothing open: nothing to commit


def test_a_group_that_cannot_begin_gives_the_connection_back(tmp_path: Path) -> None:
    """A BEGIN that fails (the database cannot be opened) must not keep the group's lock:
    the next session would wait for it forever."""
    unreachable = create_db_engine(
        Settings(database_url=f"sqlite:///{tmp_path / 'missing' / 'group.db'}")
    )
    group = CommitGroup(unreachable)
    failures: list[BaseException] = []

    def enter() -> None:
        try:
            group.enter()
        except Exception as error:  # the open failing, as expected
            failures.append(error)

    for _ in range(2):
        attempt = threading.Thread(target=enter, daemon=True)
        attempt.start()
        attempt.join(timeout=10)
        assert not attempt.is_alive(), "the second session waits for a lock nobody holds"
    assert len(failures) == 2
    assert not group.open


def test_a_failed_commit_reaches_every_member(scratch: Engine) -> None:
    with scratch.begin() as connection:
        connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))"))
    group = CommitGroup(scratch)
    session = group.session()
    # A reference checked only at the commit: it fails as a full disk would.
    session.execute(text("PRAGMA defer_foreign_keys=ON"))
    session.execute(text("INSERT INTO child (parent_id) VALUES (42)"))
    session.commit()
    done = session.leave_group(joined=True)

    group.commit()

    assert done is not None
    with pytest.raises(IntegrityError):
        done.result()
    assert not group.open
    _join(group, "after")  # the next group starts clean
    group.commit()
    assert _durable_notes(scratch) == ["after"]


def _join_failing(group: CommitGroup) -> "Future[None] | None":
    """A member whose work breaks a reference checked only at the commit: the group's
    commit fails, as on a full disk."""
    session = group.session()
    session.execute(text("PRAGMA defer_foreign_keys=ON"))
    session.execute(text("INSERT INTO child (parent_id) VALUES (42)"))
    session.commit()
    return session.leave_group(joined=True)


HANG_SECONDS = 30


def test_waiting_members_answer_once_their_group_commits(scratch: Engine) -> None:
    """Every member waiting on the event loop is let go by the one commit, durable; the
    failure of a commit reaches each of its members."""
    with scratch.begin() as connection:
        connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))"))
    group = CommitGroup(scratch)
    kept = [_join(group, body) for body in ("first", "second")]
    outcomes: dict[str, list[str]] = {"kept": [], "failed": []}

    async def wait(name: str, committed: "Future[None] | None") -> None:
        assert committed is not None
        try:
            await durable(group, committed)
        except IntegrityError:
            outcomes[name].append("error")
        else:
            outcomes[name].append(",".join(_durable_notes(scratch)))  # as the answer goes

    async def commit_while_they_wait(members: list["Future[None] | None"], name: str) -> None:
        # A guard against a hang only: on a loaded machine the stall timer may commit the
        # group first, which lets its members go the same way; a tighter bound cancelled
        # the waiting members silently instead of failing.
        with anyio.fail_after(HANG_SECONDS):
            async with anyio.create_task_group() as tasks:
                for committed in members:
                    tasks.start_soon(wait, name, committed)
                await anyio.sleep(0.01)
                await anyio.to_thread.run_sync(group.commit)

    anyio.run(commit_while_they_wait, kept, "kept")
    assert outcomes["kept"] == ["first,second", "first,second"]
    failed = [_join_failing(group), _join(group, "lost")]
    anyio.run(commit_while_they_wait, failed, "failed")
    assert outcomes["failed"] == ["error", "error"]
    assert _durable_notes(scratch) == ["first", "second"]


@pytest.mark.slow
def test_a_group_nobody_commits_is_committed_for_its_waiting_members(scratch: Engine) -> None:
    """The intake meant to commit the group was cancelled before it could: the members
    waiting for that commit still answer, durable, once STALLED_SECONDS have passed."""
    group = CommitGroup(scratch)
    members = [_join(group, body) for body in ("first", "second")]

    async def wait_for_all() -> None:
        with anyio.fail_after(STALLED_SECONDS * 4):
            async with anyio.create_task_group() as tasks:
                for committed in members:
                    assert committed is not None
                    tasks.start_soon(durable, group, committed)

    anyio.run(wait_for_all)
    assert _durable_notes(scratch) == ["first", "second"]
    assert not group.open


@pytest.mark.slow
def test_concurrent_intakes_are_all_durable_when_answered(
    live_server: str, engine: Engine, auth: dict[str, dict[str, str]]
) -> None:
    """Many posts at once (most of them waiting in a group on SQLite), one of them
    refused after its session used the database: every 201 is already committed, and
    the refused one left nothing."""
    bodies = iter(
        [factories.hotline_12345() for _ in range(11)]
        + [factories.hotline_12345(category_code="9999")]
    )
    responses = post_at_once(
        live_server, "/api/v1/tickets", lambda: next(bodies), auth["call_centre"], threads=12
    )

    created = [r.json()["number"] for r in responses if r.status_code == 201]
    assert sorted(r.status_code for r in responses) == [201] * 11 + [422]
    query = text("SELECT number FROM ticket WHERE number IN :numbers").bindparams(
        bindparam("numbers", expanding=True)
    )
    with engine.connect() as connection:
        stored = connection.execute(query, {"numbers": created}).scalars()
        assert sorted(stored) == sorted(created)


def _database(scratch: Engine, group: CommitGroup) -> Database:
    return Database(scratch, create_session_factory(scratch), DatabaseSlots(1), group)


def _unit(
    database: Database, in_group: bool
) -> "contextlib.AbstractAsyncContextManager[UnitOfWork]":
    group = database.shared_commit
    assert isinstance(group, CommitGroup)
    return group_unit(group, database.slots) if in_group else request_unit(database)


async def _note(session: Session, body: str) -> None:
    insert = text("INSERT INTO note (body) VALUES (:body)")
    await anyio.to_thread.run_sync(session.execute, insert, {"body": body}, abandon_on_cancel=True)


@pytest.mark.parametrize("in_group", [True, False], ids=["group session", "own session"])
def test_a_cancelled_request_gives_the_connection_back(scratch: Engine, in_group: bool) -> None:
    """A request cancelled in the middle of its work (its client went away, the server is
    stopping) still rolls back and gives the connection back, so the next one is not
    locked out."""
    group = CommitGroup(scratch)
    database = _database(scratch, group)

    async def cancel_one_then_write_another() -> None:
        working = anyio.Event()

        async def cancelled() -> None:
            async with _unit(database, in_group) as unit:
                await _note(unit.session, "cancelled")
                working.set()
                await anyio.sleep_forever()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(cancelled)
            await working.wait()
            tasks.cancel_scope.cancel()
        with anyio.fail_after(5):
            async with _unit(database, in_group) as unit:
                await _note(unit.session, "next")

    anyio.run(cancel_one_then_write_another)
    group.commit()
    assert _durable_notes(scratch) == ["next"]
