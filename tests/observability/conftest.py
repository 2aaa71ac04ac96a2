"""The app with observability settings of a test's own, over HTTP in the test's transaction."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.main import create_app
from tests.apps import in_test_transaction

MakeClient = Callable[..., TestClient]
# Where a scraper on the same host comes from.
LOOPBACK = ("127.0.0.1", 40000)


@pytest.fixture
def make_client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[MakeClient]:
    """make_client(client=(host, port), **settings): a client of an app with those settings."""
    opened: list[TestClient] = []

    def make(client: tuple[str, int] = LOOPBACK, **changes: Any) -> TestClient:
        app = in_test_transaction(create_app(settings.model_copy(update=changes)), session_factory)
        test_client = TestClient(app, client=client)
        test_client.__enter__()
        opened.append(test_client)
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)
