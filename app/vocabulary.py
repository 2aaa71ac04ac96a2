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
    RETURNED = "returned"  # tuidan: the unit sent it back; waiting for dispatch again
    DISPATCHED = "dispatched"  # paidan: sent to a unit, not yet signed for
    SIGNED = "signed"  # qianshou: the unit has it in hand
    SUSPENDED = "suspended"  # guaqi: handling waits on something outside the unit
    REPLIED = "replied"  # banjie: the unit replied and finished
    VISITED = "visited"  # huifang: the citizen was called back
    CLOSED = "closed"  # jiean
    INVALID = "invalid"  # wuxiao: harassment, silence, no content
    MERGED = "merged"  # bingdan: follows its parent ticket


OPEN_STATUSES = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.RETURNED,
        TicketStatus.DISPATCHED,
        TicketStatus.SIGNED,
        TicketStatus.SUSPENDED,
        TicketStatus.REPLIED,
    }
)


class AttachmentRole(StrEnum):
    """What a photo on a ticket is: the reporter's, or staff's evidence of their handling."""

    EVIDENCE = "evidence"  # the reporter's photo of the problem
    BEFORE = "before"  # a grid worker's, before and after
    AFTER = "after"
    REPLY = "reply"  # what the unit did, with its reply
    NOTE = "note"  # with a progress note
    VISIT = "visit"  # taken at the return visit


# What came with the report itself: the channel that filed it sent them.
REPORT_ROLES = frozenset({AttachmentRole.EVIDENCE, AttachmentRole.BEFORE, AttachmentRole.AFTER})


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
    # Workflow actions (one per action of the ticket's life).
    DISPATCHED = "dispatched"
    SIGNED = "signed"
    RETURNED = "returned"
    TRANSFERRED = "transferred"
    ESCALATED = "escalated"
    JOINT_HANDLING = "joint_handling"
    REPLIED = "replied"
    VISITED = "visited"
    CLOSED = "closed"
    REOPENED = "reopened"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    URGED = "urged"
    SUPERVISED = "supervised"
    INVALIDATED = "invalidated"
    ANSWERED_AT_ONCE = "answered_at_once"
    # Progress notes of the units with a part in the ticket, and an assisting unit's part.
    NOTE_ADDED = "note_added"  # internal: staff only
    PUBLIC_NOTE_ADDED = "public_note_added"  # the citizen reads it too
    ASSIST_DONE = "assist_done"
    # Duplicates (bingdan).
    DUPLICATE_SUSPECTED = "duplicate_suspected"
    MERGED = "merged"
    DUPLICATE_ADDED = "duplicate_added"
    UNMERGED = "unmerged"
    DUPLICATE_REMOVED = "duplicate_removed"
    REPEAT_CONTACT = "repeat_contact"
    ME_TOO = "me_too"  # a citizen joined the ticket from "already reported?"
    # Clocks: every change to a deadline is on the timeline.
    CLOCK_STARTED = "clock_started"
    CLOCK_STOPPED = "clock_stopped"
    CLOCK_PAUSED = "clock_paused"
    CLOCK_RESUMED = "clock_resumed"
    CLOCK_EXTENDED = "clock_extended"
    CLOCK_RECOMPUTED = "clock_recomputed"
    CALENDAR_NOT_COVERED = "calendar_not_covered"
    SLA_WARNED = "sla_warned"
    SLA_BREACHED = "sla_breached"


# What a citizen sees of the timeline: what happened and when; no staff, no notes.
PUBLIC_EVENTS = {
    EventKind.RECEIVED: "已受理 (received)",
    EventKind.ROUTED: "已派单 (dispatched)",
    EventKind.DISPATCHED: "已派单 (dispatched)",
    EventKind.SIGNED: "已签收 (signed for)",
    EventKind.REPLIED: "已办结 (replied)",
    EventKind.ANSWERED_AT_ONCE: "已直接办结 (answered at once)",
    EventKind.PUBLIC_NOTE_ADDED: "办理进展 (progress)",
    EventKind.VISITED: "已回访 (visited)",
    EventKind.CLOSED: "已结案 (closed)",
    EventKind.REOPENED: "已发回重办 (reopened)",
    EventKind.MERGED: "已并案 (merged with an earlier report of the same problem)",
    EventKind.CITIZEN_EVALUATED: "已评价 (evaluated)",
    EventKind.ME_TOO: "又有市民反映同一问题 (another citizen reported it too)",
}
# Statuses in which the citizen may give their evaluation: the unit has replied.
EVALUABLE_STATUSES = frozenset({TicketStatus.REPLIED, TicketStatus.VISITED, TicketStatus.CLOSED})


class ClockKind(StrEnum):
    """The deadlines a ticket runs against (DOMAIN.md, time limits)."""

    DISPATCH = "dispatch"  # intake to dispatch: the centre's clock
    SIGN = "sign"  # dispatch to sign-for: each unit that receives the ticket gets its own
    REPLY = "reply"  # intake to reply: the citizen's clock, which returns never reset
    RETURN_WINDOW = "return_window"  # how long the unit may still send the ticket back


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"  # stopped by what it waited for (dispatch, sign-for, reply)
    CANCELLED = "cancelled"  # no longer applies (return, transfer, invalid, merged)


# Audit lines that only administrators read on a ticket's timeline.
ADMIN_ONLY_EVENTS = frozenset({EventKind.REPORTER_REVEALED})
