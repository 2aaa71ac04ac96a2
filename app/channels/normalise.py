"""Turn each channel's body into the one shape the ticket service takes in."""

from dataclasses import dataclass, field
from typing import Any

from app.channels.schemas import (
    CallDetails,
    GridPatrolIntake,
    Hotline12345Intake,
    IntakeBody,
    IntakeCommon,
    Minsheng110Intake,
    PhotoReportIntake,
    Point,
    QrCodeIntake,
    WebIntake,
)

TITLE_FROM_DESCRIPTION_CHARS = 40


@dataclass(frozen=True)
class PhotoRef:
    photo_id: str
    role: str  # evidence | before | after


@dataclass(frozen=True)
class Answer:
    """What the agent answered during the call, and the knowledge-base article it came from."""

    text: str
    kb_article: str | None


@dataclass(frozen=True)
class TicketDraft:
    """A ticket as any channel describes it, before codes are resolved."""

    channel: str
    external_id: str | None
    request_type: str
    category_code: str | None
    priority: str | None
    title: str
    description: str
    reporter_name: str | None
    reporter_phone: str | None
    anonymous: bool
    confidential: bool
    location: Point | None
    address: str | None
    agent_summary: str | None = None
    community_code: str | None = None
    grid_code: str | None = None
    photos: tuple[PhotoRef, ...] = ()
    channel_data: dict[str, Any] = field(default_factory=dict)
    # False: the channel sent no request type; the category's default replaces the
    # schema's (app.intake.write.prepare).
    request_type_given: bool = True
    # Answered during the call: filed already replied, never dispatched.
    answered: Answer | None = None


def _title(body: IntakeCommon) -> str:
    if body.title:
        return body.title
    first_line = body.description.splitlines()[0].strip()
    return first_line[:TITLE_FROM_DESCRIPTION_CHARS]


def _call_data(call: CallDetails, *, anonymous: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agent_id": call.agent_id,
        "call_started_at": call.started_at.isoformat(),
        "recording_ref": call.recording_ref,
    }
    if not anonymous:
        data["caller_number"] = call.caller_number
    return data


def _photos(ids: list[str], role: str) -> tuple[PhotoRef, ...]:
    return tuple(PhotoRef(photo_id, role) for photo_id in dict.fromkeys(ids))


def to_draft(body: IntakeBody) -> TicketDraft:
    """The channel-neutral draft of `body`; an anonymous report keeps no identity at all."""
    reporter_name = body.reporter.name if body.reporter else None
    reporter_phone = body.reporter.phone if body.reporter else None
    extra: dict[str, Any] = {}
    match body:
        case Hotline12345Intake() | Minsheng110Intake():
            reporter_phone = reporter_phone or body.call.caller_number
            channel_data = _call_data(body.call, anonymous=body.anonymous)
            extra = {"agent_summary": body.call.agent_summary}
            if body.answered_at_once is not None:
                answered = body.answered_at_once
                extra["answered"] = Answer(answered.answer, answered.kb_article)
            if isinstance(body, Minsheng110Intake):
                channel_data["incident_110_number"] = body.incident_110_number
        case GridPatrolIntake():
            channel_data = {"worker_id": body.worker_id}
            extra = {
                "grid_code": body.grid_code,
                "photos": _photos(body.photos_before, "before")
                + _photos(body.photos_after, "after"),
            }
        case QrCodeIntake():
            channel_data = {}
            extra = {
                "community_code": body.community_code,
                "photos": _photos(body.photos, "evidence"),
            }
        case PhotoReportIntake() | WebIntake():
            channel_data = {}
            extra = {"photos": _photos(body.photos, "evidence")}
    if body.anonymous:
        reporter_name = reporter_phone = None
    return TicketDraft(
        channel=body.channel,
        external_id=body.external_id,
        request_type=body.request_type,
        request_type_given="request_type" in body.model_fields_set,
        category_code=body.category_code,
        priority=body.priority,
        title=_title(body),
        description=body.description,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        anonymous=body.anonymous,
        confidential=body.confidential,
        location=body.location,
        address=body.address,
        channel_data=channel_data,
        **extra,
    )
