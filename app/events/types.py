"""The event types the feed and the webhooks speak: `ticket.` + what happened.

Each is one kind of timeline row (app/vocabulary.py): the rows that matter outside
the service. Clock bookkeeping, duplicate suggestions and audit lines stay inside."""

from app.vocabulary import PUBLIC_EVENTS, EventKind

PREFIX = "ticket."

# What each type tells a receiver; the OpenAPI `webhooks` section and the README show it.
DESCRIPTIONS: dict[EventKind, str] = {
    EventKind.RECEIVED: "A ticket was taken in (shouli), from any channel.",
    EventKind.ROUTED: "Intake's rules chose the lead unit; details say which rule and why.",
    EventKind.REROUTED: "A dispatcher routed the ticket again by hand.",
    EventKind.DISPATCHED: "The dispatch centre sent the ticket to a unit (paidan).",
    EventKind.SIGNED: "The lead unit signed for the ticket (qianshou).",
    EventKind.RETURNED: "The unit sent the ticket back as not its own (tuidan).",
    EventKind.TRANSFERRED: "The ticket moved to another unit (zhuanban).",
    EventKind.ESCALATED: "The ticket went to the level above (shangbao).",
    EventKind.JOINT_HANDLING: "Several units were summoned to one problem (chuishao baodao).",
    EventKind.EXTENSION_REQUESTED: "The unit asked for more working days (yanqi).",
    EventKind.EXTENSION_APPROVED: "The centre granted the extension.",
    EventKind.EXTENSION_REJECTED: "The centre refused the extension.",
    EventKind.SUSPENDED: "Handling waits on something outside the unit (guaqi).",
    EventKind.RESUMED: "Handling goes on after a suspension.",
    EventKind.URGED: "The centre pressed the unit (cuiban).",
    EventKind.SUPERVISED: "The ticket is under supervision (duban).",
    EventKind.REPLIED: "The unit replied and finished (banjie); details hold the reply.",
    EventKind.ANSWERED_AT_ONCE: "The agent answered during the call (zhijie banjie).",
    EventKind.PUBLIC_NOTE_ADDED: "A unit recorded progress for the citizen to read.",
    EventKind.ASSIST_DONE: "An assisting unit (xieban) said its part is done.",
    EventKind.VISITED: "The citizen was called back (huifang) with their evaluation.",
    EventKind.CITIZEN_EVALUATED: "The citizen evaluated the handling themselves.",
    EventKind.CLOSED: "The ticket was closed (jiean).",
    EventKind.REOPENED: "The ticket went back to the unit for a new cycle (fahui chongban).",
    EventKind.MERGED: "The ticket was merged into another report of the same problem.",
    EventKind.UNMERGED: "A merge was undone.",
    EventKind.SLA_WARNED: "A deadline is about to break.",
    EventKind.SLA_BREACHED: "A deadline broke.",
    EventKind.INVALIDATED: "The ticket was found invalid (wuxiao).",
}

# The words: a ticket "created", where the timeline says "received".
_RENAMED = {EventKind.RECEIVED: "created"}

TYPE_OF_KIND: dict[str, str] = {
    kind: PREFIX + _RENAMED.get(kind, kind.value) for kind in DESCRIPTIONS
}
KIND_OF_TYPE: dict[str, str] = {type_: kind for kind, type_ in TYPE_OF_KIND.items()}
ALL_TYPES: tuple[str, ...] = tuple(TYPE_OF_KIND.values())
# What an integration hears: the public timeline's kinds, as it reads them back.
PUBLIC_KINDS = frozenset(kind for kind in DESCRIPTIONS if kind in PUBLIC_EVENTS)
# Details an integration may read: the reply it will tell the citizen.
PUBLIC_DETAILS = {
    EventKind.REPLIED: ("reply",),
    EventKind.ANSWERED_AT_ONCE: ("reply",),
    EventKind.PUBLIC_NOTE_ADDED: ("text",),
}


def unknown_types(types: list[str]) -> list[str]:
    return [name for name in types if name not in KIND_OF_TYPE]
