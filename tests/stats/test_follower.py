"""A server keeps the statistics by itself: a ticket taken in shows in the reports within
the follower's poll, with nobody running anything."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.config import Settings
from app.main import create_app
from tests import factories
from tests.conftest import TRANSACTIONAL_TABLES
from tests.workflow.helpers import Auth, file_ticket

REPORT = "/api/v1/stats/report"


@pytest.fixture
def following_client(settings: Settings, engine: Engine, auth: Auth) -> Iterator[TestClient]:
    """The real app committing for real, its follower counting every 50 ms."""
    app = create_app(settings.model_copy(update={"stats_poll_seconds": 0.05}))
    with TestClient(app, headers=auth["dispatcher"]) as client:
        yield client
    with engine.begin() as connection:
        for table in TRANSACTIONAL_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


def _received_today(client: TestClient) -> int:
    report = client.get(REPORT, params={"by": "unit", "unit_kind": "department"})
    assert report.status_code == 200, report.text
    received: int = report.json()["total"]["current"]["received"]
    return received


def test_a_ticket_taken_in_is_counted_without_anyone_asking(
    following_client: TestClient,
) -> None:
    before = _received_today(following_client)
    file_ticket(following_client, factories.hotline_12345())

    deadline = time.monotonic() + 30
    while _received_today(following_client) == before:
        assert time.monotonic() < deadline, "the follower never counted the new ticket"
        time.sleep(0.05)
    assert _received_today(following_client) == before + 1
