"""Webhook subscriptions and their delivery log, as the API takes and answers them."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.schemas import Code, InputModel, OutputModel

MAX_URL_LENGTH = 2000
MAX_EVENT_TYPES = 100

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class SubscriptionUnit(InputModel):
    kind: Literal["department", "grid"]
    code: Code


class SubscriptionCreate(InputModel):
    url: Url = Field(description="https URL of a public address that receives the POSTs.")
    event_types: list[Annotated[str, StringConstraints(max_length=60)]] | None = Field(
        default=None,
        max_length=MAX_EVENT_TYPES,
        description="ticket.replied, ticket.dispatched, ...; absent: every type.",
    )
    unit: SubscriptionUnit | None = Field(
        default=None,
        description="Admins: the unit on whose behalf the subscription hears (its tickets "
        "only); absent: every ticket. An integration key always hears its own tickets.",
    )


class SubscriptionOwner(OutputModel):
    kind: Literal["client", "department", "grid", "city"]
    code: str | None = Field(description="The unit's code, or the client's id.")


class SubscriptionRead(OutputModel):
    id: int
    url: str
    event_types: list[str] | None = Field(description="None: every type.")
    owner: SubscriptionOwner
    created_at: datetime
    disabled_at: datetime | None = Field(
        description="Set when deliveries kept failing for HOTLINE_WEBHOOK_RETRY_HOURS."
    )
    disabled_reason: str | None
    previous_secret_until: datetime | None = Field(
        description="During a secret rotation: until when the old secret signs too."
    )
    pending_deliveries: int


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="whsec_ + base64: shown this once, keep it safe.")


class RotateSecret(InputModel):
    overlap_hours: Annotated[float, Field(ge=0, le=168)] = Field(
        default=24, description="How long the old secret still signs beside the new one."
    )


class Replay(InputModel):
    after: Annotated[str, StringConstraints(max_length=18, pattern=r"^[0-9]+$")] = Field(
        description="A feed cursor: every event after it is delivered again."
    )


class ReplayRead(OutputModel):
    deliveries: int = Field(description="Deliveries queued by the replay.")


class AttemptRead(OutputModel):
    at: datetime
    status_code: int | None
    error: str | None
    latency_ms: int


class DeliveryRead(OutputModel):
    id: int
    event_id: str = Field(description="The event's id in the feed (webhook-id: evt_ + it).")
    type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_latency_ms: int | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptRead]
