"""Both rate-limit backends count the same way; the database one is shared by replicas."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from app.db import create_session_factory
from app.ratelimit.limiter import DatabaseRateLimiter, MemoryRateLimiter, RateLimiter

MID_MINUTE = datetime(2026, 11, 23, 9, 30, 30, tzinfo=UTC)


@pytest.fixture
def shared_tables(engine: Engine) -> Iterator[sessionmaker]:  # type: ignore[type-arg]
    yield create_session_factory(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM rate_limit_window"))


def test_memory_limiter_allows_the_limit_then_refuses() -> None:
    limiter = MemoryRateLimiter(clock=lambda: MID_MINUTE)
    decisions = [limiter.hit("login:10.0.0.1", 3) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after_seconds == 30
    assert limiter.hit("login:10.0.0.2", 3).allowed  # another address has its own count


def test_two_replicas_share_the_database_count(shared_tables: sessionmaker) -> None:  # type: ignore[type-arg]
    replica_a: RateLimiter = DatabaseRateLimiter(shared_tables, clock=lambda: MID_MINUTE)
    replica_b: RateLimiter = DatabaseRateLimiter(shared_tables, clock=lambda: MID_MINUTE)
    assert replica_a.hit("public:10.0.0.9", 3).allowed
    assert replica_b.hit("public:10.0.0.9", 3).allowed
    assert replica_a.hit("public:10.0.0.9", 3).allowed
    refused = replica_b.hit("public:10.0.0.9", 3)
    assert not refused.allowed
    assert refused.retry_after_seconds == 30


def test_a_new_minute_starts_a_new_count() -> None:
    now = [MID_MINUTE]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert [limiter.hit("k", 1).allowed for _ in range(2)] == [True, False]
    now[0] = MID_MINUTE + timedelta(seconds=30)
    assert limiter.hit("k", 1).allowed
