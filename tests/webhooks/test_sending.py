"""The sender against receivers that speak HTTP in their own ways: closing every
connection, ending answers with the connection, dropping kept connections while idle,
hanging up without answering, not listening at all. Each delivery gets its own answer,
and a fault of one never costs the others."""

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from app.webhooks.sending import Answer, Outgoing, Sender
from app.webhooks.signing import new_secret

Reply = Callable[[socket.socket, int], bool]  # answers the n-th request; keep the connection?


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


@contextmanager
def raw_receiver(reply: Reply) -> Iterator[tuple[str, list[bytes]]]:
    """A receiver on a free port that reads each request whole and answers with `reply`;
    its URL, and the bodies it read."""
    bodies: list[bytes] = []
    lock = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            stream = self.request.makefile("rb")
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = stream.readline()
                    if not line:
                        return
                    head += line
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                with lock:
                    bodies.append(stream.read(length))
                    count = len(bodies)
                if not reply(self.request, count):
                    return

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", bodies
    finally:
        server.shutdown()
        server.server_close()


def outgoing(url: str, count: int) -> list[Outgoing]:
    secret = new_secret()
    return [
        Outgoing(
            delivery_id=index,
            subscription_id=1,
            url=url,
            secrets=[secret],
            message_id=f"evt_{index}",
            body=b'{"n": %d}' % index,
            first_tried_at=datetime.now(UTC),
            attempt=1,
        )
        for index in range(count)
    ]


@pytest.fixture
def sender() -> Iterator[Sender]:
    sending = Sender(allow_private=True, timeout=2, concurrency=4)
    yield sending
    sending.close()


def statuses(answers: list[Answer]) -> list[int | None]:
    return [answer.status_code for answer in answers]


def ok_and_close(connection: socket.socket, _: int) -> bool:
    connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    return False


def ok_until_closed(connection: socket.socket, _: int) -> bool:
    connection.sendall(b"HTTP/1.0 202 Accepted\r\n\r\nthanks")
    return False


def ok_and_keep(connection: socket.socket, _: int) -> bool:
    connection.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
    return True


def test_a_receiver_that_closes_each_connection_gets_every_delivery(sender: Sender) -> None:
    with raw_receiver(ok_and_close) as (url, bodies):
        answers = sender.send_all(outgoing(url, 10))
        assert sorted(bodies) == sorted(item.body for item in outgoing(url, 10))
    assert statuses(answers) == [200] * 10
    assert all(answer.delivered and answer.error is None for answer in answers)


def test_an_answer_ending_with_its_connection_is_read(sender: Sender) -> None:
    with raw_receiver(ok_until_closed) as (url, _):
        assert statuses(sender.send_all(outgoing(url, 3))) == [202] * 3


def test_a_kept_connection_the_receiver_dropped_while_idle_is_replaced(sender: Sender) -> None:
    def keep_then_drop(connection: socket.socket, count: int) -> bool:
        ok_and_keep(connection, count)
        if count == 1:  # dropped once the answer is out, while the sender keeps it
            time.sleep(0.05)
            connection.shutdown(socket.SHUT_RDWR)
            return False
        return True

    with raw_receiver(keep_then_drop) as (url, bodies):
        assert statuses(sender.send_all(outgoing(url, 1))) == [204]
        time.sleep(0.2)
        answers = sender.send_all(outgoing(url, 2))
        assert len(bodies) == 3
    assert statuses(answers) == [204, 204]


def test_a_receiver_hanging_up_without_answering_costs_only_its_delivery(
    sender: Sender,
) -> None:
    def hang_up_on_the_second(connection: socket.socket, count: int) -> bool:
        if count == 2:
            return False
        return ok_and_close(connection, count)

    with raw_receiver(hang_up_on_the_second) as (url, _):
        answers = sender.send_all(outgoing(url, 3))

    assert sorted(statuses(answers), key=str) == [200, 200, None]
    failed = next(answer for answer in answers if answer.status_code is None)
    assert failed.error is not None
    assert "without answering" in failed.error


def test_nobody_listening_is_an_error_answer(sender: Sender) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    [answer] = sender.send_all(outgoing(f"http://127.0.0.1:{port}/hooks", 1))
    assert answer.status_code is None
    assert answer.error is not None
    assert "refused" in answer.error.lower()


def test_https_to_a_plain_http_receiver_is_an_error_answer(sender: Sender) -> None:
    with raw_receiver(ok_and_close) as (url, _):
        [answer] = sender.send_all(outgoing(url.replace("http://", "https://"), 1))
    assert answer.status_code is None
    assert answer.error


def test_no_more_than_the_concurrency_are_sent_at_once(sender: Sender) -> None:
    at_once, most = 0, 0
    lock = threading.Lock()

    def slow(connection: socket.socket, count: int) -> bool:
        nonlocal at_once, most
        with lock:
            at_once += 1
            most = max(most, at_once)
        time.sleep(0.05)
        with lock:
            at_once -= 1
        return ok_and_keep(connection, count)

    with raw_receiver(slow) as (url, bodies):
        answers = sender.send_all(outgoing(url, 12))
        assert len(bodies) == 12
    assert statuses(answers) == [204] * 12
    assert most == 4


def test_a_private_address_is_refused_before_anything_is_sent() -> None:
    strict = Sender(allow_private=False, timeout=2, concurrency=4)
    try:
        with raw_receiver(ok_and_close) as (url, bodies):
            answers = strict.send_all(outgoing(url, 2))
            assert bodies == []
    finally:
        strict.close()
    assert all(answer.error and answer.error.startswith("refused:") for answer in answers)
