"""What metrics and request ids add to one request, in CPU microseconds: the service's
outermost middleware and intake's counter, around an endpoint that does nothing, against
the endpoint alone, measured in alternating blocks in one process.

Run as its own process (`python -m bench.observability`), since prometheus-client chooses
its multiprocess mode when it is first imported: `bench intake --compare-observability`
runs it with PROMETHEUS_MULTIPROC_DIR set, as several workers count. Prints one line,
`added_us=N`, the median over the blocks.
"""

import asyncio
import statistics
import time
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from app.observability import metrics
from app.observability.requests import RequestObserver

BLOCKS = 7
REQUESTS_PER_BLOCK = 20_000


class _Route:
    """What the router puts in the scope: the matched route."""


ROUTE = _Route()
HEADERS = [(b"content-type", b"application/json"), (b"location", b"/api/v1/tickets/1")]


async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    scope["route"] = ROUTE
    await send({"type": "http.response.start", "status": 201, "headers": list(HEADERS)})
    await send({"type": "http.response.body", "body": b"{}"})


async def counted_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    await endpoint(scope, receive, send)
    metrics.count_taken_in("web")  # as intake's flow does for a new ticket


async def _send(message: Message) -> None:
    return None


async def _receive() -> Message:
    return {"type": "http.request", "body": b""}


def _scope() -> dict[str, Any]:
    headers = [(b"host", b"bench"), (b"content-type", b"application/json")]
    return {"type": "http", "method": "POST", "path": "/api/v1/tickets", "headers": headers}


async def _cpu_us(app: Any, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        await app(_scope(), _receive, _send)
    return (time.process_time() - started) / requests * 1e6


async def added_us() -> float:
    observed = RequestObserver(
        counted_endpoint,
        request_ids=True,
        observed=metrics.observe_request,
        access_log=False,
        templates={id(ROUTE): "/api/v1/tickets"},
    )
    await _cpu_us(observed, 2000)  # every series made, every file grown
    await _cpu_us(endpoint, 2000)
    added = []
    for _ in range(BLOCKS):
        on = await _cpu_us(observed, REQUESTS_PER_BLOCK)
        off = await _cpu_us(endpoint, REQUESTS_PER_BLOCK)
        added.append(on - off)
    return statistics.median(added)


if __name__ == "__main__":
    print(f"added_us={asyncio.run(added_us()):.2f}")
