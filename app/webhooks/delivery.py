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
4. **send**, no transaction open: the claimed deliveries are made into messages (each
   event's body, signed) and POSTed, SENDERS at a time, by one event loop in a thread of
   its own (app/webhooks/sending.py), each within the timeout and reading at most 64 KiB
   of the answer.

A worker killed after claiming leaves leases that run out: those deliveries are sent
again (at least once after a crash); none is lost, as the rows are only ever settled by
a recorded answer.
"""

import logging
import random
import threading
import time
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import RowMapping, Select, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.sql.elements import BindParameter

from app.clock import utc_now
from app.config import Settings
from app.db import session_scope
from app.events import service as events
from app.events.schemas import EventBody
from app.periodic import repeat
from app.tickets.models import Ticket, TicketEvent
from app.webhooks import service
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhooks.sending import Answer, Outgoing, Sender

logger = logging.getLogger(__name__)

SENDERS = 16  # POSTs at once per process
CLAIM_LIMIT = 64  # deliveries a pass claims, at most
UNSUBSCRIBED_RECHECK_S = 1.0  # how long the delivery loop believes nobody is subscribed
FIRST_RETRY_SECONDS = 5
MAX_RETRY_SECONDS = 3600


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


def _claimable(now: datetime, limit: int) -> Select[int]:
    """The due deliveries that are the first still pending of their ticket, oldest event
    first. Read from the deliveries alone, and the rest joined to the few found after
    (`_claimed`): SQLite's statistics, gathered before the events had their places, made a
    join of all four tables start from every ticket, a pass costing seconds with a backlog.
    The first pending is looked up (a min() on the pending index) rather than asked with
    NOT EXISTS, which PostgreSQL without fresh statistics ran as an anti join over every
    pending row, quadratic in the backlog."""
    first_pending = (
        select(func.min(_EARLIER.event_position))
        .where(
            _EARLIER.subscription_id == _D.subscription_id,
            _EARLIER.ticket_id == _D.ticket_id,
            _EARLIER.status == service.PENDING,
        )
        .scalar_subquery()
    )
    return (
        select(_D.id)
        .join(_S, _S.id == _D.subscription_id)
        .where(
            _D.status == service.PENDING,
            _D.next_attempt_at <= now,
            _S.disabled_at.is_(None),
            _D.event_position == first_pending,
        )
        .order_by(_D.event_position)
        .limit(limit)
        .with_for_update(of=_D, skip_locked=True)
    )


# What sending a claimed delivery needs: the subscription's URL and secrets, the event and
# its ticket.
_CLAIMED_COLUMNS: tuple[Any, ...] = (
    _D.id,
    _D.subscription_id,
    _D.created_at.label("queued_at"),
    _D.attempts,
    _S.url,
    _S.secret,
    _S.previous_secret,
    _S.previous_secret_until,
    _S.client_id,
    *events.ROW_COLUMNS,
)
_FEED_ROW_FIELDS = [field.name for field in fields(events.FeedRow)]


def _claimed(ids: list[int]) -> Select[Any]:
    return (
        select(*_CLAIMED_COLUMNS)
        .join(_S, _S.id == _D.subscription_id)
        .join(_E, _E.feed_position == _D.event_position)
        .join(Ticket, Ticket.id == _D.ticket_id)
        .where(_D.id.in_(ids))
        .order_by(_D.event_position)
    )


def claim(
    session: Session, now: datetime, policy: Policy, limit: int = CLAIM_LIMIT
) -> list[RowMapping]:
    """Lease up to `limit` due deliveries, each the first pending of its ticket; what
    sending each needs (`outgoing` makes it a message, after the transaction)."""
    ids = list(session.scalars(_claimable(now, limit)))
    if not ids:
        return []
    rows = session.execute(_claimed(ids)).mappings().all()
    session.execute(
        update(_D)
        .where(_D.id.in_(ids))
        .values(next_attempt_at=now + policy.lease, attempts=_D.attempts + 1)
    )
    return list(rows)


def outgoing(row: RowMapping, now: datetime) -> Outgoing:
    """A claimed delivery as the message sent: its event's body, signed by the
    subscription's secrets of `now`."""
    feed_row = events.FeedRow(**{name: row[name] for name in _FEED_ROW_FIELDS})
    event = events.event_of(feed_row, public=row["client_id"] is not None)
    body = EventBody(type=event.type, timestamp=event.timestamp, data=event.data)
    return Outgoing(
        delivery_id=row["id"],
        subscription_id=row["subscription_id"],
        url=row["url"],
        secrets=service.signing_secrets(
            row["secret"], row["previous_secret"], row["previous_secret_until"], now
        ),
        message_id=f"evt_{event.id}",
        body=orjson.dumps(body.model_dump(mode="json")),
        first_tried_at=row["queued_at"],
        attempt=row["attempts"] + 1,
    )


def _next_try(attempts: int, now: datetime) -> datetime:
    """Exponential backoff from 5 s, at most an hour, with ±20% jitter so that many
    deliveries failing together do not come back together."""
    delay = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return now + timedelta(seconds=delay * random.uniform(0.8, 1.2))


_DELIVERIES: Table = WebhookDelivery.__table__  # type: ignore[assignment]
_ANSWERED: dict[str, BindParameter[Any]] = {
    "last_status_code": bindparam("status_code"),
    "last_error": bindparam("error"),
    "last_latency_ms": bindparam("latency_ms"),
}
# Core statements sent once for all of a pass's answers (executemany), not an ORM object
# loaded and flushed for each.
_SETTLE = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("delivery_id"))
    .values(status=bindparam("status"), delivered_at=bindparam("delivered_at"), **_ANSWERED)
)
_RETRY = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("delivery_id"))
    .values(next_attempt_at=bindparam("next_try"), **_ANSWERED)
)


def record(
    session: Session, sent: list[tuple[Outgoing, Answer]], now: datetime, policy: Policy
) -> None:
    """Settle each sent delivery: delivered, or its next try, or given up on (and its
    subscription disabled) once it has failed for `retry_hours`."""
    if not sent:
        return
    # Deliveries whose subscription was deleted while they were sent are gone.
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
    settled: list[dict[str, object]] = []
    retried: list[dict[str, object]] = []
    given_up: list[tuple[Outgoing, Answer]] = []
    for outgoing, answer in sent:
        values: dict[str, object] = {
            "delivery_id": answer.delivery_id,
            "status_code": answer.status_code,
            "error": answer.error,
            "latency_ms": answer.latency_ms,
        }
        if answer.delivered:
            settled.append(values | {"status": service.DELIVERED, "delivered_at": now})
        elif now - outgoing.first_tried_at >= give_up_after:
            settled.append(values | {"status": service.FAILED, "delivered_at": None})
            given_up.append((outgoing, answer))
        else:
            retried.append(values | {"next_try": _next_try(outgoing.attempt, now)})
    connection = session.connection()
    for statement, rows in ((_SETTLE, settled), (_RETRY, retried)):
        if rows:
            connection.execute(statement, rows)
    for outgoing, answer in given_up:
        _disable(session, outgoing.subscription_id, answer, now, policy)
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
    """The delivery loop's state: the sender, and the answers of the last pass, which the
    next pass records in its transaction. Use it as a context manager:
    leaving it records what is left."""

    def __init__(
        self, factory: sessionmaker[Session], policy: Policy, limit: int = CLAIM_LIMIT
    ) -> None:
        self._factory = factory
        self._policy = policy
        self._limit = limit
        self.nobody_subscribed = False  # what the last pass found
        self._unrecorded: list[tuple[Outgoing, Answer]] = []
        # Whether the last pass queued or claimed deliveries: someone was subscribed then.
        self._busy = False
        self._sender = Sender(
            allow_private=policy.allow_private, timeout=policy.timeout, concurrency=SENDERS
        )

    def __enter__(self) -> "Pump":
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self.flush()
        finally:
            self._sender.close()

    def run_once(self) -> int:
        """One pass: record, queue, claim, send. The number of deliveries sent."""
        # Asked only after a pass that found nothing to do: under load, a transaction of
        # its own every pass cost as much as queueing the events.
        self.nobody_subscribed = (
            not self._unrecorded and not self._busy and not self._anyone_subscribed()
        )
        if self.nobody_subscribed:
            # A city without subscriptions pays one read a pass, not a write transaction:
            # the feed's readers and the statistics place the events themselves.
            return 0
        for session in session_scope(self._factory):
            now = utc_now()
            record(session, self._unrecorded, now, self._policy)
            self._unrecorded = []
            queued = queue_new_events(session, now)
            leased = claim(session, now, self._policy, self._limit)
        # The messages are made once the transaction has ended: on SQLite, intake waits
        # for the one connection while a pass holds it.
        claimed = [outgoing(row, now) for row in leased]
        self._busy = bool(queued or claimed)
        if claimed:
            answers = self._sender.send_all(claimed)
            self._unrecorded = list(zip(claimed, answers, strict=True))
        return len(claimed)

    def _anyone_subscribed(self) -> bool:
        for session in session_scope(self._factory):
            found = session.execute(_ANY_ENABLED).first()
        return found is not None

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


_ANY_ENABLED = (
    select(WebhookSubscription.id).where(WebhookSubscription.disabled_at.is_(None)).limit(1)
)


class Deliverer:
    """Delivers in a thread of its own: passes back to back while there is work, else
    one every `interval` seconds, until stopped."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        policy: Policy,
        interval: float,
    ) -> None:
        self._factory = factory
        self._policy = policy
        self._interval = interval
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
            quiet_until = 0.0  # time.monotonic(): nobody is subscribed, no need to look

            def work() -> bool:
                nonlocal quiet_until
                if time.monotonic() < quiet_until:
                    return False
                sent = pump.run_once()
                if pump.nobody_subscribed:
                    # A subscription made meanwhile waits this much longer for its first
                    # delivery; a city without any pays one read a second.
                    quiet_until = time.monotonic() + UNSUBSCRIBED_RECHECK_S
                # A full pass goes on at once; otherwise the events gather for a while, so
                # that each pass (a commit) carries several.
                return sent >= CLAIM_LIMIT

            repeat("webhook delivery", work, self._interval, self._stopping)
