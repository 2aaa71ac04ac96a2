"""A ticket whose channel names no request type: photo, QR and patrol reports are reports
of a problem, calls and web forms complaints, as the city configures."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests import factories
from tests.apps import app_with

TICKETS = "/api/v1/tickets"
Auth = dict[str, dict[str, str]]


def _without_request_type(body: dict[str, Any]) -> dict[str, Any]:
    body.pop("request_type", None)
    return body


def _photo_id(client: TestClient, auth: Auth) -> str:
    files = [("files", ("p.jpg", factories.jpeg_bytes(), "image/jpeg"))]
    response = client.post("/api/v1/photos", files=files, headers=auth["citizen_app"])
    assert response.status_code == 201, response.text
    photo_id: str = response.json()[0]["id"]
    return photo_id


def test_each_channel_files_its_own_default_request_type(client: TestClient, auth: Auth) -> None:
    bodies = {
        "photo_report": (factories.photo_report([_photo_id(client, auth)]), "citizen_app"),
        "qr_code": (factories.qr_code(), "citizen_app"),
        "grid_patrol": (factories.grid_patrol(), "gridworker"),
        "web": (factories.web(), "citizen_app"),
        "hotline_12345": (factories.hotline_12345(), "call_centre"),
    }
    filed = {}
    for channel, (body, who) in bodies.items():
        response = client.post(TICKETS, json=_without_request_type(body), headers=auth[who])
        assert response.status_code == 201, response.text
        filed[channel] = response.json()["request_type"]
    assert filed == {
        "photo_report": "report",
        "qr_code": "report",
        "grid_patrol": "report",
        "web": "complaint",
        "hotline_12345": "complaint",
    }
    said = client.post(
        TICKETS, json=factories.qr_code(request_type="help"), headers=auth["citizen_app"]
    )
    assert said.json()["request_type"] == "help"  # what the channel says wins


@pytest.fixture
def city_client(
    settings: Settings, session_factory: sessionmaker[Session], auth: Auth
) -> Iterator[TestClient]:
    """The app of a city whose web forms are suggestions unless they say otherwise."""
    app = app_with(settings, session_factory, channel_request_types={"web": "suggestion"})
    with TestClient(app, headers=auth["citizen_app"]) as client:
        yield client


def test_a_city_sets_its_channels_defaults(city_client: TestClient) -> None:
    web = city_client.post(TICKETS, json=_without_request_type(factories.web()))
    assert web.json()["request_type"] == "suggestion"
    # Channels it did not list file complaints.
    qr = city_client.post(TICKETS, json=factories.qr_code())
    assert qr.json()["request_type"] == "complaint"
