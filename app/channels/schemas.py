"""What each channel posts. Every body names its `channel`; the rest is what that channel knows."""

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from app.geo.crs import Crs
from app.schemas import (
    Address,
    Code,
    Description,
    Identifier,
    InputModel,
    Name,
    Phone,
    Title,
)
from app.vocabulary import Priority, RequestType

PhotoId = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="An id from POST /photos")]
PhotoList = Annotated[list[PhotoId], Field(max_length=9)]


class Point(InputModel):
    """A point as the client's map SDK gave it; it is converted to WGS-84 on intake."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    crs: Crs = Crs.WGS84


class Reporter(InputModel):
    name: Name | None = None
    phone: Phone | None = None


class CallDetails(InputModel):
    """The call as the call-centre software saw it."""

    caller_number: Phone | None = None
    agent_id: Identifier
    started_at: AwareDatetime
    recording_ref: Identifier | None = None
    agent_summary: Description | None = Field(
        None, description="What the agent wrote down about the call; the queue's `q` finds it."
    )


class IntakeCommon(InputModel):
    request_type: RequestType = RequestType.COMPLAINT
    category_code: Code | None = None
    priority: Priority | None = Field(None, description="Defaults to the category's priority.")
    title: Title | None = Field(None, description="Defaults to the start of the description.")
    description: Description
    reporter: Reporter | None = None
    anonymous: bool = Field(False, description="Keep no identity at all.")
    confidential: bool = Field(False, description="Never show the reporter to the handling unit.")
    location: Point | None = None
    address: Address | None = None


class AnsweredAtOnce(InputModel):
    """The agent answered the caller during the call (zhijie banjie)."""

    answer: Description = Field(description="The answer the agent gave, as the citizen heard it.")
    kb_article: Identifier | None = Field(
        None, description="The knowledge-base article the agent answered from, by its id."
    )


class CallIntake(IntakeCommon):
    """What every call channel posts: one post per call, `external_id` is its call id."""

    external_id: Identifier
    call: CallDetails
    answered_at_once: AnsweredAtOnce | None = Field(
        None,
        description="Answered during the call: the ticket is filed already replied and is "
        "never dispatched.",
    )


class Hotline12345Intake(CallIntake):
    """One call to 12345, posted by the call-centre software; `external_id` is its call id."""

    channel: Literal["hotline_12345"]


class Minsheng110Intake(CallIntake):
    """A Minsheng 110 call; `incident_110_number` when it was diverted from 110."""

    channel: Literal["minsheng_110"]
    incident_110_number: Identifier | None = None


class PhotoReportIntake(IntakeCommon):
    """A suishoupai report from the phone app: photos first uploaded to POST /photos."""

    channel: Literal["photo_report"]
    external_id: Identifier | None = Field(None, description="The app's own report id.")
    photos: Annotated[PhotoList, Field(min_length=1)]


class QrCodeIntake(IntakeCommon):
    """A report after scanning a one-village-one-code poster."""

    channel: Literal["qr_code"]
    external_id: Identifier | None = None
    community_code: Code = Field(description="The community code printed in the QR code.")
    photos: PhotoList = []


class GridPatrolIntake(IntakeCommon):
    """A grid worker's own patrol report, from the worker's app."""

    channel: Literal["grid_patrol"]
    external_id: Identifier | None = None
    worker_id: Identifier
    grid_code: Code = Field(description="The unit grid (level 3) the worker patrols.")
    photos_before: PhotoList = []
    photos_after: PhotoList = []


class WebIntake(IntakeCommon):
    """A portal or mini-program form."""

    channel: Literal["web"]
    external_id: Identifier | None = None
    photos: PhotoList = []


IntakeBody = (
    Hotline12345Intake
    | Minsheng110Intake
    | PhotoReportIntake
    | QrCodeIntake
    | GridPatrolIntake
    | WebIntake
)
TicketIntake = Annotated[IntakeBody, Field(discriminator="channel")]
