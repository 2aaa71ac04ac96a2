"""The statistics read what the follower of the event feed has counted. In tests that use
`counted_before_reading` no thread follows it: before each request to the statistics, the
test counts what the follower's next pass would (app/stats/follower.py), in the test's
transaction."""

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.stats import follower


@pytest.fixture
def counted_before_reading(anonymous: TestClient, session: Session) -> None:
    def count(request: httpx.Request) -> None:
        if request.url.path.startswith("/api/v1/stats/"):
            follower.catch_up(session)

    anonymous.event_hooks["request"].append(count)
