"""The event payloads are documented: every type in OpenAPI's `webhooks` section, and the
README's receiver accepts a real delivery's signature."""

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.events import types
from tests import factories
from tests.webhooks.conftest import Deliver
from tests.webhooks.receiver import Receiver

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_event_type_is_in_the_openapi_webhooks_section(anonymous: TestClient) -> None:
    document = anonymous.get("/openapi.json").json()
    webhooks = document["webhooks"]

    assert set(webhooks) == set(types.ALL_TYPES)
    replied = webhooks["ticket.replied"]["post"]
    assert {parameter["name"] for parameter in replied["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    schema_name = replied["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = document["components"]["schemas"][schema_name.rsplit("/", 1)[1]]
    assert body["properties"]["type"]["const"] == "ticket.replied"
    assert set(body["required"]) == {"type", "timestamp", "data"}


def _readme_verify() -> Any:
    code = re.search(r"```python\n(import base64.*?)```", README, re.DOTALL)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)
    return namespace["verify"]


def test_the_readme_s_receiver_verifies_a_real_delivery(
    client: TestClient, auth: dict[str, dict[str, str]], receiver: Receiver, deliver: Deliver
) -> None:
    verify = _readme_verify()
    subscription = client.post(
        "/api/v1/webhook-subscriptions", json={"url": receiver.url}, headers=auth["admin"]
    ).json()
    client.post("/api/v1/tickets", json=factories.web())
    deliver()

    received = receiver.received[0]
    assert verify(subscription["secret"], received.headers, received.body)
    assert not verify(subscription["secret"], received.headers, received.body + b" ")
    other = "whsec_" + "A" * 43 + "="
    assert not verify(other, received.headers, received.body)
