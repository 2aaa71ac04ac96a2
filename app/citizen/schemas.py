"""What a citizen sends and sees in self-service."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from app.channels.schemas import Point
from app.schemas import Address, Description, InputModel, OutputModel, Phone, Reason
from app.vocabulary import Satisfaction, TicketStatus

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


class PublicPhoto(OutputModel):
    url: str = Field(description="GET it without credentials: only public photos are served.")
    content_type: str
    width: int
    height: int


class PublicFile(OutputModel):
    url: str = Field(
        description="GET it without credentials, as a download: only public files are served."
    )
    content_type: str
    size_bytes: int


class PublicEvent(OutputModel):
    kind: str
    label: str
    at: datetime
    text: str | None = Field(None, description="A public progress note's text.")
    photos: list[PublicPhoto] = Field(default=[], description="A public progress note's photos.")
    files: list[PublicFile] = Field(default=[], description="A public progress note's files.")


class CitizenTicketView(OutputModel):
    number: str
    status: TicketStatus
    title: str
    category: str | None
    created_at: datetime
    updated_at: datetime
    reply_due_at: datetime | None
    reply: str | None = Field(
        description="What the unit did, once it has replied; for a ticket merged into "
        "another, the reply of the ticket that handled both."
    )
    reply_photos: list[PublicPhoto] = Field(
        default=[], description="The photos the unit showed with its reply."
    )
    reply_files: list[PublicFile] = Field(
        default=[], description="The documents (PDF) the unit offered with its reply."
    )
    can_evaluate: bool
    timeline: list[PublicEvent]


class SimilarQuery(InputModel):
    """What a citizen is about to report: where (a point, or an address), what kind of
    problem, and in their words."""

    location: Point | None = None
    address: Address | None = None
    category_code: Annotated[str, StringConstraints(max_length=16)] | None = None
    description: Description

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if self.location is None and not self.address:
            raise ValueError("give a location or an address")
        return self


class SimilarTicket(OutputModel):
    """An open ticket that looks like the same problem: public fields only (no names, no
    phone numbers, no texts of other citizens, no staff notes)."""

    number: str
    status: TicketStatus
    category: str | None
    created_at: datetime
    distance_m: int | None = Field(description="How far from the point given, when both have one")
    score: float = Field(description="How likely it is the same problem, 0 to 1")
    contacts: int = Field(description="How many times it has been reported")
    same_place: list[str] = Field(description="Places both reports name (建安大道88号, 7栋)")
    words_in_common: list[str]


class SimilarTickets(OutputModel):
    tickets: list[SimilarTicket]


class MeToo(InputModel):
    """Join an open ticket: the problem is reported once more, and the phone follows it."""

    number: TicketNumber
    phone: Phone


class MeTooAnswer(OutputModel):
    number: str = Field(description="The ticket joined; look it up with this number and phone")
    status: TicketStatus
    contacts: int
