"""The Idempotency-Key header, as the IETF httpapi draft describes it."""

from datetime import timedelta

from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.actors import Actor, ActorKind
from app.auth.models import StaffUser
from app.channels.schemas import TicketIntake
from app.idempotency import service as idempotency
from tests import factories

TICKETS = "/api/v1/tickets"


def _count(client: TestClient) -> int:
    return len(client.get(TICKETS, params={"limit": 200}).json()["items"])


def test_same_key_and_body_replays_the_first_answer(client: TestClient) -> None:
    body = factories.web()  # no external id: only the key protects it
    headers = {"Idempotency-Key": "app-7f3e-0001"}
    first = client.post(TICKETS, json=body, headers=headers)
    again = client.post(TICKETS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(client) == 1


def test_same_key_with_another_body_is_422(client: TestClient) -> None:
    headers = {"Idempotency-Key": "app-7f3e-0002"}
    assert client.post(TICKETS, json=factories.web(), headers=headers).status_code == 201
    response = client.post(TICKETS, json=factories.web(description="另一件事"), headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "different request" in response.json()["detail"]
    assert _count(client) == 1


def test_same_key_while_the_first_is_in_flight_is_409(client: TestClient, session: Session) -> None:
    body = factories.web()
    path_fingerprint = idempotency.fingerprint("POST", TICKETS, _as_validated(body))
    dispatcher_id = session.scalars(
        select(StaffUser.id).where(StaffUser.username == "dispatcher")
    ).one()
    claim = idempotency.claim(
        session,
        Actor(ActorKind.USER, f"user:{dispatcher_id}").idempotency_scope,
        "app-7f3e-0003",
        path_fingerprint,
        ttl=timedelta(hours=24),
        lease=timedelta(seconds=60),
    )
    assert isinstance(claim, idempotency.Claim)
    response = client.post(TICKETS, json=body, headers={"Idempotency-Key": "app-7f3e-0003"})
    assert response.status_code == 409
    assert "still being processed" in response.json()["detail"]
    assert _count(client) == 0


def test_a_failed_request_frees_its_key(client: TestClient) -> None:
    headers = {"Idempotency-Key": "app-7f3e-0004"}
    bad = factories.web(category_code="9999")
    assert client.post(TICKETS, json=bad, headers=headers).status_code == 422
    # The same (still bad) request is refused the same way, not reported as in flight.
    assert client.post(TICKETS, json=bad, headers=headers).status_code == 422


def test_keys_are_validated(client: TestClient) -> None:
    response = client.post(TICKETS, json=factories.web(), headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]


def _as_validated(body: dict[str, object]) -> dict[str, object]:
    model = TypeAdapter(TicketIntake).validate_python(body)
    return model.model_dump(mode="json")


def test_the_docs_show_the_header_and_both_credentials(client: TestClient) -> None:
    """Intake reads the header and the credentials itself; /docs still shows them."""
    operation = client.get("/openapi.json").json()["paths"][TICKETS]["post"]

    headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
    assert operation["security"] == [{"APIKeyHeader": []}, {"OAuth2PasswordBearer": []}]
