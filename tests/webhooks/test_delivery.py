"""Webhook delivery, as a receiver sees it: signed by Standard Webhooks (checked with the
standardwebhooks package), in order per ticket, retried until the receiver is back,
disabled when it never is, bounded against slow, redirecting and huge answers."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.tickets.models import TicketEvent
from app.webhooks import delivery
from tests import factories
from tests.webhooks.conftest import POLICY, Deliver
from tests.webhooks.receiver import Receiver
from tests.workflow.helpers import department_ticket, done

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions"
TICKETS = "/api/v1/tickets"
Json = dict[str, Any]


def subscribe(client: TestClient, url: str, headers: dict[str, str], **body: Any) -> Json:
    response = client.post(SUBSCRIPTIONS, json={"url": url, **body}, headers=headers)
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


def deliveries(client: TestClient, subscription: Json, headers: dict[str, str]) -> list[Json]:
    response = client.get(f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries", headers=headers)
    assert response.status_code == 200, response.text
    found: list[Json] = response.json()
    return found


def test_every_delivery_is_signed_as_standard_webhooks_says(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscription = subscribe(client, receiver.url, auth["admin"])
    number = department_ticket(client)["number"]
    done(client, number, "urge", {"note": "请尽快"})

    assert deliver() == 3

    assert [item.verified_by(subscription["secret"]) for item in receiver.received] == (
        receiver.bodies()
    )
    first = receiver.received[0]
    assert first.headers["content-type"] == "application/json"
    assert first.webhook_id.startswith("evt_")
    assert first.headers["webhook-signature"].startswith("v1,")
    assert receiver.types() == ["ticket.created", "ticket.routed", "ticket.urged"]
    created = receiver.bodies()[0]
    assert set(created) == {"type", "timestamp", "data"}
    assert created["data"]["ticket"]["number"] == number
    # The feed tells the same event by the same id.
    feed = client.get("/api/v1/events", params={"types": "ticket.created", "limit": 1000})
    ids = {f"evt_{event['id']}" for event in feed.json()["events"]}
    assert first.webhook_id in ids
    log = deliveries(client, subscription, auth["admin"])
    assert {entry["status"] for entry in log} == {"delivered"}
    assert all(entry["log"][0]["status_code"] == 200 for entry in log)
    assert deliver() == 0  # nothing twice


def test_only_the_types_subscribed_to_are_delivered(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscribe(client, receiver.url, auth["admin"], event_types=["ticket.urged"])
    number = department_ticket(client)["number"]
    done(client, number, "urge", {"note": "请尽快"})

    deliver()

    assert receiver.types() == ["ticket.urged"]


def test_a_receiver_down_then_up_gets_every_event_in_order(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    deliver: Deliver,
    clock: FrozenClock,
) -> None:
    subscription = subscribe(client, receiver.url, auth["admin"])
    receiver.status = 503
    number = department_ticket(client)["number"]

    deliver()
    done(client, number, "urge", {"note": "一催"})
    done(client, number, "supervise", {"note": "督办"})
    deliver()

    log = deliveries(client, subscription, auth["admin"])
    created = log[-1]
    assert created["type"] == "ticket.created"
    assert created["status"] == "pending"
    assert created["attempts"] == 1
    assert created["last_status_code"] == 503
    assert created["log"][0]["latency_ms"] >= 0
    assert created["next_attempt_at"] is not None
    # The ticket's later events wait behind its first: never tried yet.
    assert [entry["attempts"] for entry in log if entry["type"] != "ticket.created"] == [0, 0, 0]

    clock.advance(timedelta(seconds=4))  # before the first retry (5 s, less 20% jitter)
    assert deliver() == 0
    for attempt in range(2, 5):
        clock.advance(timedelta(hours=1, minutes=15))
        assert deliver() == 1
        assert deliveries(client, subscription, auth["admin"])[-1]["attempts"] == attempt

    receiver.status = 200
    clock.advance(timedelta(hours=1, minutes=15))
    deliver()

    assert receiver.types() == [
        "ticket.created",
        "ticket.routed",
        "ticket.urged",
        "ticket.supervised",
    ]
    assert {entry["status"] for entry in deliveries(client, subscription, auth["admin"])} == {
        "delivered"
    }


def test_a_subscription_that_keeps_failing_is_disabled_then_enabled_loses_nothing(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    deliver: Deliver,
    clock: FrozenClock,
) -> None:
    admin = auth["admin"]
    subscription = subscribe(client, receiver.url, admin)
    receiver.status = 500
    number = department_ticket(client)["number"]
    deliver()

    for _ in range(30):
        clock.advance(timedelta(hours=1, minutes=15))
        deliver()
    shown = client.get(f"{SUBSCRIPTIONS}/{subscription['id']}", headers=admin).json()
    assert shown["disabled_at"] is not None
    assert "failed for 24 hours" in shown["disabled_reason"]
    assert shown["pending_deliveries"] == 1  # the routed event, still waiting
    done(client, number, "urge", {"note": "一催"})
    clock.advance(timedelta(hours=2))
    assert deliver() == 0  # disabled: nothing is tried

    receiver.status = 200
    enabled = client.post(f"{SUBSCRIPTIONS}/{subscription['id']}/enable", headers=admin)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["disabled_at"] is None
    deliver()

    assert receiver.types() == ["ticket.created", "ticket.routed", "ticket.urged"]
    # The disabling is itself recorded, by the service, for the admins to see.
    log = client.get(
        "/api/v1/audit", params={"kind": "webhook_subscription"}, headers=admin
    ).json()["items"]
    by_action = {entry["action"]: entry for entry in log}
    assert set(by_action) == {"create", "disable", "enable"}
    disabled = by_action["disable"]
    assert disabled["actor"]["kind"] == "system"
    assert disabled["object_code"] == str(subscription["id"])
    assert disabled["before"]["disabled_at"] is None
    assert "failed for 24 hours" in disabled["after"]["disabled_reason"]
    assert by_action["enable"]["actor"]["name"] == "admin"
    assert subscription["secret"] not in str(log)


def test_during_a_rotation_both_secrets_sign(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscription = subscribe(client, receiver.url, auth["admin"])
    rotated = client.post(
        f"{SUBSCRIPTIONS}/{subscription['id']}/rotate-secret",
        json={"overlap_hours": 1},
        headers=auth["admin"],
    )
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != subscription["secret"]
    assert rotated.json()["previous_secret_until"] is not None

    client.post(TICKETS, json=factories.web())
    deliver()

    received = receiver.received[0]
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    assert received.verified_by(new_secret) == received.verified_by(subscription["secret"])


def test_after_the_overlap_only_the_new_secret_signs(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    deliver: Deliver,
    clock: FrozenClock,
) -> None:
    from standardwebhooks import WebhookVerificationError

    subscription = subscribe(client, receiver.url, auth["admin"])
    path = f"{SUBSCRIPTIONS}/{subscription['id']}/rotate-secret"
    new_secret = client.post(path, json={"overlap_hours": 1}, headers=auth["admin"]).json()[
        "secret"
    ]
    clock.advance(timedelta(hours=1))
    client.post(TICKETS, json=factories.web())
    deliver()

    received = receiver.received[0]
    assert received.verified_by(new_secret)
    with pytest.raises(WebhookVerificationError):
        received.verified_by(subscription["secret"])


def test_a_redirect_is_not_followed(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    from tests.webhooks.receiver import running_receiver

    with running_receiver() as elsewhere:
        subscription = subscribe(client, receiver.url, auth["admin"])
        receiver.status, receiver.location = 307, elsewhere.url
        client.post(TICKETS, json=factories.web())
        deliver()

        assert elsewhere.received == []
    entry = deliveries(client, subscription, auth["admin"])[-1]
    assert entry["status"] == "pending"
    assert entry["last_status_code"] == 307
    assert entry["last_error"] == "redirect not followed"


def test_a_huge_answer_is_not_read_and_a_slow_one_costs_the_timeout(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscription = subscribe(client, receiver.url, auth["admin"])
    receiver.answer_bytes = 200 * 1024 * 1024
    client.post(TICKETS, json=factories.web())
    deliver()
    assert deliveries(client, subscription, auth["admin"])[-1]["status"] == "delivered"

    receiver.answer_bytes, receiver.delay = 0, 3
    client.post(TICKETS, json=factories.web())
    quick = delivery.Policy(allow_private=True, timeout=0.5, retry_hours=24)
    deliver(quick, passes=1)

    entry = deliveries(client, subscription, auth["admin"])[0]
    assert entry["status"] == "pending"
    assert "Timeout" in entry["last_error"]
    assert entry["last_latency_ms"] < 2000


def test_a_delivery_is_sent_again_on_request_and_a_replay_sends_all_again(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    admin = auth["admin"]
    subscription = subscribe(client, receiver.url, admin)
    department_ticket(client)
    assert deliver() == 2  # created, routed
    first = deliveries(client, subscription, admin)[-1]
    path = f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries/{first['id']}/redeliver"

    assert client.post(path, headers=admin).status_code == 202
    deliver()
    assert [item.webhook_id for item in receiver.received].count(f"evt_{first['event_id']}") == 2

    replay = client.post(
        f"{SUBSCRIPTIONS}/{subscription['id']}/replay", json={"after": "0"}, headers=admin
    )
    assert replay.status_code == 202, replay.text
    assert replay.json()["deliveries"] == 2  # every event heard since subscribing
    deliver()
    assert len(receiver.received) == 5
    missing = client.post(
        f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries/999999/redeliver", headers=admin
    )
    assert missing.status_code == 404


def test_a_name_that_turns_private_after_subscribing_is_refused_at_delivery(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscription = subscribe(client, receiver.url, auth["admin"])
    client.post(TICKETS, json=factories.web())

    deliver(delivery.Policy(allow_private=False, timeout=2, retry_hours=24), passes=1)

    assert receiver.received == []
    entry = deliveries(client, subscription, auth["admin"])[-1]
    assert entry["last_error"].startswith("refused:")


def test_a_unit_s_subscription_hears_its_own_tickets_only(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscribe(
        client, receiver.url, auth["admin"], unit={"kind": "department", "code": "urban_management"}
    )
    urban = department_ticket(client)["number"]
    client.post(TICKETS, json=factories.qr_code())

    deliver()

    assert {body["data"]["ticket"]["number"] for body in receiver.bodies()} == {urban}


def test_an_integration_s_subscription_hears_its_channels_public_events(
    anonymous: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    subscribe(anonymous, receiver.url, auth["call_centre"])
    number = anonymous.post(
        TICKETS, json=factories.hotline_12345(), headers=auth["call_centre"]
    ).json()["number"]
    anonymous.post(TICKETS, json=factories.web(), headers=auth["citizen_app"])
    done(anonymous, number, "urge", {"note": "内部"}, auth["dispatcher"])

    deliver()

    assert receiver.types() == ["ticket.created", "ticket.routed"]
    assert {body["data"]["ticket"]["number"] for body in receiver.bodies()} == {number}
    assert all(body["data"]["details"] == {} for body in receiver.bodies())


def test_the_policy_retries_for_a_day_at_least() -> None:
    assert POLICY.retry_hours >= 24


def test_a_subscription_deleted_while_its_deliveries_are_sent_stops_nothing(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    session_factory: sessionmaker[Session],
) -> None:
    doomed = subscribe(client, receiver.url, auth["admin"])
    kept = subscribe(client, receiver.url, auth["admin"])
    client.post(TICKETS, json=factories.web())

    with delivery.Pump(session_factory, POLICY) as pump:
        assert pump.run_once() == 2  # sent, not yet recorded
        deleted = client.delete(f"{SUBSCRIPTIONS}/{doomed['id']}", headers=auth["admin"])
        assert deleted.status_code == 204
        assert pump.run_once() == 0  # records what is left, and goes on

    assert [entry["status"] for entry in deliveries(client, kept, auth["admin"])] == ["delivered"]


_UNPLACED = TicketEvent.feed_position.is_(None)


def test_without_a_subscription_a_pass_writes_nothing_until_one_is_made(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    receiver: Receiver,
    session_factory: sessionmaker[Session],
) -> None:
    client.post(TICKETS, json=factories.web())
    with delivery.Pump(session_factory, POLICY) as pump:
        assert pump.run_once() == 0
        with session_factory() as session:
            # The pass read, and wrote nothing: the events still wait for their places.
            assert session.execute(select(func.count()).where(_UNPLACED)).scalar_one() > 0

        subscription = subscribe(client, receiver.url, auth["admin"])
        client.post(TICKETS, json=factories.web())
        assert pump.run_once() >= 1
    assert deliveries(client, subscription, auth["admin"])
