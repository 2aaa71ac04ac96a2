"""No duplicate ticket ever, when the same post arrives at the same moment many times."""

from collections import Counter
from typing import Any

import httpx
import pytest

from tests import factories
from tests.concurrency import THREADS, post_at_once

# Bursts of threads against a live server.
pytestmark = pytest.mark.slow


def _post_at_once(url: str, body: dict[str, Any], headers: dict[str, str]) -> list[httpx.Response]:
    return post_at_once(url, "/api/v1/tickets", body, headers)


def _tickets(url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/api/v1/tickets?limit=200", headers=headers)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_same_call_posted_concurrently_makes_one_ticket(
    live_server: str, auth: dict[str, dict[str, str]]
) -> None:
    body = factories.hotline_12345()
    responses = _post_at_once(live_server, body, auth["call_centre"])
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 200: THREADS - 1}
    assert len({response.json()["number"] for response in responses}) == 1
    assert len(_tickets(live_server, auth["dispatcher"])) == 1


def test_the_same_idempotency_key_concurrently_makes_one_ticket(
    live_server: str, auth: dict[str, dict[str, str]]
) -> None:
    body = factories.web()
    headers = auth["citizen_app"] | {"Idempotency-Key": "burst-0001"}
    responses = _post_at_once(live_server, body, headers)
    statuses = Counter(response.status_code for response in responses)
    # One creates; the others either replay that answer or are told it is still in flight.
    assert statuses[201] >= 1
    assert set(statuses) <= {201, 409}
    created = {response.json()["number"] for response in responses if response.status_code == 201}
    assert len(created) == 1
    assert len(_tickets(live_server, auth["dispatcher"])) == 1


def test_a_burst_larger_than_the_thread_pool_is_served(
    live_server: str, auth: dict[str, dict[str, str]]
) -> None:
    """More requests at once than worker threads (40): none may wait forever for a
    connection held by a request that has no thread left to finish on."""
    burst = 64
    responses = post_at_once(
        live_server,
        "/api/v1/tickets",
        factories.hotline_12345,
        auth["call_centre"],
        threads=burst,
        timeout=20,
    )
    statuses = [response.status_code for response in responses]
    assert statuses == [201] * burst
    assert len(_tickets(live_server, auth["dispatcher"])) == burst
