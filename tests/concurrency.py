"""Many clients at the same moment, over real connections: for the tests that prove one
request wins."""

import threading
from typing import Any

import httpx

THREADS = 8


def post_at_once(
    url: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    threads: int = THREADS,
    timeout: float = 30,
) -> list[httpx.Response]:
    """POST from `threads` threads released together by a barrier; every answer. A
    callable `body` gives each thread a body of its own."""
    barrier = threading.Barrier(threads)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def post() -> None:
        payload = body() if callable(body) else body
        with httpx.Client(base_url=url, timeout=timeout) as http:
            barrier.wait()
            response = http.post(path, json=payload, headers=headers)
        with lock:
            responses.append(response)

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(responses) == threads
    return responses
