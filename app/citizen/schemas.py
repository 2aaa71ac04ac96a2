"""What a citizen sends and sees in self-service."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from app.schemas import InputModel, OutputModel, Phone, Reason
from app.tickets.vocabulary import Satisfaction, TicketStatus

TicketNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{8}-\d{6,}$")]
TrackingCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{8}$")]


class CitizenCredentials(InputModel):
    """The ticket number and either the tracking code or the phone it was filed with."""

    number: TicketNumber
    tracking_code: TrackingCode | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _one_proof(self) -> Self:
        if (self.tracking_code is None) == (self.phone is None):
            raise ValueError("give either tracking_code or phone, not both, not neither")
        return self


class CitizenEvaluation(CitizenCredentials):
    satisfaction: Satisfaction
    solved: bool = Field(description="Was the problem actually solved?")
    comment: Reason | None = None


class PublicEvent(OutputModel):
    kind: str
    label: str
    at: datetime


class CitizenTicketView(OutputModel):
    number: str
    status: TicketStatus
    title: str
    category: str | None
    created_at: datetime
    updated_at: datetime
    reply_due_at: datetime | None
    reply: str | None = Field(description="What the unit did, once it has replied.")
    can_evaluate: bool
    timeline: list[PublicEvent]
