"""The Idempotency-Key header, as the IETF httpapi draft describes it."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, NoReturn

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import StaffUser
from app.channels.schemas import TicketIntake
from app.clock import FrozenClock
from app.config import Settings
from app.idempotency import service as idempotency
from app.identity.actors import Actor, ActorKind
from app.intake import write
from app.tickets import views
from tests import factories

TICKETS = "/api/v1/tickets"
# The app's defaults, which the tests' settings keep.
LIFETIME = timedelta(hours=Settings().idempotency_ttl_hours)
LEASE = timedelta(seconds=Settings().idempotency_lease_seconds)
INSTANT = timedelta(microseconds=1)


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
    assert _problem(response) == ("idempotency-key-reused", "Idempotency key reused")
    assert "different request" in response.json()["detail"]
    assert _count(client) == 1


def test_same_key_while_the_first_is_in_flight_is_409(client: TestClient, session: Session) -> None:
    body = factories.web()
    assert isinstance(_claim(session, "app-7f3e-0003", body), idempotency.Claim)
    response = client.post(TICKETS, json=body, headers={"Idempotency-Key": "app-7f3e-0003"})
    assert response.status_code == 409
    assert _problem(response) == ("idempotency-key-in-flight", "Request still in progress")
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


def _claim(session: Session, key: str, body: dict[str, object]) -> object:
    """What `claim` answers, with the app's settings, for the dispatcher's POST of `body`
    with `key`: when it is a Claim, a request of theirs that started and has not answered."""
    dispatcher_id = session.scalars(
        select(StaffUser.id).where(StaffUser.username == "dispatcher")
    ).one()
    model = TypeAdapter(TicketIntake).validate_python(body)
    return idempotency.claim(
        session,
        Actor(ActorKind.USER, f"user:{dispatcher_id}").idempotency_scope,
        key,
        idempotency.fingerprint("POST", TICKETS, model.model_dump(mode="json")),
        ttl=LIFETIME,
        lease=LEASE,
    )


def test_the_docs_show_the_header_and_both_credentials(client: TestClient) -> None:
    """Intake reads the header and the credentials itself; /docs still shows them."""
    operation = client.get("/openapi.json").json()["paths"][TICKETS]["post"]

    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header == {
        "in": "header",
        "name": "Idempotency-Key",
        "required": False,
        "schema": {"type": "string", "title": "Idempotency-Key"},
        "description": "A key of the client's own, 1 to 255 printable characters: a retry "
        "with the same key and body gets the first answer back, marked "
        "Idempotent-Replayed: true.",
    }
    assert operation["security"] == [{"APIKeyHeader": []}, {"OAuth2PasswordBearer": []}]


def _post(client: TestClient, body: dict[str, object], key: str) -> httpx.Response:
    response: httpx.Response = client.post(TICKETS, json=body, headers={"Idempotency-Key": key})
    return response


def _problem(response: httpx.Response) -> tuple[str, str]:
    """The problem's kind (the last part of its type) and title."""
    problem = response.json()
    return problem["type"].rsplit("/", 1)[-1], problem["title"]


def _replayed(response: httpx.Response) -> bool:
    return response.headers.get("Idempotent-Replayed") == "true"


# --- With the app's clock set: leases and lifetimes run out. ---


def test_a_request_in_flight_holds_its_key_to_the_end_of_its_lease(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    body = factories.web()
    assert isinstance(_claim(session, "lease-0001", body), idempotency.Claim)
    clock.advance(LEASE)
    assert _post(client, body, "lease-0001").status_code == 409  # the lease's last instant
    clock.advance(INSTANT)
    # The first request never answered: its key is taken over, and the retry does the work.
    response = _post(client, body, "lease-0001")
    assert response.status_code == 201, response.text
    assert not _replayed(response)
    assert _count(client) == 1


def test_an_abandoned_key_is_reclaimed_with_a_fresh_lease(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    body = factories.web()
    assert isinstance(_claim(session, "lease-0002", body), idempotency.Claim)
    clock.advance(LEASE + INSTANT)
    # Another request takes the abandoned key over (with another body, even)...
    other = factories.web(description="井盖缺失，有安全隐患")
    assert isinstance(_claim(session, "lease-0002", other), idempotency.Claim)
    # ...and holds it for a whole lease of its own.
    clock.advance(LEASE)
    response = _post(client, other, "lease-0002")
    assert response.status_code == 409
    assert _count(client) == 0


def test_a_finished_request_is_replayed_long_after_its_lease(
    client: TestClient, clock: FrozenClock
) -> None:
    body = factories.web()
    first = _post(client, body, "lease-0003")
    assert first.status_code == 201
    clock.advance(LEASE * 30)
    again = _post(client, body, "lease-0003")
    assert (again.status_code, again.json()) == (201, first.json())
    assert _replayed(again)
    # With another body the key is still taken.
    assert _post(client, factories.web(description="另一件事"), "lease-0003").status_code == 422
    assert _count(client) == 1


def test_a_key_is_kept_for_its_lifetime_then_freed(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    body = factories.web()
    first = _post(client, body, "life-0001")
    clock.advance(LIFETIME)
    last = _post(client, body, "life-0001")  # the lifetime's last instant
    assert last.json() == first.json()
    assert _replayed(last)
    clock.advance(INSTANT)
    # Past it the key is anyone's: a request with another body runs anew...
    other = factories.web(description="井盖缺失，有安全隐患")
    fresh = _post(client, other, "life-0001")
    assert fresh.status_code == 201, fresh.text
    assert not _replayed(fresh)
    assert fresh.json()["number"] != first.json()["number"]
    # ...and its answer is kept for a lifetime from now.
    clock.advance(LIFETIME)
    again = _post(client, other, "life-0001")
    assert (again.json(), _replayed(again)) == (fresh.json(), True)
    assert _count(client) == 2


def test_an_expired_key_taken_over_is_in_flight_not_answered_from_before(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    body = factories.web()
    assert _post(client, body, "life-0002").status_code == 201
    clock.advance(LIFETIME + INSTANT)
    assert isinstance(_claim(session, "life-0002", body), idempotency.Claim)
    # The old answer is gone with the old lifetime: a retry waits for the new one.
    assert _post(client, body, "life-0002").status_code == 409


# --- A failure after the ticket was written. ---


def test_a_failure_after_the_ticket_was_written_rolls_back_and_frees_the_key(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> NoReturn:
        raise RuntimeError("the answer could not be made")

    # The ticket is flushed, then making the answer fails: the client sees a 500.
    monkeypatch.setattr(views, "read", fail)
    crashing = TestClient(client.app, raise_server_exceptions=False, headers=client.headers)
    body = factories.web()
    assert _post(crashing, body, "fail-0001").status_code == 500
    monkeypatch.undo()
    assert _count(client) == 0
    # The retry runs, once.
    retry = _post(client, body, "fail-0001")
    assert retry.status_code == 201, retry.text
    assert not _replayed(retry)
    assert _replayed(_post(client, body, "fail-0001"))
    assert _count(client) == 1


def test_a_claim_is_committed_before_the_work_so_other_connections_see_it(
    committing_client: TestClient, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the first request with a key is still working, a retry on another connection
    is told it is in flight rather than doing the work twice: intake commits its claim
    before it routes and writes the ticket."""
    if backend == "sqlite":
        pytest.skip("one connection per process: SQLite serves one request at a time")
    working, finish = threading.Event(), threading.Event()
    route = write.prepare

    def slow_route(*args: Any, **kwargs: Any) -> Any:
        working.set()
        finish.wait(timeout=30)
        return route(*args, **kwargs)

    monkeypatch.setattr(write, "prepare", slow_route)
    body = factories.web()
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(_post, committing_client, body, "commit-0001")
        assert working.wait(timeout=30)
        retry = _post(committing_client, body, "commit-0001")
        finish.set()
        assert first.result().status_code == 201
    assert retry.status_code == 409, retry.text
    assert _problem(retry) == ("idempotency-key-in-flight", "Request still in progress")
    assert _count(committing_client) == 1


# --- Keys: length, quoting, whose. ---


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("k" * 255, 201, id="255 characters"),
        pytest.param("k" * 256, 422, id="256 characters"),
        pytest.param(f'"{"k" * 255}"', 201, id="255 characters quoted"),
        pytest.param(f'"{"k" * 256}"', 422, id="256 characters quoted"),
        pytest.param('""', 422, id="quoted empty"),
        pytest.param("a\tb", 422, id="not printable"),
    ],
)
def test_a_key_is_1_to_255_printable_characters(
    client: TestClient, key: str, expected: int
) -> None:
    response = _post(client, factories.web(), key)
    assert response.status_code == expected, response.text
    if expected == 422:
        assert response.headers["content-type"] == "application/problem+json"
        assert _problem(response) == ("invalid-idempotency-key", "Invalid Idempotency-Key")
        assert _count(client) == 0


def test_a_quoted_key_is_the_same_key(client: TestClient) -> None:
    """The draft sends the key as a structured-field string, in double quotes."""
    body = factories.web()
    first = _post(client, body, '"quoted-0001"')
    again = _post(client, body, "quoted-0001")
    assert (again.json(), _replayed(again)) == (first.json(), True)
    assert _count(client) == 1


def test_keys_are_each_clients_own(client: TestClient, auth: dict[str, dict[str, str]]) -> None:
    body = factories.web()
    by_admin = client.post(TICKETS, json=body, headers={**auth["admin"], "Idempotency-Key": "k1"})
    by_dispatcher = _post(client, body, "k1")
    assert by_admin.status_code == by_dispatcher.status_code == 201
    assert by_admin.json()["number"] != by_dispatcher.json()["number"]
    again = _post(client, body, "k1")
    assert (again.json(), _replayed(again)) == (by_dispatcher.json(), True)
    assert _count(client) == 2


def test_each_key_replays_its_own_answer(client: TestClient) -> None:
    first, second = factories.web(), factories.web(description="井盖缺失，有安全隐患")
    answers = [_post(client, first, "own-0001"), _post(client, second, "own-0002")]
    replays = [_post(client, first, "own-0001"), _post(client, second, "own-0002")]
    assert [r.json() for r in replays] == [a.json() for a in answers]
    assert all(_replayed(replay) for replay in replays)
    assert _count(client) == 2
