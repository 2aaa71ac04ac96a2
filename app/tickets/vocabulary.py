"""The field's words for a ticket (../shared/DOMAIN.md), as the API spells them."""

from enum import StrEnum


class Channel(StrEnum):
    HOTLINE_12345 = "hotline_12345"
    MINSHENG_110 = "minsheng_110"
    PHOTO_REPORT = "photo_report"
    QR_CODE = "qr_code"
    GRID_PATROL = "grid_patrol"
    WEB = "web"


class RequestType(StrEnum):
    CONSULTATION = "consultation"
    HELP = "help"
    COMPLAINT = "complaint"
    REPORT = "report"
    SUGGESTION = "suggestion"
    PRAISE = "praise"


class Priority(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"


class TicketStatus(StrEnum):
    """Where a ticket stands on its road from intake to closed."""

    NEW = "new"  # taken in (shouli), waiting for dispatch
    DISPATCHED = "dispatched"  # paidan: sent to a unit, not yet signed for
    SIGNED = "signed"  # qianshou: the unit has it in hand
    REPLIED = "replied"  # banjie: the unit replied and finished
    VISITED = "visited"  # huifang: the citizen was called back
    CLOSED = "closed"  # jiean
    INVALID = "invalid"  # wuxiao: harassment, silence, no content
    MERGED = "merged"  # bingdan: follows its parent ticket


OPEN_STATUSES = frozenset(
    {TicketStatus.NEW, TicketStatus.DISPATCHED, TicketStatus.SIGNED, TicketStatus.REPLIED}
)


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class EventKind(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"
    ROUTING_PENDING = "routing_pending"
    REROUTED = "rerouted"
    CATEGORY_CORRECTED = "category_corrected"
    REPORTER_REVEALED = "reporter_revealed"
    CITIZEN_EVALUATED = "citizen_evaluated"


# What a citizen sees of the timeline: what happened and when; no staff, no notes.
PUBLIC_EVENTS = {
    EventKind.RECEIVED: "已受理 (received)",
    EventKind.ROUTED: "已派单 (dispatched)",
    EventKind.CITIZEN_EVALUATED: "已评价 (evaluated)",
}
# Statuses in which the citizen may give their evaluation: the unit has replied.
EVALUABLE_STATUSES = frozenset({TicketStatus.REPLIED, TicketStatus.VISITED, TicketStatus.CLOSED})

# Audit lines that only administrators read on a ticket's timeline.
ADMIN_ONLY_EVENTS = frozenset({EventKind.REPORTER_REVEALED})
