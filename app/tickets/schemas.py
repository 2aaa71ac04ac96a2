"""How a ticket and its timeline look to API clients."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BeforeValidator, Field

from app.auth.directory import ActorName
from app.exports import ExportFormat
from app.geo.crs import Crs
from app.photos.kinds import UploadKind
from app.photos.schemas import FILES_URL, PHOTOS_URL, pixels
from app.privacy.disclosure import Disclosure, ReporterView
from app.privacy.masking import mask_name, mask_phone
from app.schemas import InputModel, OutputModel, Page, Reason
from app.tickets.counting import EXACT_UP_TO
from app.tickets.models import Ticket, TicketAttachment, TicketEvent
from app.units.models import Department, Grid
from app.vocabulary import (
    REPORT_ROLES,
    Channel,
    ClockKind,
    ClockState,
    Priority,
    RequestType,
    TicketStatus,
)


class CategoryRef(OutputModel):
    code: str
    name: str


class GridRef(OutputModel):
    code: str
    name: str
    level: int


class UnitRef(OutputModel):
    kind: str = Field(description="grid or department")
    code: str
    name: str


class SourcePoint(OutputModel):
    lat: float
    lon: float
    crs: Crs


class LocationRead(OutputModel):
    lat: float = Field(description="WGS-84")
    lon: float = Field(description="WGS-84")
    source: SourcePoint = Field(description="The point exactly as the client sent it.")
    radius_m: float | None = Field(
        None,
        description="How far from the point the problem may lie: set when the point was "
        "found from the address in the gazetteer (a compound, a road, a community), or "
        "sent from a QR poster, which hangs at the community office.",
    )


class ReporterRead(OutputModel):
    """Masked (张*, 138****1234); the full values take an audited reveal."""

    name: str | None
    phone: str | None


class Deadlines(OutputModel):
    dispatch_due_at: datetime | None
    sign_due_at: datetime | None
    reply_due_at: datetime | None
    next_due_at: datetime | None = Field(description="The soonest of the running deadlines.")


class ClockRead(OutputModel):
    """One deadline: the centre's dispatch clock, a unit's sign-for clock, the citizen's
    reply clock, or the window in which the unit may still return the ticket."""

    clock: ClockKind
    cycle: int = Field(description="Handling cycle: a reopened ticket starts a new one.")
    state: ClockState
    target: str = Field(description="90m, 4h (business time) or 3wd (end of working day 3)")
    started_at: datetime
    due_at: datetime | None = Field(description="Empty while paused.")
    remaining_seconds: float | None = Field(
        description="Business time left on the calendar; negative once past the deadline."
    )
    warned: bool
    breached: bool
    paused: bool
    provisional: bool = Field(
        description="The deadline lies in a year whose holidays the calendar does not "
        "hold yet: counted with weekends only, until an administrator adds the year."
    )
    extended_days: int
    stopped_at: datetime | None


class AttachmentRead(OutputModel):
    photo_id: str
    role: str = Field(
        description="The reporter's: evidence, before or after; staff's: reply, note or visit"
    )
    url: str
    content_type: str
    width: int
    height: int
    public: bool = Field(False, description="Shown to the citizen in their own view.")

    @classmethod
    def of(cls, attachment: TicketAttachment) -> "AttachmentRead":
        width, height = pixels(attachment.photo)
        return cls(
            photo_id=attachment.photo_id,
            role=attachment.role,
            url=f"{PHOTOS_URL}/{attachment.photo_id}",
            content_type=attachment.photo.content_type,
            width=width,
            height=height,
            public=bool(attachment.is_public),
        )


class FileAttachmentRead(OutputModel):
    file_id: str
    role: str = Field(description="Staff's: reply, note or visit")
    url: str = Field(description="Downloads the file.")
    content_type: str
    size_bytes: int
    filename: str | None = Field(description="The name it was uploaded under.")
    public: bool = Field(False, description="Offered to the citizen in their own view.")

    @classmethod
    def of(cls, attachment: TicketAttachment) -> "FileAttachmentRead":
        file = attachment.photo
        return cls(
            file_id=attachment.photo_id,
            role=attachment.role,
            url=f"{FILES_URL}/{attachment.photo_id}",
            content_type=file.content_type,
            size_bytes=file.size_bytes,
            filename=file.filename,
            public=bool(attachment.is_public),
        )


class AssistingUnitRead(UnitRef):
    done_at: datetime | None = Field(
        None, description="When the unit said its part was done; null while it has not."
    )


class TicketRead(OutputModel):
    number: str = Field(description="Public number: local date and a running sequence.")
    channel: Channel
    external_id: str | None
    request_type: RequestType
    category: CategoryRef | None
    priority: Priority
    title: str
    description: str
    reporter: ReporterRead | None
    anonymous: bool
    confidential: bool
    location: LocationRead | None
    address: str | None
    agent_summary: str | None = Field(description="What the call-centre agent wrote down.")
    community_code: str | None
    grid: GridRef | None
    status: TicketStatus
    assigned_unit: UnitRef | None = Field(description="The lead unit (zhuban).")
    assisting_units: list[AssistingUnitRead] = Field(
        description="Units assisting the lead (xieban), each with when its part was done."
    )
    deadlines: Deadlines
    clocks: list[ClockRead]
    cycle: int
    urge_count: int
    supervised: bool
    reply: str | None = Field(description="The unit's reply to the citizen.")
    reply_kb_article: str | None = Field(
        None, description="The knowledge-base article the reply was given from, by its id."
    )
    version: int = Field(description="Send it back as If-Match with an action.")
    parent_number: str | None
    photos: list[AttachmentRead]
    files: list[FileAttachmentRead] = Field(
        description="Staff's documents (PDF) attached to replies, notes and return visits."
    )
    channel_data: dict[str, Any]
    tracking_code: str | None = Field(
        description="The citizen's code for self-service; shown to the dispatch centre and "
        "to the integration that filed the ticket."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls, ticket: Ticket, disclosure: Disclosure, clocks: Sequence[ClockRead] = ()
    ) -> "TicketRead":
        return cls(
            number=ticket.number,
            channel=Channel(ticket.channel),
            external_id=ticket.external_id,
            request_type=RequestType(ticket.request_type),
            category=CategoryRef.model_validate(ticket.category) if ticket.category else None,
            priority=Priority(ticket.priority),
            title=ticket.title,
            description=ticket.description,
            reporter=_reporter(ticket, disclosure),
            anonymous=ticket.is_anonymous,
            confidential=ticket.is_confidential,
            location=_location(ticket),
            address=ticket.address,
            agent_summary=ticket.agent_summary,
            community_code=ticket.community_code,
            grid=GridRef.model_validate(ticket.grid) if ticket.grid else None,
            status=TicketStatus(ticket.status),
            assigned_unit=_assigned_unit(ticket),
            assisting_units=[
                AssistingUnitRead(
                    **_unit(unit.department or unit.grid).model_dump(), done_at=unit.done_at
                )
                for unit in ticket.assisting_units
            ],
            deadlines=Deadlines(
                dispatch_due_at=ticket.dispatch_due_at,
                sign_due_at=ticket.sign_due_at,
                reply_due_at=ticket.reply_due_at,
                next_due_at=ticket.next_due_at,
            ),
            clocks=list(clocks),
            cycle=ticket.cycle,
            urge_count=ticket.urge_count,
            supervised=ticket.is_supervised,
            reply=ticket.reply_text,
            reply_kb_article=ticket.reply_kb_article,
            version=ticket.version,
            parent_number=ticket.parent.number if ticket.parent else None,
            photos=[
                AttachmentRead.of(attachment)
                for attachment in _attachments(ticket, disclosure)
                if attachment.photo.kind == UploadKind.PHOTO
            ],
            files=[
                FileAttachmentRead.of(attachment)
                for attachment in _attachments(ticket, disclosure)
                if attachment.photo.kind == UploadKind.FILE
            ],
            channel_data=_channel_data(ticket, disclosure),
            tracking_code=ticket.tracking_code if disclosure.tracking_code else None,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
        )


def _attachments(ticket: Ticket, disclosure: Disclosure) -> list[TicketAttachment]:
    if disclosure.internal_evidence:
        return ticket.attachments
    return [a for a in ticket.attachments if a.is_public or a.role in REPORT_ROLES]


def _reporter(ticket: Ticket, disclosure: Disclosure) -> ReporterRead | None:
    if disclosure.reporter is ReporterView.HIDDEN:
        return None
    if ticket.reporter_name is None and ticket.reporter_phone is None:
        return None
    return ReporterRead(
        name=mask_name(ticket.reporter_name), phone=mask_phone(ticket.reporter_phone)
    )


def _channel_data(ticket: Ticket, disclosure: Disclosure) -> dict[str, Any]:
    if "caller_number" not in ticket.channel_data:
        return ticket.channel_data
    data = dict(ticket.channel_data)
    if disclosure.reporter is ReporterView.HIDDEN:
        del data["caller_number"]
    else:
        data["caller_number"] = mask_phone(data["caller_number"])
    return data


def _location(ticket: Ticket) -> LocationRead | None:
    if ticket.lat is None or ticket.lon is None:
        return None
    assert ticket.source_lat is not None
    assert ticket.source_lon is not None
    source = SourcePoint(
        lat=ticket.source_lat, lon=ticket.source_lon, crs=Crs(ticket.source_crs or Crs.WGS84)
    )
    return LocationRead(
        lat=ticket.lat, lon=ticket.lon, source=source, radius_m=ticket.location_radius_m
    )


def _unit(unit: Grid | Department | None) -> UnitRef:
    assert unit is not None  # a check constraint gives every unit row one of the two
    kind = "grid" if isinstance(unit, Grid) else "department"
    return UnitRef(kind=kind, code=unit.code, name=unit.name)


def _assigned_unit(ticket: Ticket) -> UnitRef | None:
    unit = ticket.assigned_grid or ticket.assigned_department
    return _unit(unit) if unit is not None else None


class ActorRead(OutputModel):
    kind: str
    ref: str | None
    name: str | None = Field(
        None, description="A member of staff's display name, or the integration's name"
    )
    role: str | None = Field(None, description="A member of staff's role")
    unit: UnitRef | None = Field(None, description="The department or grid of a unit role")


class EventLine(Protocol):
    """What a timeline line shows of an event: an event row, or the columns read of it."""

    @property
    def kind(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def actor_kind(self) -> str: ...
    @property
    def actor_ref(self) -> str | None: ...
    @property
    def channel(self) -> str | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...


class TicketEventRead(OutputModel):
    kind: str
    at: datetime
    actor: ActorRead
    channel: str | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, event: "EventLine", names: Mapping[str, ActorName]) -> "TicketEventRead":
        """The event, its actor named from `names` (by actor ref) when found there."""
        named = names.get(event.actor_ref) if event.actor_ref else None
        unit = named.unit if named else None
        return cls(
            kind=event.kind,
            at=event.created_at,
            actor=ActorRead(
                kind=event.actor_kind,
                ref=event.actor_ref,
                name=named.name if named else None,
                role=named.role if named else None,
                unit=UnitRef(kind=unit[0], code=unit[1], name=unit[2]) if unit else None,
            ),
            channel=event.channel,
            payload=event.payload,
        )

    @classmethod
    def public(cls, event: TicketEvent) -> "TicketEventRead":
        """The line as the public timeline shows it: what happened and when, not who."""
        return cls(
            kind=event.kind,
            at=event.created_at,
            actor=ActorRead(kind=event.actor_kind, ref=None),
            channel=event.channel,
            payload={},
        )


class ContactsRead(OutputModel):
    """How many times, and through which channels, the problem was reported: this ticket
    and the ones merged into it. Repeat contacts are a sign it is not being handled."""

    count: int
    channels: dict[str, int]


class DuplicateRead(OutputModel):
    number: str = Field(description="The other ticket.")
    direction: str = Field(description="earlier: filed before this one; later: after it")
    score: float
    reasons: dict[str, Any]
    status: str = Field(description="suggested, merged, dismissed or linked")


class TicketDetail(TicketRead):
    contacts: ContactsRead
    duplicates: list[DuplicateRead] = Field(
        description="Suspected duplicates, for a dispatcher to merge or dismiss."
    )
    allowed_actions: list[str] = Field(
        description="What the viewer may do to the ticket now: each is "
        "POST /tickets/{number}/{action}."
    )
    timeline: list[TicketEventRead]


def _a_day_alone(value: Any) -> Any:
    # pydantic reads "2026-11-23T00:00:00" as a date too: a time without its zone must be
    # refused, not taken for a day.
    if isinstance(value, str) and len(value) != len("2026-12-06"):
        raise ValueError("a date is written 2026-12-06; an instant needs its time zone")
    return value


Day = Annotated[date, BeforeValidator(_a_day_alone)]


class TicketFilterQuery(InputModel):
    """The queue's filters; repeat a list parameter to give several values."""

    status: list[TicketStatus] = []
    channel: list[Channel] = []
    request_type: list[RequestType] = []
    priority: list[Priority] = []
    category: str | None = Field(
        None, description="A category code, or a group code for all of it."
    )
    grid: str | None = Field(None, description="A grid code: tickets in it and every grid below.")
    assigned_grid: str | None = None
    assigned_department: str | None = None
    created_from: AwareDatetime | Day | None = Field(
        None,
        description="Created at or after this instant; a date alone (2026-12-06): from the "
        "start of that day in the city's time zone.",
    )
    created_to: AwareDatetime | Day | None = Field(
        None,
        description="Created before this instant; a date alone: up to the end of that day "
        "in the city's time zone (the day is included).",
    )
    q: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Text in the title, description, address or agent's summary "
            "(case-insensitive). Three characters or more are looked up in the search index; "
            "one or two are looked for among the newest tickets only "
            "(`text_searched_newest` says how many).",
        ),
    ] = None
    overdue: bool | None = Field(None, description="The citizen's reply deadline has passed.")
    warned: bool | None = Field(None, description="A running deadline is about to break.")
    breached: bool | None = Field(None, description="A deadline of this cycle has broken.")
    paused: bool | None = Field(None, description="Suspended: the clocks are stopped.")
    supervised: bool | None = None
    urged: bool | None = Field(None, description="The centre has urged the unit (cuiban).")
    suspected_duplicate: bool | None = Field(
        None,
        description="A suspected duplicate waits for a dispatcher to merge or dismiss it "
        "(the ticket may report again an earlier one's problem).",
    )

    def created_between(self, timezone: str) -> tuple[datetime | None, datetime | None]:
        """`created_from` and `created_to` as instants, a date read as a whole day of
        the city's calendar."""
        zone = ZoneInfo(timezone)

        def start_of(day: date) -> datetime:
            return datetime.combine(day, time(), zone)

        begin, end = self.created_from, self.created_to
        if isinstance(begin, date) and not isinstance(begin, datetime):
            begin = start_of(begin)
        if isinstance(end, date) and not isinstance(end, datetime):
            end = start_of(end + timedelta(days=1))
        return begin, end


class TicketListQuery(TicketFilterQuery):
    """Filters and order of the queue; repeat a list parameter to give several values."""

    sort: str = Field(
        "newest",
        pattern="^(newest|due_soonest|next_due)$",
        description="newest; due_soonest (the citizen's reply deadline); next_due (the "
        "soonest running deadline of any clock)",
    )
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str | None, Field(max_length=500)] = None
    count: str | None = Field(
        None,
        pattern="^exact$",
        description="exact: the answer counts the tickets the filters choose (`count`), "
        f"exactly up to {EXACT_UP_TO:,}, beyond that estimated from a sample "
        "(`count_is_estimate`: true).",
    )


class TicketExportQuery(TicketFilterQuery):
    format: ExportFormat = Field(ExportFormat.CSV, description="csv (UTF-8 with BOM) or xlsx")


class QueuePage(Page[TicketRead]):
    count: int | None = Field(
        None,
        description="With count=exact: how many tickets the filters choose, over all pages.",
    )
    count_is_estimate: bool | None = Field(
        None,
        description="With count=exact: true when `count` is an estimate (rounded to three "
        f"figures), as there are more than {EXACT_UP_TO:,}; show it as 'about'.",
    )
    text_searched_newest: int | None = Field(
        None,
        description="Set when `q` was too short for the search index (one or two "
        "characters): it was looked for among this many newest tickets only.",
    )


class RevealRequest(InputModel):
    reason: Reason = Field(description="Why the full identity is needed, e.g. a return call.")


class RevealedReporterRead(OutputModel):
    name: str | None
    phone: str | None
