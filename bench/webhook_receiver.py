"""The receiver `python -m bench webhooks` subscribes: a bare ASGI app in a uvicorn process of
its own, so that taking in 200 deliveries a second costs neither the service's process nor
the load generator's (each has one interpreter lock, and the machine two cores).

POST (any path): answers 204 and keeps the `webhook-id`, the arrival time (the wall clock,
the same the service stamps its events with) and the body's `timestamp`.
GET /arrivals: what was kept, as JSON `[[id, arrived, timestamp], ...]`.
GET /healthz: 200, for the harness to know it is up.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ARRIVALS: list[tuple[str, float, str]] = []


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(send: Send, status: int, body: bytes = b"") -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["method"] == "POST":
        body = await _body(receive)
        arrived = time.time()
        webhook_id = dict(scope["headers"]).get(b"webhook-id", b"").decode()
        _ARRIVALS.append((webhook_id, arrived, orjson.loads(body)["timestamp"]))
        await _answer(send, 204)
    elif scope["path"] == "/arrivals":
        await _answer(send, 200, orjson.dumps(_ARRIVALS))
    else:
        await _answer(send, 200)
