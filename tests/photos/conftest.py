"""Fixtures of the photo tests."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests.apps import app_with

ClientMaker = Callable[..., TestClient]


@pytest.fixture
def own_uploads(tmp_path: Path) -> Path:
    """An upload directory no other test writes to, so its files can be counted."""
    return tmp_path / "uploads"


@pytest.fixture
def client_with(
    settings: Settings, session_factory: sessionmaker[Session], auth: dict[str, dict[str, str]]
) -> Iterator[ClientMaker]:
    """Build a client like `client`, but with some settings changed (limits, upload dir)."""
    with ExitStack() as stack:

        def make(**changes: Any) -> TestClient:
            app = app_with(settings, session_factory, **changes)
            return stack.enter_context(TestClient(app, headers=auth["dispatcher"]))

        yield make
