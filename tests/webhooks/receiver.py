"""A real HTTP receiver for the webhook tests, on a free loopback port: it keeps what it
was sent and answers as the test tells it (down, slow, redirecting, huge)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import orjson
from standardwebhooks import Webhook

from bench.webhooks import ReceiverServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def verified_by(self, secret: str) -> Any:
        """The body, once the standardwebhooks package accepts its signature."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    answer_bytes: int = 0
    location: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[Any]:
        with self.lock:
            return [item.json for item in self.received]

    def types(self) -> list[str]:
        return [body["type"] for body in self.bodies()]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if receiver.delay:
                time.sleep(receiver.delay)
            if 200 <= receiver.status < 300:
                with receiver.lock:
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body)
                    )
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", str(receiver.answer_bytes))
            self.end_headers()
            try:
                for _ in range(receiver.answer_bytes // 65536):
                    self.wfile.write(b"x" * 65536)
                self.wfile.write(b"x" * (receiver.answer_bytes % 65536))
            except OSError:
                pass  # the sender stopped reading: as it should

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver(url="")
    server = ReceiverServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
