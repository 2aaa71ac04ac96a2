"""Delivery by several workers at once, and by a worker killed in the middle of a batch:
each event once per subscription in the normal case, at least once after a crash, never
lost. Real commits, a real receiver, the real `hotline deliver-webhooks` command."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.clock import FrozenClock
from app.config import Settings
from app.db import create_session_factory
from app.webhooks import delivery
from app.webhooks.models import WebhookDelivery
from tests import factories
from tests.webhooks.conftest import POLICY
from tests.webhooks.receiver import Receiver

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"
TICKETS = "/api/v1/tickets"
pytestmark = pytest.mark.slow


def _events_for(
    committing_client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, n: int
) -> str:
    response = committing_client.post(
        SUBSCRIPTIONS, json={"url": receiver.url}, headers=auth["admin"]
    )
    assert response.status_code == 201, response.text
    for _ in range(n):
        filed = committing_client.post(TICKETS, json=factories.hotline_12345())
        assert filed.status_code == 201, filed.text
    secret: str = response.json()["secret"]
    return secret


def _queued(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0


def _wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_workers_at_once_deliver_each_event_once(
    committing_client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    engine: Engine,
) -> None:
    secret = _events_for(committing_client, auth, receiver, 15)
    receiver.delay = 0.01
    workers = [
        delivery.Deliverer(create_session_factory(engine), POLICY, interval=0.02) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        # Each ticket: created and routed.
        _wait_for(lambda: len(receiver.received) >= 30)
        time.sleep(0.5)  # time for a second delivery of anything, had it been claimed twice
    finally:
        for worker in workers:
            worker.stop()

    ids = Counter(item.webhook_id for item in receiver.received)
    assert len(ids) == _queued(engine) == 30
    assert set(ids.values()) == {1}
    for item in receiver.received:
        item.verified_by(secret)


def test_a_worker_killed_in_a_batch_loses_nothing(
    committing_client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    engine: Engine,
    settings: Settings,
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    _events_for(committing_client, auth, receiver, 20)
    receiver.delay = 0.3  # a batch of 16 is in flight for 0.3 s
    environment = os.environ.copy() | {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_WEBHOOK_ALLOW_PRIVATE": "true",
        "HOTLINE_WEBHOOK_TIMEOUT_SECONDS": "2",
    }
    environment.pop("DATABASE_URL", None)
    hotline = Path(sys.executable).with_name("hotline")
    worker = subprocess.Popen(
        [str(hotline), "deliver-webhooks", "--interval", "0.05"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(receiver.received) >= 3)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    time.sleep(0.5)  # the POSTs it had sent finish at the receiver
    before = len(receiver.received)
    assert before < 40, "the worker finished before it was killed"

    # Its leases run out; another worker sends what the killed one had claimed, and the rest.
    clock.advance(timedelta(minutes=5))
    receiver.delay = 0
    with delivery.Pump(create_session_factory(engine), POLICY) as pump:
        for _ in range(5):  # and any retry a busy machine made necessary
            pump.drain()
            clock.advance(timedelta(minutes=5))

    ids = {item.webhook_id for item in receiver.received}
    assert len(ids) == _queued(engine) == 40
    with Session(engine) as session:
        statuses = set(session.scalars(select(WebhookDelivery.status)))
    assert statuses == {"delivered"}
