"""Fixtures of the webhook tests: a receiver, and delivery passes driven by the test."""

from collections.abc import Callable, Iterator

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
    """Run delivery passes in the test's transaction until nothing more is sent (or
    `passes` were run), every answer recorded; the number sent."""
    pumps: dict[delivery.Policy, delivery.Pump] = {}

    def run(policy: delivery.Policy = POLICY, passes: int = 100) -> int:
        pump = pumps.get(policy) or pumps.setdefault(policy, delivery.Pump(session_factory, policy))
        total = 0
        for _ in range(passes):
            sent = pump.run_once()
            if not sent:
                break
            total += sent
        pump.flush()
        return total

    yield run
    for pump in pumps.values():
        pump.__exit__(None, None, None)
