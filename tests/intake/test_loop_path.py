"""Intake's work on the event loop never waits: every other request of the process waits
for it there. The service guards the places intake could wait (the commit group's lock
and commit); these tests also watch the interpreter's blocking calls (files, sockets,
sleeps, subprocesses) while intakes run on the loop, so a blocking call added anywhere
below the flow fails them."""

import asyncio
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.intake import flow, write
from app.intake._commit_group import CommitGroup
from app.intake._loop_path import BlockingOnTheLoop, loop_path, on_the_loop_path
from tests import factories
from tests.apps import resources

# Audit events (sys.addaudithook) of calls that wait for the disk, the network, a
# process or the clock.
BLOCKING_EVENTS = frozenset(
    {
        "open",
        "os.system",
        "shutil.copyfile",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.sendto",
        "sqlite3.connect",
        "subprocess.Popen",
    }
)

_watching = False


def _refuse_blocking_on_the_loop(event: str, arguments: tuple[Any, ...]) -> None:
    if _watching and event in BLOCKING_EVENTS and on_the_loop_path():
        raise BlockingOnTheLoop(f"{event}{arguments!r:.120} on intake's loop path")


# An audit hook stays for the life of the process: it does nothing unless a test watches.
sys.addaudithook(_refuse_blocking_on_the_loop)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    global _watching
    sleep = time.sleep

    def sleep_off_the_loop(seconds: float) -> None:
        if on_the_loop_path():  # Python 3.11 has no audit event for it
            raise BlockingOnTheLoop(f"time.sleep({seconds}) on intake's loop path")
        sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep_off_the_loop)
    _watching = True
    try:
        yield
    finally:
        _watching = False


@pytest.fixture
def group(client: TestClient, backend: str) -> CommitGroup:
    """The app's commit group (SQLite only: PostgreSQL has no loop path)."""
    if backend != "sqlite":
        pytest.skip("only intakes joining a commit group (SQLite) run on the event loop")
    shared = resources(client.app).database.shared_commit  # type: ignore[arg-type]
    assert isinstance(shared, CommitGroup)
    return shared


def _leave_the_group_open(group: CommitGroup) -> None:
    """As the intakes ahead in a queue do: the next intake finds the connection free."""
    opener = group.session()
    opener.connection()
    opener.commit()
    opener.leave_group(joined=True)


@pytest.fixture
def on_the_loop(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each intake's steps ran on the event loop (and were watched there)."""
    ran: list[bool] = []
    original = flow._take_in

    def take_in(*arguments: Any) -> Any:
        in_event_loop = _in_event_loop()
        assert in_event_loop is on_the_loop_path()
        ran.append(in_event_loop)
        return original(*arguments)

    monkeypatch.setattr(flow, "_take_in", take_in)
    return ran


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_an_intake_that_need_not_wait_runs_on_the_event_loop(
    client: TestClient, on_the_loop: list[bool]
) -> None:
    """On SQLite, an intake joining an open group whose connection is free does its work
    on the event loop, with no hop to a worker thread; the first of a group, and every
    intake on PostgreSQL, in a worker thread."""
    # The first call of a key looks it up, which opens a group: later ones remember it.
    assert client.post("/api/v1/tickets", json=factories.web()).status_code == 201
    shared = resources(client.app).database.shared_commit  # type: ignore[arg-type]
    group = shared if isinstance(shared, CommitGroup) else None

    first = client.post("/api/v1/tickets", json=factories.web(description="路灯坏了"))
    if group is not None:
        _leave_the_group_open(group)
    second = client.post("/api/v1/tickets", json=factories.web(description="井盖丢了"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert on_the_loop[1:] == [False, group is not None]
    assert not (group and group.open)  # the last intake committed the group: it is durable
    for answer in (first, second):
        assert client.get(answer.headers["location"]).status_code == 200


def _photo_id(client: TestClient) -> str:
    upload = client.post("/api/v1/photos", files=[("files", ("p.jpg", factories.jpeg_bytes()))])
    assert upload.status_code == 201, upload.text
    photo_id: str = upload.json()[0]["id"]
    return photo_id


def test_every_channel_taken_in_on_the_loop_path_blocks_nowhere(
    client: TestClient,
    group: CommitGroup,
    on_the_loop: list[bool],
    watched: None,
    engine: Engine,
) -> None:
    photo = _photo_id(client)
    # The first call of a key looks it up, which opens a group: later ones remember it.
    assert client.post("/api/v1/tickets", json=factories.web()).status_code == 201
    bodies = [
        factories.hotline_12345(),
        factories.minsheng_110(),
        factories.photo_report([photo]),
        factories.qr_code(),
        factories.grid_patrol(),
        factories.web(),
    ]
    for body in bodies:
        headers = {"Idempotency-Key": factories.unique("loop")}
        _leave_the_group_open(group)
        response = client.post("/api/v1/tickets", json=body, headers=headers)
        assert response.status_code == 201, response.text
        _leave_the_group_open(group)
        again = client.post("/api/v1/tickets", json=body, headers=headers)
        assert again.json() == response.json()

    # The first intake opened the group (a wait for the write lock: a worker thread); the
    # others (each posted twice) ran on the loop.
    assert on_the_loop == [False] + [True, True] * len(bodies)


@pytest.mark.parametrize(
    ("blocking", "expected"),
    [(lambda: time.sleep(0), "time.sleep"), (lambda: open(os.devnull).close(), "open")],
    ids=["sleep", "file"],
)
def test_a_blocking_call_on_the_loop_path_fails_the_intake(
    blocking: Callable[[], None],
    expected: str,
    client: TestClient,
    group: CommitGroup,
    on_the_loop: list[bool],
    watched: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert client.post("/api/v1/tickets", json=factories.web()).status_code == 201
    original = write.prepare

    def prepare_then(*arguments: Any) -> Any:
        blocking()
        return original(*arguments)

    monkeypatch.setattr(write, "prepare", prepare_then)
    _leave_the_group_open(group)
    with pytest.raises(BlockingOnTheLoop, match=expected):
        client.post("/api/v1/tickets", json=factories.web(description="路灯坏了"))
    assert on_the_loop[-1] is True


def test_the_commit_groups_waits_are_refused_on_the_loop_path(tmp_path: Any) -> None:
    from app.config import Settings
    from app.db import create_db_engine

    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'loop.db'}"))
    group = CommitGroup(engine)
    with loop_path():
        with pytest.raises(BlockingOnTheLoop, match="commit group's connection"):
            group.session().connection()
        with pytest.raises(BlockingOnTheLoop, match="fsync"):
            group.commit()
    engine.dispose()
