"""`python -m bench webhooks`: what webhooks add to intake, and commit-to-delivery time.

Two real services, each on a fresh demo database of its own: one with webhooks off (no
subscription, no delivery: the ceiling) and one with a local receiver subscribed to every
event type and delivery running in the server (HOTLINE_WEBHOOK_POLL_SECONDS, the default).
The same steady load goes to one, then the other, in alternating phases (off, on, off,
on, ...): intakes of routed web complaints (two events each: created, routed) and urges
of tickets filed before (one event each), at `--rate` events per second in all, 60% of
them from intake. Requests are sent on a fixed schedule (open loop), not as fast as
answers come back, and each one's latency is counted from the moment it was due, so a
slower service shows as latency, not as less load.

The load comes from a bare HTTP/1.1 client on keep-alive connections and the receiver is a
bare ASGI app in a process of its own (bench/webhook_receiver.py): on two cores, an httpx
client and a receiver in one interpreter took a whole core between them, fell behind the
schedule and counted their own queueing as the service's latency. After each "on" phase
the bench waits for delivery to drain, so that no phase pays for the one before it.

- intake_overhead: the median intake latency with webhooks on over that with them off,
  less one.
- p99_commit_to_delivery_ms: the receiver's arrival time less the event's timestamp
  (taken in the transaction, before its commit: the figure errs long), over every event of
  the "on" phases.
- events_per_s: the events of the "on" phases delivered, per second of those phases.
- lost: events on the "on" database after the subscription (found in the database once
  delivery has drained) never received; duplicates: deliveries received more than once.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from app.events import types
from app.tickets.models import TicketEvent
from app.webhooks.models import WebhookSubscription
from bench import harness
from bench.harness import Backend, Server
from bench.sla import dispatcher_token, intake_body

API = "/api/v1"
INTAKE_SHARE = 0.6  # of the events; each intake makes two
URGE_TICKETS = 400
DRAIN_SECONDS = 60
CONNECTIONS = 64  # the load's keep-alive connections, at most
TARGET_OVERHEAD = 0.10
TARGET_P99_MS = 1000.0
TARGET_RATE = 200


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "webhooks", help="what webhooks add to intake, and the time from commit to delivery"
    )
    harness.add_database_arguments(parser)
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="events per second")
    parser.add_argument("--phase", type=int, default=15, help="seconds of each phase")
    parser.add_argument("--rounds", type=int, default=2, help="off/on pairs of phases")
    parser.set_defaults(run=run)


def log(message: str) -> None:
    print(f"[bench webhooks] {message}", file=sys.stderr, flush=True)


# --- the receiver -----------------------------------------------------------------------------


class ReceiverServer(ThreadingHTTPServer):
    """The tests' receivers: the standard library's backlog of 5 refuses connections when
    the service's 16 senders arrive together; a refused POST would wait for its retry."""

    request_queue_size = 128
    daemon_threads = True


@dataclass(frozen=True)
class Arrival:
    webhook_id: str
    at: float
    event_at: float


def start_receiver(cleanup: ExitStack, workdir: Path) -> Server:
    server = harness.start_server(
        "receiver", "bench.webhook_receiver:app", env={}, log_dir=workdir, factory=False
    )
    cleanup.callback(harness.stop_server, server)
    return server


def arrivals(receiver: Server) -> list[Arrival]:
    response = httpx.get(f"{receiver.base_url}/arrivals", timeout=60)
    response.raise_for_status()
    return [
        Arrival(webhook_id, at, _epoch(timestamp))
        for webhook_id, at, timestamp in orjson.loads(response.content)
    ]


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


# --- the services -----------------------------------------------------------------------------


@dataclass
class Service:
    name: str
    server: Server
    database_url: str
    token: str = ""
    urge_paths: list[str] = field(default_factory=list)


def start_service(
    cleanup: ExitStack, name: str, backend: Backend, postgres_url: str, workdir: Path, *, on: bool
) -> Service:
    log(f"preparing the {backend} database of webhooks {name} (migrate, seed-demo)")
    url = harness.fresh_database(backend, f"hotline_bench_webhooks_{name}", workdir, postgres_url)
    cleanup.callback(harness.drop_database, backend, url, postgres_url)
    harness.migrate_and_seed(url)
    env = harness.service_env(url, workdir / f"uploads-{name}") | {
        "HOTLINE_WEBHOOK_ALLOW_PRIVATE": "true",
        # On: the product's default interval.
        **({} if on else {"HOTLINE_WEBHOOK_POLL_SECONDS": "0"}),
    }
    server = harness.start_server(
        f"service-{name}", "app.main:create_app", env=env, log_dir=workdir
    )
    cleanup.callback(harness.stop_server, server)
    return Service(name, server, url)


def admin_token(server: Server) -> str:
    response = httpx.post(
        f"{server.base_url}{API}/auth/token",
        data={"username": "admin", "password": "demo-admin-password"},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def subscribe(service: Service, receiver: Server) -> None:
    response = httpx.post(
        f"{service.server.base_url}{API}/webhook-subscriptions",
        json={"url": f"{receiver.base_url}/hooks"},
        headers={"Authorization": f"Bearer {admin_token(service.server)}"},
        timeout=30,
    )
    if response.status_code != 201:
        raise harness.BenchError(f"subscribing answered {response.status_code}: {response.text}")


def prepare_urges(service: Service, body: str) -> None:
    """Tickets to urge during the phases, filed now; each phase's urges cycle over them."""
    headers = {"Authorization": f"Bearer {service.token}", "content-type": "application/json"}
    with httpx.Client(base_url=service.server.base_url, headers=headers, timeout=30) as http:
        for _ in range(URGE_TICKETS):
            response = http.post(f"{API}/tickets", content=body.encode())
            if response.status_code != 201:
                raise harness.BenchError(f"intake answered {response.status_code}")
            service.urge_paths.append(f"{API}/tickets/{response.json()['number']}/urge")


# --- the load ---------------------------------------------------------------------------------


def _request(host: str, token: str, path: str, body: bytes) -> bytes:
    """A whole HTTP/1.1 POST, made once and sent as it is."""
    head = (
        f"POST {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {token}\r\n"
        f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connections:
    """Keep-alive connections to one server, each carrying one request at a time: a
    client of a few dozen lines costs a tenth of httpx's for each request, so the load
    keeps its schedule on a busy machine."""

    def __init__(self, host: str, port: int, most: int) -> None:
        self._host, self._port = host, port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(most)

    async def post(self, request: bytes) -> int:
        """Send `request`, read the whole answer; its status. A kept connection the server
        closed while it was idle (uvicorn does after 5 s) is replaced, not a failure."""
        async with self._slots:
            while self._idle:
                reader, writer = self._idle.pop()
                try:
                    return await self._exchange(reader, writer, request)
                except _Dropped:
                    continue
            reader, writer = await asyncio.open_connection(self._host, self._port)
            return await self._exchange(reader, writer, request)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> int:
        try:
            writer.write(request)
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionResetError) as error:
                if getattr(error, "partial", b""):
                    raise
                raise _Dropped() from error
            status, length = _status_and_length(head)
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        self._idle.append((reader, writer))
        return status

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


class _Dropped(ConnectionError):
    """The server closed the connection before answering anything."""


def _status_and_length(head: bytes) -> tuple[int, int]:
    lines = head.split(b"\r\n")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise harness.BenchError(f"an answer without content-length: {head!r}")
    return int(lines[0].split()[1]), length


@dataclass
class Phase:
    service: str
    started: float
    ended: float
    intake_ms: list[float]
    urge_ms: list[float]
    failures: int


def _is_intake(index: int, intake_share: float) -> bool:
    """Spreads the intakes evenly: request `index` is one when it takes the running count
    of intakes to the next whole number."""
    return int((index + 1) * intake_share) > int(index * intake_share)


async def _phase(service: Service, body: str, rate: float, seconds: float) -> Phase:
    intakes_per_s = rate * INTAKE_SHARE / 2
    urges_per_s = rate * (1 - INTAKE_SHARE)
    requests_per_s = intakes_per_s + urges_per_s
    intake_share = intakes_per_s / requests_per_s
    host, port = service.server.base_url.removeprefix("http://").rsplit(":", 1)
    intake = _request(host, service.token, f"{API}/tickets", body.encode())
    note = orjson.dumps({"note": "bench webhooks"})
    urges = [_request(host, service.token, path, note) for path in service.urge_paths]
    connections = Connections(host, int(port), CONNECTIONS)
    intake_ms: list[float] = []
    urge_ms: list[float] = []
    failures = 0

    async def one(index: int, due: float) -> None:
        nonlocal failures
        is_intake = _is_intake(index, intake_share)
        request = intake if is_intake else urges[index % len(urges)]
        try:
            status = await connections.post(request)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            failures += 1  # an overloaded server drops connections: a failure
            return
        # From when the request was due: time it waited for the client counts as well.
        elapsed = (time.monotonic() - due) * 1000
        if status >= 300:
            failures += 1
        (intake_ms if is_intake else urge_ms).append(elapsed)

    tasks = []
    wall_started, started = time.time(), time.monotonic()
    for index in range(int(requests_per_s * seconds)):
        due = started + index / requests_per_s
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    connections.close()
    ended = time.monotonic()
    return Phase(
        service.name, wall_started, wall_started + ended - started, intake_ms, urge_ms, failures
    )


def _exported_events(database_url: str, after: int) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    kinds = list(types.TYPE_OF_KIND)
    try:
        with engine.connect() as connection:
            return connection.execute(
                select(func.count())
                .select_from(TicketEvent)
                .where(
                    TicketEvent.kind.in_(kinds),
                    (TicketEvent.feed_position > after) | TicketEvent.feed_position.is_(None),
                )
            ).scalar_one()
    finally:
        engine.dispose()


def _subscribed_from(database_url: str) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(
                select(func.min(WebhookSubscription.feed_position))
            ).scalar_one()
    finally:
        engine.dispose()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def drain(service: Service, receiver: Server, after: int) -> tuple[list[Arrival], int]:
    """Wait (up to DRAIN_SECONDS) until every event since the subscription has arrived;
    what arrived, and how many events there are."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        expected = _exported_events(service.database_url, after)
        received = arrivals(receiver)
        if len({arrival.webhook_id for arrival in received}) >= expected:
            return received, expected
        if time.monotonic() > deadline:
            return received, expected
        time.sleep(0.25)


# --- the run ----------------------------------------------------------------------------------


def run(arguments: argparse.Namespace) -> int:
    load_before = os.getloadavg()[0]
    backend: Backend = arguments.db
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp, ExitStack() as cleanup:
        workdir = Path(tmp)
        receiver = start_receiver(cleanup, workdir)
        off = start_service(cleanup, "off", backend, arguments.postgres_url, workdir, on=False)
        on = start_service(cleanup, "on", backend, arguments.postgres_url, workdir, on=True)
        body = intake_body(off.server)
        for service in (off, on):
            service.token = dispatcher_token(service.server)
            log(f"filing {URGE_TICKETS} tickets to urge on webhooks {service.name}")
            prepare_urges(service, body)
        subscribe(on, receiver)
        subscribed_from = _subscribed_from(on.database_url)
        # The last of the tickets just filed may be placed in the feed after the
        # subscription's start, and are then delivered to it: before the phases, so that
        # the wait for a first subscription (a second at most) is not timed as delivery.
        log("waiting for the events placed after subscribing to arrive")
        drain(on, receiver, subscribed_from)
        phases: list[Phase] = []
        for round_ in range(arguments.rounds):
            for service in (off, on):
                log(
                    f"round {round_ + 1}: {arguments.phase} s at {arguments.rate:g} events/s, "
                    f"webhooks {service.name}"
                )
                phases.append(asyncio.run(_phase(service, body, arguments.rate, arguments.phase)))
                if service is on:
                    log("waiting for delivery to drain")
                    received, expected = drain(on, receiver, subscribed_from)
        load_after = os.getloadavg()[0]

    ids = [arrival.webhook_id for arrival in received]
    unique = set(ids)
    lost = max(0, expected - len(unique))
    duplicates = len(ids) - len(unique)
    on_phases = [phase for phase in phases if phase.service == "on"]
    off_phases = [phase for phase in phases if phase.service == "off"]
    in_on_phases = [
        arrival
        for arrival in received
        if any(phase.started <= arrival.event_at <= phase.ended for phase in on_phases)
    ]
    on_seconds = sum(phase.ended - phase.started for phase in on_phases)
    events_per_s = len(in_on_phases) / on_seconds if on_seconds else 0.0
    delays = [(arrival.at - arrival.event_at) * 1000 for arrival in in_on_phases]
    p50, p99 = _percentile(delays, 0.5), _percentile(delays, 0.99)
    intake_off = [ms for phase in off_phases for ms in phase.intake_ms]
    intake_on = [ms for phase in on_phases for ms in phase.intake_ms]
    overhead = statistics.median(intake_on) / statistics.median(intake_off) - 1

    print(
        f"webhooks: {backend}, {arguments.rounds} x (off, on) phases of {arguments.phase} s at "
        f"{arguments.rate:g} events/s ({INTAKE_SHARE:.0%} from intake, the rest urges), one "
        f"uvicorn worker each; load average {load_before:.1f} before, {load_after:.1f} after, "
        f"on {os.cpu_count()} cores"
    )
    print(
        f"{'phase':<8}{'intakes':>8}{'p50 ms':>9}{'p99 ms':>9}{'urges':>7}{'p50 ms':>9}"
        f"{'failed':>8}"
    )
    for phase in phases:
        print(
            f"{phase.service:<8}{len(phase.intake_ms):>8}{_percentile(phase.intake_ms, 0.5):>9.1f}"
            f"{_percentile(phase.intake_ms, 0.99):>9.1f}{len(phase.urge_ms):>7}"
            f"{_percentile(phase.urge_ms, 0.5):>9.1f}{phase.failures:>8}"
        )
    print(
        f"intake p50: off {statistics.median(intake_off):.1f} ms, on "
        f"{statistics.median(intake_on):.1f} ms: overhead {overhead:.3f} "
        f"(target < {TARGET_OVERHEAD}: {'met' if overhead < TARGET_OVERHEAD else 'NOT MET'})"
    )
    print(
        f"commit to delivery: p50 {p50:.0f} ms, "
        f"p99 {p99:.0f} ms over the {len(delays)} events of the on phases (target < "
        f"{TARGET_P99_MS:.0f} ms: "
        f"{'met' if p99 < TARGET_P99_MS else 'NOT MET'}); {expected} events after subscribing, "
        f"{lost} lost, {duplicates} duplicates"
    )
    print(
        f"webhooks events_per_s={events_per_s:.0f} p99_commit_to_delivery_ms={p99:.0f} "
        f"intake_overhead={overhead:.3f} lost={lost} duplicates={duplicates}"
    )
    return 0 if lost == 0 else 1
