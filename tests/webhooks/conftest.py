"""Fixtures of the webhook tests: a receiver, and delivery passes driven by the test."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.webhooks import delivery
from tests.webhooks.receiver import Receiver, running_receiver

POLICY = delivery.Policy(allow_private=True, timeout=2, retry_hours=24)
Deliver = Callable[..., int]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def deliver(session_factory: sessionmaker[Session]) -> Iterator[Deliver]:
    """Run delivery passes in the test's transaction until nothing more is sent; the
    number sent."""
    with ThreadPoolExecutor(delivery.SENDERS) as pool:
        clients = {}

        def run(policy: delivery.Policy = POLICY, passes: int = 100) -> int:
            client = clients.get(policy) or clients.setdefault(policy, delivery.http_client(policy))
            total = 0
            for _ in range(passes):
                sent = delivery.deliver_once(session_factory, policy, client, pool)
                if not sent:
                    break
                total += sent
            return total

        yield run
        for client in clients.values():
            client.close()
