"""Fixtures of the photo tests."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.main import create_app
from tests.apps import in_test_transaction

ClientMaker = Callable[..., TestClient]


@pytest.fixture
def client_with(
    settings: Settings, session_factory: sessionmaker[Session], auth: dict[str, dict[str, str]]
) -> Iterator[ClientMaker]:
    """Build a client like `client`, but with some settings changed (limits, upload dir)."""
    with ExitStack() as stack:

        def make(**changes: Any) -> TestClient:
            app = create_app(settings.model_copy(update=changes))
            in_test_transaction(app, session_factory)
            return stack.enter_context(TestClient(app, headers=auth["dispatcher"]))

        yield make
