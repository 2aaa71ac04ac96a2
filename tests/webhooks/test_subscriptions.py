"""Webhook subscriptions: who may make them, what is refused (and why), the secret shown
once, and URLs that point into the service's own network (SSRF)."""

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.webhooks.safety import RefusedUrl, check_url
from tests.apps import app_with

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"
PUBLIC_URL = "https://93.184.215.14/hooks"  # a public address: nothing is sent in these tests


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    return problem


@pytest.fixture
def strict(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """The app as production runs it: private addresses and plain http refused."""
    app = app_with(settings, session_factory, webhook_allow_private=False)
    with TestClient(app) as test_client:
        yield test_client


def test_an_admin_subscribes_and_sees_the_secret_once(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    admin = auth["admin"]
    response = anonymous.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL}, headers=admin)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) == 32
    assert created["event_types"] is None
    assert created["owner"] == {"kind": "city", "code": None}
    shown = anonymous.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin).json()
    assert "secret" not in shown
    assert [item["id"] for item in anonymous.get(SUBSCRIPTIONS, headers=admin).json()] == [
        created["id"]
    ]
    assert anonymous.delete(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin).status_code == 204
    _problem(anonymous.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin), 404)


def test_an_admin_subscribes_for_a_unit(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    body = {"url": PUBLIC_URL, "unit": {"kind": "department", "code": "urban_management"}}
    created = anonymous.post(SUBSCRIPTIONS, json=body, headers=auth["admin"]).json()
    assert created["owner"] == {"kind": "department", "code": "urban_management"}

    body["unit"] = {"kind": "department", "code": "no_such_unit"}
    problem = _problem(anonymous.post(SUBSCRIPTIONS, json=body, headers=auth["admin"]), 422)
    assert problem["field"] == "unit"


def test_an_integration_subscribes_for_its_own_and_sees_no_other_s(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    body = {"url": PUBLIC_URL, "event_types": ["ticket.replied"]}
    created = anonymous.post(SUBSCRIPTIONS, json=body, headers=auth["call_centre"]).json()
    assert created["owner"]["kind"] == "client"
    assert created["event_types"] == ["ticket.replied"]

    other = auth["citizen_app"]
    _problem(anonymous.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=other), 404)
    assert anonymous.get(SUBSCRIPTIONS, headers=other).json() == []
    assert len(anonymous.get(SUBSCRIPTIONS, headers=auth["admin"]).json()) == 1
    unit = {**body, "unit": {"kind": "department", "code": "urban_management"}}
    _problem(anonymous.post(SUBSCRIPTIONS, json=unit, headers=auth["call_centre"]), 422)


@pytest.mark.parametrize("who", ["dispatcher", "supervisor", "urban", "gridworker"])
def test_other_staff_do_not_subscribe(
    anonymous: TestClient, auth: dict[str, dict[str, str]], who: str
) -> None:
    _problem(anonymous.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL}, headers=auth[who]), 403)
    _problem(anonymous.get(SUBSCRIPTIONS, headers=auth[who]), 403)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"url": PUBLIC_URL, "event_types": ["ticket.exploded"]}, "event_types", "ticket.exploded"),
        ({"url": "not a url"}, "url", "https"),
        ({"url": "https://"}, "url", "no host"),
        ({"url": "https://user:pw@example.com/"}, "url", "password"),
        ({"url": "https://[::1"}, "url", "malformed"),
        ({"url": "https://" + "a" * 2000 + ".cn/"}, "url", ""),
        ({"url": PUBLIC_URL, "event_types": ["ticket.urged"] * 101}, "event_types", ""),
        ({"url": PUBLIC_URL, "colour": "red"}, "colour", ""),
    ],
)
def test_bad_subscriptions_are_422_saying_which_field(
    anonymous: TestClient, auth: dict[str, dict[str, str]], body: Any, field: str, words: str
) -> None:
    problem = _problem(anonymous.post(SUBSCRIPTIONS, json=body, headers=auth["admin"]), 422)
    fields = {problem.get("field")} | {
        error["field"].split(".")[-1] for error in problem.get("errors", [])
    }
    assert field in fields or any(field in str(name) for name in fields), problem
    assert words in problem["detail"] + str(problem.get("errors", ""))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://localhost:8443/hooks", "loopback"),
        ("https://[::1]/hooks", "loopback"),
        ("https://10.1.2.3/hooks", "private"),
        ("https://192.168.0.10/hooks", "private"),
        ("https://172.16.5.4/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data", "metadata"),
        ("https://[fd00:ec2::254]/", "metadata"),
        ("https://169.254.10.10/", "link-local"),
        ("https://100.64.0.1/", "shared"),
        ("https://[::ffff:127.0.0.1]/", "loopback"),
        ("https://0.0.0.0/", "unspecified"),
        ("http://93.184.215.14/hooks", "https"),
    ],
)
def test_urls_into_the_service_s_network_are_refused(
    strict: TestClient, auth: dict[str, dict[str, str]], url: str, why: str
) -> None:
    problem = _problem(strict.post(SUBSCRIPTIONS, json={"url": url}, headers=auth["admin"]), 422)
    assert problem["title"] == "Refused webhook URL"
    assert problem["field"] == "url"
    assert why in problem["detail"]


def test_a_public_https_url_is_accepted_and_private_ones_only_when_allowed() -> None:
    check_url(PUBLIC_URL, allow_private=False)
    check_url("http://127.0.0.1:9000/hooks", allow_private=True)
    with pytest.raises(RefusedUrl):
        check_url("https://no-such-host.invalid/", allow_private=False)
