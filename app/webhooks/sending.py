"""POSTing deliveries: one event loop, in a thread of its own, sends a pass's deliveries
at once over kept-alive connections, each answer read by httptools' C parser.

Why not httpx in a pool of threads, as before: each POST cost about 0.7 ms of the
interpreter, and sixteen sender threads fought intake's request threads for its lock. At
200 events a second that was a sixth of a core, and intake's latency grew several times
over; here a POST costs a few dozen microseconds, in one thread.

What a receiver may cost stays bounded: each POST ends within the policy's timeout
(connecting, sending and answering together), at most MAX_ANSWER_BYTES of an answer
are read (then the connection is dropped), redirects are answers like any other, and a
URL's host is checked against the SSRF rules (app/webhooks/safety.py) before each pass
sends to it.
"""

import asyncio
import ssl
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import SplitResult, urlsplit

import certifi
import httptools

from app.clock import utc_now
from app.webhooks import signing
from app.webhooks.safety import RefusedUrl, check_url

MAX_ANSWER_BYTES = 64 * 1024
# A kept connection unused this long is closed: its subscription may be gone.
KEEP_IDLE_SECONDS = 30.0
USER_AGENT = "Hotline-Webhooks/1"
_READ_BYTES = 64 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    subscription_id: int
    url: str
    secrets: list[str]
    message_id: str
    body: bytes
    first_tried_at: datetime
    attempt: int  # this one's number, from 1


@dataclass(frozen=True)
class Answer:
    delivery_id: int
    at: datetime
    status_code: int | None
    error: str | None
    latency_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def close(self) -> None:
        self.writer.close()

    @property
    def usable(self) -> bool:
        return not (self.writer.is_closing() or self.reader.at_eof())


class _Reading:
    """httptools' callbacks: how far the answer has come."""

    def __init__(self) -> None:
        self.messages = 0
        self.headers_done = False
        self.complete = False
        self.body_bytes = 0

    def on_message_begin(self) -> None:
        self.messages += 1  # more than one: the receiver sent more than its answer

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)

    def on_message_complete(self) -> None:
        self.complete = True


class _Closed(ConnectionError):
    """The receiver closed the connection before it answered."""


def _target(parts: SplitResult) -> tuple[_Origin, str]:
    """Where to connect, and the request line's target."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Origin(parts.scheme, host, port), path


def _request(parts: SplitResult, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"content-length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode("ascii") + body


class Sender:
    """Sends lists of deliveries, `concurrency` POSTs at a time; `close` when done."""

    def __init__(self, *, allow_private: bool, timeout: float, concurrency: int) -> None:
        self._allow_private = allow_private
        self._timeout = timeout
        self._concurrency = concurrency
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="webhook-send", daemon=True
        )
        self._thread.start()

    def send_all(self, outgoing: list[Outgoing]) -> list[Answer]:
        """Each delivery's answer, in the same order; never raises for a receiver's fault."""
        return self._run(self._send_all(outgoing))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._run(self._close_idle())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def _run(self, work: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def _close_stale(self) -> None:
        """Close the kept connections unused for KEEP_IDLE_SECONDS or closed by the
        receiver, and forget origins left with none."""
        oldest = time.monotonic() - KEEP_IDLE_SECONDS
        for origin, connections in list(self._idle.items()):
            kept = [each for each in connections if each.usable and each.idle_since > oldest]
            for each in connections:
                if each not in kept:
                    each.close()
            if kept:
                self._idle[origin] = kept
            else:
                del self._idle[origin]

    async def _close_idle(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def _send_all(self, outgoing: list[Outgoing]) -> list[Answer]:
        self._close_stale()
        refusals = await self._refusals({item.url for item in outgoing})
        slots = asyncio.Semaphore(self._concurrency)

        async def one(item: Outgoing) -> Answer:
            async with slots:
                return await self._send(item, refusals.get(item.url))

        return list(await asyncio.gather(*(one(item) for item in outgoing)))

    async def _refusals(self, urls: set[str]) -> dict[str, str]:
        """Why each URL may not be sent to now, if it may not. A name is resolved once
        a pass, off the loop (the resolver blocks)."""
        loop = asyncio.get_running_loop()

        def check(url: str) -> str | None:
            try:
                check_url(url, allow_private=self._allow_private)
            except RefusedUrl as refused:
                return f"refused: {refused.detail}"
            return None

        if self._allow_private:  # no name is resolved: nothing blocks
            found = [check(url) for url in urls]
        else:
            found = await asyncio.gather(*(loop.run_in_executor(None, check, url) for url in urls))
        return {url: reason for url, reason in zip(urls, found, strict=True) if reason}

    async def _send(self, outgoing: Outgoing, refusal: str | None) -> Answer:
        started, at = time.monotonic(), utc_now()

        def answer(status: int | None, error: str | None) -> Answer:
            latency = round((time.monotonic() - started) * 1000)
            return Answer(outgoing.delivery_id, at, status, error, latency)

        if refusal is not None:
            return answer(None, refusal)
        parts = urlsplit(outgoing.url)
        # The signature's time is the wall clock's: receivers compare it with theirs.
        headers = signing.headers(
            outgoing.secrets, outgoing.message_id, int(time.time()), outgoing.body
        )
        headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
        origin, path = _target(parts)
        try:
            request = _request(parts, path, headers, outgoing.body)
        except UnicodeEncodeError:
            return answer(None, "refused: the URL is not plain ASCII")
        try:
            async with asyncio.timeout(self._timeout):
                status = await self._exchange(origin, request)
        except TimeoutError:
            return answer(None, f"Timeout: no answer within {self._timeout:g} s")
        except (OSError, httptools.HttpParserError, httptools.HttpParserUpgrade) as error:
            return answer(None, f"{type(error).__name__}: {error}"[:500])
        if 300 <= status < 400:
            return answer(status, "redirect not followed")
        if not 200 <= status < 300:
            return answer(status, f"answered {status}")
        return answer(status, None)

    async def _exchange(self, origin: _Origin, request: bytes) -> int:
        """POST on a kept-alive connection, or a new one when that was closed before it
        answered (the receiver may drop idle connections at any moment); the status."""
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if not connection.usable:
                connection.close()
                continue
            try:
                return await self._post(origin, connection, request)
            except (_Closed, ConnectionResetError, BrokenPipeError):
                continue
        return await self._post(origin, await self._connect(origin), request)

    async def _connect(self, origin: _Origin) -> _Connection:
        tls = None
        if origin.scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context(cafile=certifi.where())
            tls = self._tls
        reader, writer = await asyncio.open_connection(
            origin.host,
            origin.port,
            ssl=tls,
            server_hostname=origin.host if tls else None,
            limit=_READ_BYTES,
        )
        return _Connection(reader, writer)

    async def _post(self, origin: _Origin, connection: _Connection, request: bytes) -> int:
        """Send, read the answer up to MAX_ANSWER_BYTES; its status. The connection is
        kept for the next POST only when its answer was read whole and it may stay open."""
        reading = _Reading()
        parser = httptools.HttpResponseParser(reading)
        kept = False
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            while not reading.complete and reading.body_bytes < MAX_ANSWER_BYTES:
                data = await connection.reader.read(_READ_BYTES)
                if not data:
                    if reading.headers_done:
                        break  # an answer whose body ends with the connection
                    raise _Closed("the receiver closed the connection without answering")
                parser.feed_data(data)
            status = parser.get_status_code()
            # Kept only after exactly one whole final answer: anything else could leave
            # bytes that the next POST would take for its answer.
            kept = (
                reading.complete
                and reading.messages == 1
                and status >= 200
                and parser.should_keep_alive()
            )
            return status
        finally:
            if kept:
                connection.idle_since = time.monotonic()
                self._idle.setdefault(origin, []).append(connection)
            else:
                connection.close()
