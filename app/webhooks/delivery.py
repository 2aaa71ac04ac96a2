"""Delivering the feed to the subscriptions: at least once, once in the normal case, in
order per ticket, with retries, from any number of servers and workers at once.

One pass (`Pump.run_once`) is one transaction, then the sends:
1. **record** the answers of the previous pass: delivered, or the next try after an
   exponential backoff with jitter; a delivery failing for `retry_hours` disables its
   subscription (one commit a pass: on SQLite each commit is an fsync that intake waits
   behind);
2. **sequence and queue**: the feed gives the committed events their places
   (app/events/service.py), and each enabled subscription, taken FOR UPDATE SKIP LOCKED,
   queues a delivery row for each new event it hears and moves its place on;
3. **claim**: the due deliveries that are the first still pending of their ticket for
   their subscription are taken FOR UPDATE SKIP LOCKED and leased (their next attempt
   moved past the time the sends may take), so no other worker takes them and a later
   event of the same ticket waits for them;
4. **send**, no transaction open: each claimed delivery is POSTed, signed, in a thread of
   a small pool, each within the timeout and reading at most 64 KiB of the answer.

A worker killed after claiming leaves leases that run out: those deliveries are sent
again (at least once after a crash); none is lost, as the rows are only ever settled by
a recorded answer.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import orjson
from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.clock import utc_now
from app.config import Settings
from app.db import session_scope
from app.events import service as events
from app.events.schemas import EventBody
from app.tickets.models import Ticket, TicketEvent
from app.webhooks import service, signing
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhooks.safety import RefusedUrl, check_url

logger = logging.getLogger(__name__)

SENDERS = 16  # POSTs at once per process
CLAIM_LIMIT = 64  # deliveries a pass claims, at most
MAX_ANSWER_BYTES = 64 * 1024
FIRST_RETRY_SECONDS = 5
MAX_RETRY_SECONDS = 3600
USER_AGENT = "Hotline-Webhooks/1"


@dataclass(frozen=True)
class Policy:
    allow_private: bool
    timeout: float
    retry_hours: float

    @classmethod
    def of(cls, settings: Settings) -> "Policy":
        return cls(
            settings.webhook_allow_private,
            settings.webhook_timeout_seconds,
            settings.webhook_retry_hours,
        )

    @property
    def lease(self) -> timedelta:
        """Longer than a pass's sends can take (each ends within the timeout, SENDERS at
        once) and the wait for the next pass, which records them."""
        rounds = -(-CLAIM_LIMIT // SENDERS)
        return timedelta(seconds=(rounds + 1) * self.timeout + 5)


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    subscription_id: int
    url: str
    secrets: list[str]
    message_id: str
    body: bytes
    first_tried_at: datetime


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


def queue_new_events(session: Session, now: datetime, batch: int = 1000) -> int:
    """Sequence the feed, then queue each enabled subscription's new events."""
    events.sequence(session, batch)
    head = events.head(session)
    subscriptions = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.disabled_at.is_(None), WebhookSubscription.feed_position < head)
        .with_for_update(skip_locked=True)
    ).all()
    total = 0
    for subscription in subscriptions:
        queued, subscription.feed_position = service.queue(
            session, subscription, subscription.feed_position, head, now, batch
        )
        total += queued
    session.flush()
    return total


_D = WebhookDelivery
_EARLIER = aliased(WebhookDelivery)
_S = WebhookSubscription
_E = TicketEvent


def _claimable(now: datetime, limit: int) -> object:
    ahead = exists(
        select(_EARLIER.id).where(
            _EARLIER.subscription_id == _D.subscription_id,
            _EARLIER.ticket_id == _D.ticket_id,
            _EARLIER.status == service.PENDING,
            _EARLIER.event_position < _D.event_position,
        )
    )
    return (
        select(
            _D.id,
            _D.subscription_id,
            _D.created_at,
            _S.url,
            _S.secret,
            _S.previous_secret,
            _S.previous_secret_until,
            _S.client_id,
            _E.feed_position.label("position"),
            _E.kind,
            _E.created_at.label("event_at"),
            _E.actor_kind,
            _E.payload,
            _E.ticket_id,
            Ticket.number,
            Ticket.channel,
            Ticket.external_id,
        )
        .join(_S, _S.id == _D.subscription_id)
        .join(_E, _E.feed_position == _D.event_position)
        .join(Ticket, Ticket.id == _E.ticket_id)
        .where(
            _D.status == service.PENDING,
            _D.next_attempt_at <= now,
            _S.disabled_at.is_(None),
            ~ahead,
        )
        .order_by(_D.event_position)
        .limit(limit)
        .with_for_update(of=_D, skip_locked=True)
    )


def claim(
    session: Session, now: datetime, policy: Policy, limit: int = CLAIM_LIMIT
) -> list[Outgoing]:
    """Lease up to `limit` due deliveries, each the first pending of its ticket."""
    rows = session.execute(_claimable(now, limit)).mappings().all()  # type: ignore[call-overload]
    if not rows:
        return []
    session.execute(
        update(_D)
        .where(_D.id.in_([row["id"] for row in rows]))
        .values(next_attempt_at=now + policy.lease, attempts=_D.attempts + 1)
    )
    outgoing = []
    for row in rows:
        feed_row = events.FeedRow(
            position=row["position"],
            kind=row["kind"],
            created_at=row["event_at"],
            actor_kind=row["actor_kind"],
            payload=row["payload"],
            number=row["number"],
            channel=row["channel"],
            external_id=row["external_id"],
            ticket_id=row["ticket_id"],
        )
        event = events.event_of(feed_row, public=row["client_id"] is not None)
        body = EventBody(type=event.type, timestamp=event.timestamp, data=event.data)
        outgoing.append(
            Outgoing(
                delivery_id=row["id"],
                subscription_id=row["subscription_id"],
                url=row["url"],
                secrets=service.signing_secrets(
                    row["secret"], row["previous_secret"], row["previous_secret_until"], now
                ),
                message_id=f"evt_{event.id}",
                body=orjson.dumps(body.model_dump(mode="json")),
                first_tried_at=row["created_at"],
            )
        )
    return outgoing


def send(client: httpx.Client, outgoing: Outgoing, policy: Policy) -> Answer:
    """POST one delivery; never raises, never takes longer than the timeout, never reads
    more than MAX_ANSWER_BYTES of the answer, never follows a redirect."""
    started, at = time.monotonic(), utc_now()
    deadline = started + policy.timeout

    def answer(status: int | None, error: str | None) -> Answer:
        latency = round((time.monotonic() - started) * 1000)
        return Answer(outgoing.delivery_id, at, status, error, latency)

    try:
        check_url(outgoing.url, allow_private=policy.allow_private)
    except RefusedUrl as refused:
        return answer(None, f"refused: {refused.detail}")
    # The signature's time is the wall clock's: receivers compare it with theirs.
    headers = signing.headers(
        outgoing.secrets, outgoing.message_id, int(time.time()), outgoing.body
    )
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    try:
        with client.stream("POST", outgoing.url, content=outgoing.body, headers=headers) as reply:
            read = 0
            for chunk in reply.iter_raw():
                read += len(chunk)
                if read >= MAX_ANSWER_BYTES or time.monotonic() > deadline:
                    break  # the status is all that counts; the rest is not worth waiting for
            if 300 <= reply.status_code < 400:
                return answer(reply.status_code, "redirect not followed")
            if not 200 <= reply.status_code < 300:
                return answer(reply.status_code, f"answered {reply.status_code}")
            return answer(reply.status_code, None)
    except httpx.HTTPError as error:
        return answer(None, f"{type(error).__name__}: {error}"[:500])


def _next_try(attempts: int, now: datetime) -> datetime:
    """Exponential backoff from 5 s, at most an hour, with ±20% jitter so that many
    deliveries failing together do not come back together."""
    delay = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return now + timedelta(seconds=delay * random.uniform(0.8, 1.2))


def record(
    session: Session, sent: list[tuple[Outgoing, Answer]], now: datetime, policy: Policy
) -> None:
    """Settle each sent delivery: delivered, or its next try, or given up on (and its
    subscription disabled) once it has failed for `retry_hours`."""
    if not sent:
        return
    still_there = set(
        session.scalars(
            select(WebhookDelivery.id).where(
                WebhookDelivery.id.in_([outgoing.delivery_id for outgoing, _ in sent])
            )
        )
    )
    sent = [(outgoing, answer) for outgoing, answer in sent if outgoing.delivery_id in still_there]
    if not sent:
        return
    session.execute(
        insert(WebhookAttempt),
        [
            {
                "delivery_id": answer.delivery_id,
                "attempted_at": answer.at,
                "status_code": answer.status_code,
                "error": answer.error,
                "latency_ms": answer.latency_ms,
            }
            for _, answer in sent
        ],
    )
    give_up_after = timedelta(hours=policy.retry_hours)
    for outgoing, answer in sent:
        # Deliveries whose subscription was deleted while they were sent are gone.
        delivery = session.get_one(WebhookDelivery, outgoing.delivery_id)
        delivery.last_status_code = answer.status_code
        delivery.last_error = answer.error
        delivery.last_latency_ms = answer.latency_ms
        if answer.delivered:
            delivery.status, delivery.delivered_at = service.DELIVERED, now
        elif now - outgoing.first_tried_at >= give_up_after:
            delivery.status = service.FAILED
            _disable(session, outgoing.subscription_id, answer, now, policy)
        else:
            delivery.next_attempt_at = _next_try(delivery.attempts, now)
    session.flush()


def _disable(
    session: Session, subscription_id: int, answer: Answer, now: datetime, policy: Policy
) -> None:
    subscription = session.get_one(WebhookSubscription, subscription_id)
    if subscription.disabled_at is not None:
        return
    before = service.audited(subscription)
    subscription.disabled_at = now
    subscription.disabled_reason = (
        f"deliveries failed for {policy.retry_hours:g} hours; last: "
        f"{answer.error or answer.status_code}"
    )
    service.record_audit(session, None, "disable", subscription, before)
    logger.warning(
        "webhook subscription %d disabled: %s", subscription_id, subscription.disabled_reason
    )


class Pump:
    """The delivery loop's state: an HTTP client, the senders, and the answers of the last
    pass, which the next pass records in its transaction. Use it as a context manager:
    leaving it records what is left."""

    def __init__(
        self, factory: sessionmaker[Session], policy: Policy, limit: int = CLAIM_LIMIT
    ) -> None:
        self._factory = factory
        self._policy = policy
        self._limit = limit
        self._unrecorded: list[tuple[Outgoing, Answer]] = []
        self._client = http_client(policy)
        self._senders = ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook-send")

    def __enter__(self) -> "Pump":
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self.flush()
        finally:
            self._senders.shutdown()
            self._client.close()

    def run_once(self) -> int:
        """One pass: record, queue, claim, send. The number of deliveries sent."""
        for session in session_scope(self._factory):
            now = utc_now()
            record(session, self._unrecorded, now, self._policy)
            self._unrecorded = []
            queue_new_events(session, now)
            claimed = claim(session, now, self._policy, self._limit)
        if claimed:
            answers = self._senders.map(
                lambda item: send(self._client, item, self._policy), claimed
            )
            self._unrecorded = list(zip(claimed, answers, strict=True))
        return len(claimed)

    def _send(self, outgoing: Outgoing) -> Answer:
        return send(self._client, outgoing, self._policy)

    def flush(self) -> None:
        """Record the last pass's answers now."""
        if self._unrecorded:
            for session in session_scope(self._factory):
                record(session, self._unrecorded, utc_now(), self._policy)
            self._unrecorded = []

    def drain(self) -> int:
        """Passes until nothing is due; every answer recorded. The number sent."""
        total = 0
        while sent := self.run_once():
            total += sent
        return total


def http_client(policy: Policy) -> httpx.Client:
    return httpx.Client(
        follow_redirects=False,
        timeout=httpx.Timeout(policy.timeout),
        limits=httpx.Limits(max_connections=SENDERS * 2, max_keepalive_connections=SENDERS),
        trust_env=False,
    )


class Deliverer:
    """Delivers in a thread of its own: passes back to back while there is work, else
    one every `interval` seconds, until stopped."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        policy: Policy,
        interval: float,
        on_pass: Callable[[int], None] | None = None,
    ) -> None:
        self._factory = factory
        self._policy = policy
        self._interval = interval
        self._on_pass = on_pass
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=60)

    def run_here(self) -> None:
        """Deliver in the calling thread until stopped (the command's worker)."""
        self._run()

    def _run(self) -> None:
        with Pump(self._factory, self._policy) as pump:
            while not self._stopping.is_set():
                try:
                    sent = pump.run_once()
                except Exception:  # a database outage must not end delivery for good
                    logger.exception("webhook delivery failed; trying again shortly")
                    sent = 0
                if self._on_pass is not None:
                    self._on_pass(sent)
                # A full pass goes on at once; otherwise the events gather for a while, so
                # that each pass (a commit) carries several.
                if sent < CLAIM_LIMIT:
                    self._stopping.wait(self._interval)
