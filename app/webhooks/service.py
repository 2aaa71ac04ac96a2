"""Webhook subscriptions: who may make them, what each hears, its secrets, its delivery
log, redelivery and replay. Delivery itself is app/webhooks/delivery.py."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.audit.service import AuditKind, record_change
from app.auth.models import IntegrationClient
from app.clock import utc_now
from app.errors import Forbidden, NotFound, UnprocessableContent
from app.events import service as events
from app.events import types
from app.identity.principal import ClientPrincipal, Principal, StaffPrincipal
from app.identity.roles import Role
from app.units import service as units
from app.units.models import Department, Grid
from app.webhooks import signing
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhooks.safety import check_url
from app.webhooks.schemas import (
    AttemptRead,
    DeliveryRead,
    SubscriptionCreate,
    SubscriptionOwner,
    SubscriptionRead,
)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# A subscription's events are heard as a member of staff of its unit would see them.
_WEBHOOK_USER = "webhook"


def ensure_may_subscribe(principal: Principal) -> None:
    if isinstance(principal, StaffPrincipal) and principal.role is not Role.ADMIN:
        raise Forbidden("Admins subscribe on behalf of units; integrations with their key.")


# What the audit log keeps of a subscription: never its secrets.
_AUDITED = (
    "url",
    "event_types",
    "client_id",
    "department_id",
    "grid_id",
    "previous_secret_until",
    "disabled_at",
    "disabled_reason",
)


def audited(subscription: WebhookSubscription) -> dict[str, object]:
    return {name: getattr(subscription, name) for name in _AUDITED}


def record_audit(
    session: Session,
    actor: Principal | None,
    action: str,
    subscription: WebhookSubscription,
    before: dict[str, object] | None,
    address: str | None = None,
) -> None:
    """An entry in the audit log for a change to a subscription; `actor` None is the
    service itself (a subscription disabled because its deliveries kept failing)."""
    after = None if action == "delete" else audited(subscription)
    record_change(
        session,
        actor,
        kind=AuditKind.WEBHOOK_SUBSCRIPTION,
        action=action,
        object_code=str(subscription.id),
        before=before,
        after=after,
        address=address,
    )


def create(
    session: Session,
    principal: Principal,
    body: SubscriptionCreate,
    *,
    allow_private: bool,
    address: str | None,
) -> tuple[WebhookSubscription, str]:
    """A new subscription, hearing from the feed's head on, and its secret (shown once)."""
    ensure_may_subscribe(principal)
    unknown = types.unknown_types(body.event_types or [])
    if unknown:
        raise UnprocessableContent(
            f"Unknown event types: {', '.join(unknown)}; known: {', '.join(types.ALL_TYPES)}.",
            field="event_types",
        )
    check_url(body.url, allow_private=allow_private)
    secret = signing.new_secret()
    now = utc_now()
    subscription = WebhookSubscription(
        url=body.url,
        event_types=sorted(set(body.event_types)) if body.event_types else None,
        secret=secret,
        created_at=now,
        feed_position=events.head(session),
    )
    if isinstance(principal, ClientPrincipal):
        if body.unit is not None:
            raise UnprocessableContent(
                "An integration hears the tickets its channels filed; it names no unit.",
                field="unit",
            )
        subscription.client_id = principal.client_id
        subscription.created_by = f"client:{principal.client_id}"
    else:
        subscription.created_by = principal.username
        if body.unit is not None and body.unit.kind == "department":
            subscription.department_id = units.department_id(session, body.unit.code, "unit")
        elif body.unit is not None:
            subscription.grid_id = units.grid_in_force(session, body.unit.code, "unit").id
    session.add(subscription)
    session.flush()
    record_audit(session, principal, "create", subscription, None, address)
    return subscription, secret


def _visible(principal: Principal) -> list[object]:
    if isinstance(principal, ClientPrincipal):
        return [WebhookSubscription.client_id == principal.client_id]
    ensure_may_subscribe(principal)
    return []


def get(session: Session, principal: Principal, subscription_id: int) -> WebhookSubscription:
    """The subscription, if the caller may see it (an integration: its own); else 404."""
    subscription = session.scalars(
        select(WebhookSubscription).where(
            WebhookSubscription.id == subscription_id,
            *_visible(principal),  # type: ignore[arg-type]
        )
    ).one_or_none()
    if subscription is None:
        raise NotFound(f"No webhook subscription has id {subscription_id}.")
    return subscription


def list_(session: Session, principal: Principal) -> Sequence[WebhookSubscription]:
    query = select(WebhookSubscription).where(*_visible(principal))  # type: ignore[arg-type]
    return session.scalars(query.order_by(WebhookSubscription.id)).all()


def delete(
    session: Session, principal: Principal, subscription: WebhookSubscription, address: str | None
) -> None:
    record_audit(session, principal, "delete", subscription, audited(subscription), address)
    session.delete(subscription)
    session.flush()


def rotate_secret(
    session: Session,
    principal: Principal,
    subscription: WebhookSubscription,
    overlap: timedelta,
    address: str | None,
) -> str:
    """A new secret; the old one signs beside it for `overlap`, so receivers can switch."""
    before = audited(subscription)
    secret = signing.new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = utc_now() + overlap
    subscription.secret = secret
    session.flush()
    record_audit(session, principal, "rotate_secret", subscription, before, address)
    return secret


def signing_secrets(
    secret: str, previous: str | None, previous_until: datetime | None, now: datetime
) -> list[str]:
    if previous is not None and previous_until is not None and now < previous_until:
        return [secret, previous]
    return [secret]


def enable(
    session: Session, principal: Principal, subscription: WebhookSubscription, address: str | None
) -> None:
    """Deliver again after a disabling: the deliveries given up on are tried again first."""
    before = audited(subscription)
    subscription.disabled_at = None
    subscription.disabled_reason = None
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == FAILED,
        )
        .values(status=PENDING, next_attempt_at=utc_now())
    )
    session.flush()
    record_audit(session, principal, "enable", subscription, before, address)


def redeliver(session: Session, subscription: WebhookSubscription, delivery_id: int) -> None:
    delivery = session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.subscription_id == subscription.id,
        )
    ).one_or_none()
    if delivery is None:
        raise NotFound(f"The subscription has no delivery {delivery_id}.")
    delivery.status = PENDING
    delivery.next_attempt_at = utc_now()
    session.flush()


def viewer_of(session: Session, subscription: WebhookSubscription) -> Principal | None:
    """Whose eyes the subscription hears with; None for an integration whose key was
    revoked (it hears nothing more)."""
    if subscription.client_id is not None:
        client = session.get(IntegrationClient, subscription.client_id)
        if client is None or client.revoked_at is not None:
            return None
        return ClientPrincipal(client.id, client.name, frozenset(client.channels))
    if subscription.department_id is not None:
        return StaffPrincipal(
            0, _WEBHOOK_USER, Role.UNIT_HANDLER, department_id=subscription.department_id
        )
    if subscription.grid_id is not None:
        path = session.scalars(select(Grid.path).where(Grid.id == subscription.grid_id)).one()
        return StaffPrincipal(
            0, _WEBHOOK_USER, Role.UNIT_HANDLER, grid_id=subscription.grid_id, grid_path=path
        )
    return StaffPrincipal(0, _WEBHOOK_USER, Role.SUPERVISOR)


def queue(
    session: Session,
    subscription: WebhookSubscription,
    after: int,
    up_to: int,
    now: datetime,
    batch: int = 1000,
) -> tuple[int, int]:
    """Queue a delivery of each event after place `after` (up to `up_to`) that the
    subscription hears; the number queued and the place reached."""
    viewer = viewer_of(session, subscription)
    if viewer is None:
        return 0, up_to
    kinds = events.kinds_for(viewer, subscription.event_types or [])
    rows, reached = events.read(session, viewer, after, batch, kinds, up_to=up_to)
    if rows:
        session.execute(
            insert(WebhookDelivery),
            [
                {
                    "subscription_id": subscription.id,
                    "event_position": row.position,
                    "ticket_id": row.ticket_id,
                    "event_type": types.TYPE_OF_KIND[row.kind],
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for row in rows
            ],
        )
    return len(rows), reached


def replay(session: Session, subscription: WebhookSubscription, after: int) -> int:
    """Deliver again every event after the cursor that the subscription has heard so far."""
    now, total = utc_now(), 0
    while after < subscription.feed_position:
        queued, after = queue(session, subscription, after, subscription.feed_position, now)
        total += queued
    session.flush()
    return total


def pending_count(session: Session, subscription_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                WebhookDelivery.subscription_id == subscription_id,
                WebhookDelivery.status == PENDING,
            )
        )
        or 0
    )


def read(session: Session, subscription: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead(
        id=subscription.id,
        url=subscription.url,
        event_types=subscription.event_types,
        owner=_owner(session, subscription),
        created_at=subscription.created_at,
        disabled_at=subscription.disabled_at,
        disabled_reason=subscription.disabled_reason,
        previous_secret_until=subscription.previous_secret_until,
        pending_deliveries=pending_count(session, subscription.id),
    )


def _owner(session: Session, subscription: WebhookSubscription) -> SubscriptionOwner:
    if subscription.client_id is not None:
        return SubscriptionOwner(kind="client", code=str(subscription.client_id))
    if subscription.department_id is not None:
        department = session.get_one(Department, subscription.department_id)
        return SubscriptionOwner(kind="department", code=department.code)
    if subscription.grid_id is not None:
        return SubscriptionOwner(kind="grid", code=session.get_one(Grid, subscription.grid_id).code)
    return SubscriptionOwner(kind="city", code=None)


def deliveries(
    session: Session, subscription: WebhookSubscription, limit: int, before: int | None
) -> list[DeliveryRead]:
    """The delivery log, newest first, each with its attempts."""
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    found = session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)).all()
    attempts: dict[int, list[AttemptRead]] = {delivery.id: [] for delivery in found}
    if found:
        for attempt in session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.id)
        ):
            attempts[attempt.delivery_id].append(
                AttemptRead(
                    at=attempt.attempted_at,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    latency_ms=attempt.latency_ms,
                )
            )
    return [
        DeliveryRead(
            id=delivery.id,
            event_id=str(delivery.event_position),
            type=delivery.event_type,
            status=delivery.status,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if delivery.status == PENDING else None,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            last_latency_ms=delivery.last_latency_ms,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
            log=attempts[delivery.id],
        )
        for delivery in found
    ]
