"""No duplicate ticket ever, when the same post arrives at the same moment many times."""

import threading
from collections import Counter
from typing import Any

import httpx

from tests import factories

THREADS = 8


def _post_at_once(url: str, body: dict[str, Any], headers: dict[str, str]) -> list[httpx.Response]:
    barrier = threading.Barrier(THREADS)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def post() -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            barrier.wait()
            response = http.post("/api/v1/tickets", json=body, headers=headers)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=post) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(responses) == THREADS
    return responses


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
    barrier = threading.Barrier(burst)
    statuses: list[int] = []
    lock = threading.Lock()

    def post() -> None:
        with httpx.Client(base_url=live_server, timeout=20) as http:
            barrier.wait()
            response = http.post(
                "/api/v1/tickets", json=factories.hotline_12345(), headers=auth["call_centre"]
            )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * burst
    assert len(_tickets(live_server, auth["dispatcher"])) == burst
