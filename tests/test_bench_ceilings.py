"""The intake benchmark's ceilings answer as the benchmark needs: a ceiling that fails
would make every ratio against it meaningless."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db import create_db_engine
from app.schema_version import upgrade_to_head
from app.tickets.models import Ticket, TicketEvent
from bench.ceilings import DATABASE_URL_ENV, TICKETS_PATH, bare_app, minimal_insert_app
from tests import factories


def test_the_bare_ceiling_validates_and_stores_nothing() -> None:
    with TestClient(bare_app()) as client:
        assert client.post(TICKETS_PATH, json=factories.web()).status_code == 201
        assert client.post(TICKETS_PATH, json={"channel": "fax"}).status_code == 422


def test_the_minimal_insert_ceiling_writes_a_ticket_and_its_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'minimal.db'}"
    engine = create_db_engine(Settings(database_url=url))
    upgrade_to_head(engine)
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    with TestClient(minimal_insert_app()) as client:
        answer = client.post(TICKETS_PATH, json=factories.hotline_12345(external_id="call-1"))
    assert answer.status_code == 201
    assert answer.json()["external_id"] == "call-1"
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Ticket)).scalar_one() == 1
        assert connection.execute(select(func.count()).select_from(TicketEvent)).scalar_one() == 1
    engine.dispose()
