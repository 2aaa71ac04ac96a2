"""The OpenAPI `webhooks` section: one entry per event type, with its body and headers."""

from typing import Any, Literal

from fastapi import FastAPI
from pydantic import create_model

from app.events import types
from app.events.schemas import EventBody

_HEADERS: list[dict[str, Any]] = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "evt_ + the event's id in the feed; the same on every retry.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Seconds since the epoch when this attempt was sent.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "v1, + base64 HMAC-SHA256 of `id.timestamp.body` with the secret's "
        "bytes; space-separated, one per secret, during a rotation.",
        "schema": {"type": "string"},
    },
]

RECEIVER_DUTY = (
    "Answer 2xx within the timeout to acknowledge; anything else (or a redirect) is "
    "retried with exponential backoff for HOTLINE_WEBHOOK_RETRY_HOURS. Deliveries of one "
    "ticket arrive in order; the same webhook-id may arrive twice after a crash."
)


def _body_model(name: str) -> type[EventBody]:
    fields: dict[str, Any] = {"type": (Literal[name], ...)}
    model: type[EventBody] = create_model(
        "Webhook_" + name.replace(".", "_"), __base__=EventBody, **fields
    )
    return model


def document_webhooks(app: FastAPI) -> None:
    """Describe each event type's POST in the app's OpenAPI `webhooks` section."""
    for kind, description in types.DESCRIPTIONS.items():
        name = types.TYPE_OF_KIND[kind]
        body_model = _body_model(name)

        def receive(body: Any) -> None:
            """Documentation only: the service sends this, it does not serve it."""

        receive.__annotations__ = {"body": body_model, "return": None}
        public = " Integrations receive it too." if kind in types.PUBLIC_KINDS else ""
        app.webhooks.add_api_route(
            name,
            receive,
            methods=["POST"],
            summary=description,
            description=f"{description}{public}\n\n{RECEIVER_DUTY}",
            openapi_extra={"parameters": _HEADERS},
            responses={200: {"description": "Acknowledged (any 2xx will do)"}},
            tags=["webhooks"],
        )
