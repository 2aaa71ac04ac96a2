"""The feed's query and answer, and the body every event has (feed item, webhook)."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.schemas import InputModel, OutputModel
from app.vocabulary import Channel

MAX_WAIT_SECONDS = 30
MAX_LIMIT = 1000


class FeedQuery(InputModel):
    after: str | None = Field(
        default=None,
        description="The `next_cursor` of the previous answer; absent: from the beginning.",
    )
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 100
    types: list[str] = Field(
        default=[], description="Only these event types (repeat the parameter); all if absent."
    )
    wait: Annotated[float, Field(ge=0, le=MAX_WAIT_SECONDS)] = Field(
        default=0,
        description="Seconds to wait for an event when there is none yet (long poll).",
    )


class EventTicket(OutputModel):
    number: str = Field(description="The ticket's public number.")
    channel: Channel
    external_id: str | None = Field(description="The channel's own id (a call id, ...).")


class EventData(OutputModel):
    """What happened to which ticket. Personal data is masked as in the ticket's views; an
    integration reads the public timeline: no staff, no notes, only the reply."""

    ticket: EventTicket
    kind: str = Field(description="The timeline's word for what happened.")
    actor: str = Field(description="system, user (staff), client (an integration), citizen")
    details: dict[str, Any] = Field(
        description="The timeline line's details: unit, reason, note, reply, deadline..."
    )


class EventBody(BaseModel):
    """A webhook's JSON body (Standard Webhooks): the event without its place."""

    type: str = Field(description="ticket.created, ticket.dispatched, ticket.replied, ...")
    timestamp: datetime = Field(description="When it happened.")
    data: EventData


class FeedEvent(EventBody):
    id: str = Field(
        description="The event's place in the feed; the same as the webhook-id's number."
    )


class FeedPage(OutputModel):
    events: list[FeedEvent]
    next_cursor: str = Field(description="Pass it as `after` for the events after these.")
