"""HTTP for webhook subscriptions: make one (its secret shown once), list, read, delete,
rotate its secret, enable it again, read its delivery log, redeliver, replay."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import PrincipalDep
from app.auth.editors import AddressDep
from app.dependencies import SessionDep, SettingsDep
from app.errors import problem_responses
from app.identity.principal import Principal
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryRead,
    Replay,
    ReplayRead,
    RotateSecret,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)

router = APIRouter(prefix="/webhook-subscriptions", tags=["webhooks"])

RESPONSES = problem_responses(
    (403, "Only admins and integration keys subscribe"),
    (404, "No such subscription, or not one of yours"),
    (
        422,
        "Malformed or refused URL (private addresses, plain http), unknown event types, "
        "an unknown unit, or a field over its limit",
    ),
)


def _subscription(session: Session, principal: Principal, subscription_id: int) -> SubscriptionRead:
    return service.read(session, service.get(session, principal, subscription_id))


@router.post("", status_code=201, summary="Subscribe a URL to events", responses=RESPONSES)
def create_subscription(
    body: SubscriptionCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    address: AddressDep,
) -> SubscriptionCreated:
    """Admins subscribe on behalf of a unit (`unit`) or for the whole city; an integration
    key for the tickets its channels filed. The `secret` is shown only here: every POST is
    signed with it (Standard Webhooks). Events that happen from now on are delivered;
    replay older ones with `/replay`."""
    subscription, secret = service.create(
        session, principal, body, allow_private=settings.webhook_allow_private, address=address
    )
    return SubscriptionCreated(**service.read(session, subscription).model_dump(), secret=secret)


@router.get("", summary="Your webhook subscriptions", responses=RESPONSES)
def list_subscriptions(session: SessionDep, principal: PrincipalDep) -> list[SubscriptionRead]:
    return [service.read(session, found) for found in service.list_(session, principal)]


@router.get("/{subscription_id}", summary="One subscription", responses=RESPONSES)
def get_subscription(
    subscription_id: int, session: SessionDep, principal: PrincipalDep
) -> SubscriptionRead:
    """Shows whether it was disabled (deliveries kept failing), when and why."""
    return _subscription(session, principal, subscription_id)


@router.delete("/{subscription_id}", status_code=204, responses=RESPONSES)
def delete_subscription(
    subscription_id: int, session: SessionDep, principal: PrincipalDep, address: AddressDep
) -> Response:
    service.delete(session, principal, service.get(session, principal, subscription_id), address)
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/rotate-secret",
    summary="A new secret; the old one still signs during the overlap",
    responses=RESPONSES,
)
def rotate_secret(
    subscription_id: int,
    body: RotateSecret,
    session: SessionDep,
    principal: PrincipalDep,
    address: AddressDep,
) -> SubscriptionCreated:
    """During the overlap every POST carries two signatures (new, then old) in
    `webhook-signature`, so receivers can switch to the new secret at their pace."""
    subscription = service.get(session, principal, subscription_id)
    overlap = timedelta(hours=body.overlap_hours)
    secret = service.rotate_secret(session, principal, subscription, overlap, address)
    return SubscriptionCreated(**service.read(session, subscription).model_dump(), secret=secret)


@router.post(
    "/{subscription_id}/enable",
    summary="Deliver again after the subscription was disabled",
    responses=RESPONSES,
)
def enable_subscription(
    subscription_id: int, session: SessionDep, principal: PrincipalDep, address: AddressDep
) -> SubscriptionRead:
    """The deliveries given up on are tried again, first; nothing heard meanwhile is lost."""
    subscription = service.get(session, principal, subscription_id)
    service.enable(session, principal, subscription, address)
    return service.read(session, subscription)


@router.get(
    "/{subscription_id}/deliveries",
    summary="The delivery log: attempts, status, latency, next try",
    responses=RESPONSES,
)
def list_deliveries(
    subscription_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(description="Deliveries older than this id.")] = None,
) -> list[DeliveryRead]:
    subscription = service.get(session, principal, subscription_id)
    return service.deliveries(session, subscription, limit, before)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    summary="Send one delivery again, now",
    responses=RESPONSES,
)
def redeliver(
    subscription_id: int, delivery_id: int, session: SessionDep, principal: PrincipalDep
) -> Response:
    service.redeliver(session, service.get(session, principal, subscription_id), delivery_id)
    return Response(status_code=202)


@router.post(
    "/{subscription_id}/replay",
    status_code=202,
    summary="Deliver again every event after a feed cursor",
    responses=RESPONSES,
)
def replay(
    subscription_id: int, body: Replay, session: SessionDep, principal: PrincipalDep
) -> ReplayRead:
    """The events the subscription has heard after `after` (a `next_cursor` of
    GET /events, or an event's id), each queued again with its own webhook-id."""
    subscription = service.get(session, principal, subscription_id)
    return ReplayRead(deliveries=service.replay(session, subscription, int(body.after)))
