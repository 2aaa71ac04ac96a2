"""The ticket's life as a table: for each action, the states it may start from, the state
it leads to, and who may take it. One table, so a reviewer sees every rule at once."""

from dataclasses import dataclass
from enum import StrEnum

from app.vocabulary import TicketStatus as S


class Action(StrEnum):
    DISPATCH = "dispatch"  # paidan
    SIGN = "sign"  # qianshou
    RETURN = "return"  # tuidan
    TRANSFER = "transfer"  # zhuanban
    ESCALATE = "escalate"  # shangbao
    JOINT_HANDLING = "joint-handling"  # zhuban + xieban
    REPLY = "reply"  # banjie
    RETURN_VISIT = "return-visit"  # huifang
    CLOSE = "close"  # jiean
    REOPEN = "reopen"  # fahui chongban
    REQUEST_EXTENSION = "request-extension"  # yanqi
    DECIDE_EXTENSION = "decide-extension"
    SUSPEND = "suspend"  # guaqi
    RESUME = "resume"
    URGE = "urge"  # cuiban
    SUPERVISE = "supervise"  # duban
    INVALIDATE = "invalidate"  # wuxiao
    ANSWER_AT_ONCE = "answer-at-once"  # zhijie banjie
    NOTES = "notes"  # a progress note; an assisting unit's part done


class Party(StrEnum):
    """How the one acting stands to this ticket."""

    CENTRE = "dispatch_centre"  # admin, dispatcher
    SUPERVISOR = "supervisor"
    LEAD_UNIT = "lead_unit"  # staff of the unit the ticket is assigned to
    GRID_ABOVE = "grid_above"  # street or community staff over the ticket's grid
    CHANNEL = "channel"  # the integration of the channel the ticket came in by
    ASSISTING = "assisting_unit"  # staff of a unit assisting the lead (xieban)


@dataclass(frozen=True)
class Rule:
    sources: frozenset[S]
    target: S | None  # None: the status stays (or the action decides)
    parties: frozenset[Party]


def _rule(sources: set[S], target: S | None, *parties: Party) -> Rule:
    return Rule(frozenset(sources), target, frozenset(parties))


CENTRE, SUPERVISOR, LEAD, ABOVE, CHANNEL, ASSISTING = (
    Party.CENTRE,
    Party.SUPERVISOR,
    Party.LEAD_UNIT,
    Party.GRID_ABOVE,
    Party.CHANNEL,
    Party.ASSISTING,
)
IN_HAND = {S.DISPATCHED, S.SIGNED, S.SUSPENDED}

RULES: dict[Action, Rule] = {
    Action.DISPATCH: _rule({S.NEW, S.RETURNED}, S.DISPATCHED, CENTRE),
    Action.SIGN: _rule({S.DISPATCHED}, S.SIGNED, LEAD),
    Action.RETURN: _rule({S.DISPATCHED, S.SIGNED}, S.RETURNED, LEAD),
    # The centre moves a ticket anywhere; a street or community within its own grids.
    Action.TRANSFER: _rule({S.DISPATCHED, S.SIGNED, S.RETURNED}, S.DISPATCHED, CENTRE, ABOVE),
    Action.ESCALATE: _rule({S.DISPATCHED, S.SIGNED}, S.DISPATCHED, LEAD),
    # Blowing the whistle (chuishao baodao): the centre or the street summons departments.
    Action.JOINT_HANDLING: _rule({S.NEW, S.RETURNED, S.DISPATCHED, S.SIGNED}, None, CENTRE, ABOVE),
    Action.REPLY: _rule({S.SIGNED}, S.REPLIED, LEAD),
    Action.RETURN_VISIT: _rule({S.REPLIED, S.MERGED}, S.VISITED, CENTRE),
    Action.CLOSE: _rule({S.REPLIED, S.VISITED}, S.CLOSED, CENTRE),
    Action.REOPEN: _rule({S.REPLIED, S.VISITED, S.CLOSED}, S.DISPATCHED, CENTRE),
    Action.REQUEST_EXTENSION: _rule({S.SIGNED, S.SUSPENDED}, None, LEAD),
    Action.DECIDE_EXTENSION: _rule(IN_HAND, None, CENTRE),
    Action.SUSPEND: _rule({S.SIGNED}, S.SUSPENDED, LEAD, CENTRE),
    Action.RESUME: _rule({S.SUSPENDED}, S.SIGNED, LEAD, CENTRE),
    Action.URGE: _rule(IN_HAND | {S.NEW, S.RETURNED}, None, CENTRE, SUPERVISOR),
    Action.SUPERVISE: _rule(IN_HAND | {S.NEW, S.RETURNED, S.REPLIED}, None, CENTRE, SUPERVISOR),
    Action.INVALIDATE: _rule({S.NEW, S.RETURNED, S.DISPATCHED}, S.INVALID, CENTRE),
    # Also once intake routed the ticket, as long as no unit signed for it.
    Action.ANSWER_AT_ONCE: _rule({S.NEW, S.DISPATCHED}, S.REPLIED, CENTRE, CHANNEL),
    # Every unit with a part in the ticket records its progress while the ticket is open.
    Action.NOTES: _rule(
        IN_HAND | {S.NEW, S.RETURNED, S.REPLIED, S.VISITED}, None, CENTRE, LEAD, ABOVE, ASSISTING
    ),
}


def allowed_actions(status: str, parties: frozenset[Party]) -> list[Action]:
    """What these parties may do to a ticket in `status`, in the table's order."""
    return [
        action
        for action, rule in RULES.items()
        if status in rule.sources and rule.parties & parties
    ]
