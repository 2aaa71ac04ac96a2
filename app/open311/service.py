"""Open311's resources read from, and written through, Hotline's own.

services      the category taxonomy: each category in force is a service, its group the
              service's group; a category with no default request type asks for one as an
              attribute (metadata true)
POST request  the form becomes the intake body of the channel the key is bound to, and goes
              through intake's flow like any other (app.intake.flow.take_in)
requests      tickets as Open311 shows them: status open or closed, the public fields only
              (no reporter; a confidential report without its description; phone numbers
              masked); `extensions=true` adds what Open311 has no field for (Hotline's own
              status, channel, grids, SLA clocks) as `extended_attributes`
tokens        a ticket's number is known at once, so a token is the number itself
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.categories.models import Category
from app.categories.service import list_taxonomy
from app.channels.schemas import TicketIntake
from app.clock import utc_now
from app.errors import Forbidden, HotlineError, NotFound
from app.identity.principal import ClientPrincipal
from app.photos.kinds import UploadKind
from app.privacy.masking import mask_phones_in_text
from app.tickets.models import Ticket
from app.vocabulary import OPEN_STATUSES, Channel, RequestType, TicketStatus

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed, for the discovery document.
CHANGESET = "2026-12-07T00:00:00Z"
MAX_REQUESTS = 1000  # answered by one GET requests
WINDOW = timedelta(days=90)  # the specification's default range, and its longest
# The channels an Open311 request may be filed as, in the order one is chosen from the
# key's. The call centres' channels need a call's details, which Open311 cannot send.
OPEN311_CHANNELS = (Channel.WEB, Channel.QR_CODE, Channel.PHOTO_REPORT, Channel.GRID_PATROL)
# Extension attributes a channel needs: attribute[community_code] and so on.
CHANNEL_ATTRIBUTES = {
    Channel.QR_CODE: ("community_code",),
    Channel.GRID_PATROL: ("worker_id", "grid_code"),
}
_PHOTO_URL = re.compile(r"/photos/([0-9a-f]{64})/?$")
_INTAKE: TypeAdapter[Any] = TypeAdapter(TicketIntake)


class BadRequest(HotlineError):
    """Open311 answers 400 for every request it cannot take."""


# --- discovery and services -------------------------------------------------------------------


def discovery(root_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": "The city's Hotline administrators",
        "key_service": "An integration key from the city's administrators "
        "(POST /api/v1/integration-clients), bound to the channels it may file for",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": root_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _needs_request_type(category: Category) -> bool:
    return category.default_request_type is None


def services(session: Session) -> list[dict[str, Any]]:
    """Every category in force, as a service of its group."""
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": f"{group.name}: {category.name}",
            "metadata": _needs_request_type(category),
            "type": "realtime",
            "keywords": "",
            "group": group.name,
        }
        for group, categories in list_taxonomy(session)
        for category in categories
    ]


def _service(session: Session, code: str) -> Category:
    category = session.scalar(
        select(Category).where(
            Category.code == code,
            Category.parent_id.is_not(None),
            Category.retired_at.is_(None),
        )
    )
    if category is None:
        raise NotFound(f"There is no service {code!r}.")
    return category


def _request_type_attribute() -> dict[str, Any]:
    return {
        "variable": True,
        "code": "request_type",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 1,
        "description": "What kind of request this is (a complaint when not given)",
        "values": [{"key": kind.value, "name": kind.value} for kind in RequestType],
    }


def service_definition(session: Session, code: str) -> dict[str, Any]:
    category = _service(session, code)
    attributes = [_request_type_attribute()] if _needs_request_type(category) else []
    return {"service_code": category.code, "attributes": attributes}


# --- POST requests ----------------------------------------------------------------------------


def _channel(principal: ClientPrincipal, has_photos: bool) -> Channel:
    """The channel the key files for: a photo report when photos come and the key may."""
    if has_photos and Channel.PHOTO_REPORT in principal.channels:
        return Channel.PHOTO_REPORT
    for channel in OPEN311_CHANNELS:
        if channel in principal.channels:
            return channel
    raise Forbidden(
        "This key files only for the call centres' channels, which need a call's details: "
        "use POST /api/v1/tickets."
    )


def _photos(media_url: str | None) -> list[str]:
    if not media_url:
        return []
    found = _PHOTO_URL.search(media_url)
    if found is None:
        raise BadRequest(
            "media_url must be the URL of a photo uploaded to POST /api/v1/photos "
            "(…/api/v1/photos/{id}); other addresses are not fetched."
        )
    return [found.group(1)]


def _number(form: Mapping[str, str], name: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise BadRequest(f"{name} must be a number, not {text!r}.") from None


def _name(first: str, last: str) -> str | None:
    parts = [part.strip() for part in (first, last) if part.strip()]
    if not parts:
        return None
    # Chinese names put the family name first, unspaced: 张 + 三 = 张三.
    if all(not part.isascii() for part in parts):
        return "".join(reversed(parts))
    return " ".join(parts)


def intake_body(principal: ClientPrincipal, form: Mapping[str, str]) -> Any:
    """The intake body an Open311 POST stands for, on the channel the key is bound to."""
    code = form.get("service_code", "").strip()
    if not code:
        raise BadRequest("service_code is required.")
    lat, lon = _number(form, "lat"), _number(form, "long")
    address = form.get("address_string", "").strip() or None
    if (lat is None) != (lon is None):
        raise BadRequest("lat and long come together.")
    if lat is None and address is None:
        raise BadRequest("A location is required: lat and long, or address_string.")
    photos = _photos(form.get("media_url"))
    channel = _channel(principal, bool(photos))
    body: dict[str, Any] = {
        "channel": channel.value,
        "category_code": code,
        "description": form.get("description", ""),
        "address": address,
    }
    if lat is not None:
        body["location"] = {"lat": lat, "lon": lon, "crs": "wgs84"}
    request_type = form.get("attribute[request_type]")
    if request_type:
        body["request_type"] = request_type
    name = _name(form.get("first_name", ""), form.get("last_name", ""))
    phone = form.get("phone", "").strip() or None
    if name or phone:
        body["reporter"] = {"name": name, "phone": phone}
    if photos:
        body["photos"] = photos
    for attribute in CHANNEL_ATTRIBUTES.get(channel, ()):
        value = form.get(f"attribute[{attribute}]", "").strip()
        if not value:
            raise BadRequest(f"attribute[{attribute}] is required: this key files {channel}.")
        body[attribute] = value
    try:
        return _INTAKE.validate_python(body)
    except ValidationError as error:
        raise BadRequest(
            " ".join(f"{_form_field(entry['loc'])}: {entry['msg']}." for entry in error.errors())
        ) from None


_FORM_NAMES = {"category_code": "service_code", "address": "address_string", "lon": "long"}


def _form_field(location: Sequence[Any]) -> str:
    """The form field a validation error is about, as the caller named it."""
    names = [str(part) for part in location if not isinstance(part, int)][1:]  # the channel
    if not names:
        return "request"
    if names[0] == "reporter":
        return {"name": "first_name", "phone": "phone"}.get(names[-1], names[-1])
    if names[0] in {"community_code", "worker_id", "grid_code", "request_type"}:
        return f"attribute[{names[0]}]"
    return _FORM_NAMES.get(names[-1], names[-1])


# --- GET requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    start: datetime
    end: datetime
    numbers: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    extensions: bool = False


def _listed(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in params.get(name, "").split(",") if item.strip())


def _datetime(params: Mapping[str, str], name: str) -> datetime | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise BadRequest(
            f"{name} must be a W3C date and time with its zone (2026-12-01T00:00:00Z)."
        )
    return value


def parse_query(params: Mapping[str, str], now: datetime) -> RequestQuery:
    """The standard filters, checked: the range defaults to the last 90 days and may not
    be longer; status is open and/or closed."""
    statuses = _listed(params, "status")
    unknown = set(statuses) - {"open", "closed"}
    if unknown:
        raise BadRequest(f"status is open or closed, not {', '.join(sorted(unknown))}.")
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start is None:
        end = end or now
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise BadRequest("end_date is before start_date.")
    if end - start > WINDOW:
        raise BadRequest("start_date and end_date may be at most 90 days apart.")
    return RequestQuery(
        start=start,
        end=end,
        numbers=_listed(params, "service_request_id"),
        service_codes=_listed(params, "service_code"),
        statuses=statuses,
        extensions=params.get("extensions", "").lower() == "true",
    )


def _loaded(extensions: bool) -> tuple[Any, ...]:
    options: tuple[Any, ...] = (
        joinedload(Ticket.category),
        joinedload(Ticket.assigned_grid),
        joinedload(Ticket.assigned_department),
        joinedload(Ticket.parent).load_only(Ticket.number),
        selectinload(Ticket.attachments),
    )
    if extensions:
        options += (joinedload(Ticket.grid), selectinload(Ticket.clocks))
    return options


def _open_or_closed(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def _status_notes(ticket: Ticket) -> str | None:
    if ticket.status == TicketStatus.MERGED and ticket.parent is not None:
        return f"The same problem as {ticket.parent.number}, followed there."
    if ticket.status == TicketStatus.INVALID:
        return "Not taken up: no actionable content."
    if ticket.status in (TicketStatus.REPLIED, TicketStatus.VISITED, TicketStatus.CLOSED):
        return mask_phones_in_text(ticket.reply_text) if ticket.reply_text else None
    return None


def _agency(ticket: Ticket) -> str | None:
    if ticket.assigned_department is not None:
        return ticket.assigned_department.name
    return ticket.assigned_grid.name if ticket.assigned_grid is not None else None


def _extended(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket_status": ticket.status,
        "channel": ticket.channel,
        "request_type": ticket.request_type,
        "priority": ticket.priority,
        "grid_code": ticket.grid.code if ticket.grid is not None else None,
        "assigned_grid_code": ticket.assigned_grid.code if ticket.assigned_grid else None,
        "clocks": [
            {
                "kind": clock.kind,
                "state": clock.state,
                "due_at": clock.due_at,
                "warned_at": clock.warned_at,
                "breached_at": clock.breached_at,
            }
            for clock in ticket.clocks
        ],
    }


def as_request(ticket: Ticket, photo_url: str, *, extensions: bool) -> dict[str, Any]:
    """A ticket as Open311 shows it to anyone (see the module's docstring)."""
    described = not ticket.is_confidential
    photos = sorted(
        (a for a in ticket.attachments if a.photo.kind == UploadKind.PHOTO),
        key=lambda attachment: attachment.position,
    )
    shown: dict[str, Any] = {
        "service_request_id": ticket.number,
        "status": _open_or_closed(ticket.status),
        "status_notes": _status_notes(ticket),
        "service_name": ticket.category.name if ticket.category is not None else None,
        "service_code": ticket.category.code if ticket.category is not None else None,
        "description": mask_phones_in_text(ticket.description) if described else None,
        "agency_responsible": _agency(ticket),
        "service_notice": None,
        "requested_datetime": ticket.created_at,
        "updated_datetime": ticket.updated_at,
        "expected_datetime": ticket.reply_due_at,
        "address": ticket.address,
        "address_id": None,
        "zipcode": None,
        "lat": ticket.lat,
        "long": ticket.lon,
        "media_url": photo_url + photos[0].photo_id if photos else None,
    }
    if extensions:
        shown["extended_attributes"] = _extended(ticket)
    return shown


def find_requests(session: Session, query: RequestQuery, photo_url: str) -> list[dict[str, Any]]:
    """The tickets the query names (its ids override every other filter), newest first,
    at most MAX_REQUESTS."""
    found = select(Ticket).options(*_loaded(query.extensions))
    if query.numbers:
        found = found.where(Ticket.number.in_(query.numbers))
    else:
        found = found.where(Ticket.created_at >= query.start, Ticket.created_at <= query.end)
        if query.service_codes:
            codes = select(Category.id).where(Category.code.in_(query.service_codes))
            found = found.where(Ticket.category_id.in_(codes))
        if query.statuses == ("open",):
            found = found.where(Ticket.status.in_(OPEN_STATUSES))
        elif query.statuses == ("closed",):
            found = found.where(Ticket.status.not_in(OPEN_STATUSES))
    found = found.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(MAX_REQUESTS)
    tickets = session.scalars(found).unique()
    return [as_request(ticket, photo_url, extensions=query.extensions) for ticket in tickets]


def one_request(
    session: Session, number: str, photo_url: str, *, extensions: bool
) -> list[dict[str, Any]]:
    query = RequestQuery(utc_now(), utc_now(), numbers=(number,), extensions=extensions)
    found = find_requests(session, query, photo_url)
    if not found:
        raise NotFound(f"There is no service request {number!r}.")
    return found


def token(session: Session, value: str) -> list[dict[str, Any]]:
    """A token is the ticket's number: the ticket is numbered when it is taken in."""
    if session.scalar(select(Ticket.id).where(Ticket.number == value)) is None:
        raise NotFound(f"There is no token {value!r}.")
    return [{"service_request_id": value, "token": value}]
