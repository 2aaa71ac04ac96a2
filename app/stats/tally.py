"""What one timeline row adds to the statistics: the definitions, in one pure function.

Both the follower of the event feed (app/stats/follower.py, counting rows in feed order)
and `hotline rebuild-stats` (replaying the event log) call `apply` with a ticket's state
and its rows in timeline order, so they cannot disagree. Nothing here reads the database:
a row's figure depends only on the rows of its ticket before it.

Whose figure a row is (the README's "Statistics" section says it for users):
- a ticket counts for the unit that held it when the thing happened: the receipt and
  its sign-for (response) for the unit that received it, a return or transfer for the
  unit that gave it away, the reply, extension, breach, reopening and return visit for
  the lead unit at that moment. After returns and transfers, each unit that received the
  ticket is judged on its own receipt; the reply and the citizen's verdict belong to the
  unit that finally answered.
- a response is written to the day (and unit, category) of the receipt it answers, so
  "of the tickets received in the period, the share signed for in time" holds exactly.
- a ticket merged into another, or found invalid, withdraws everything it counted for,
  and nothing it does afterwards counts (the parent counts once, invalid ones never);
  undoing the merge puts its figures back.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The city's day, on which figures are filed: China Standard Time has no summer time.
STATS_ZONE = ZoneInfo("Asia/Shanghai")

# Business-hour edges of the handling-time histogram (the last bucket is open-ended).
HANDLING_EDGES_HOURS = (1, 2, 4, 8, 16, 24, 40, 80, 120, 200, 400)
HANDLING_BUCKETS = tuple(f"h{index}" for index in range(len(HANDLING_EDGES_HOURS) + 1))

COUNTERS = (
    "received",  # taken in (shouli), any channel
    "answered_at_once",  # answered during the call (zhijie banjie)
    "repeat_contacts",  # a new ticket about a problem closed before
    "assigned",  # a unit received the ticket (dispatch, transfer, escalation, re-routing)
    "responded",  # ... and signed for it, or returned it, within its sign-for limit
    "returned",
    "transferred",
    "replied",
    "replied_on_time",
    "reopened",
    "extended",
    "breached",  # the citizen's reply deadline broke
    "visited",  # return visits (huifang)
    "solved",
    "satisfied",
    "basically_satisfied",
    "evaluated",  # replies that got an evaluation (return visit or the citizen's own)
    "handled",  # replies whose handling time is known (the histogram's total)
    *HANDLING_BUCKETS,
)

# The kinds that can change a figure or the state the figures read.
COUNTED_KINDS = frozenset(
    {
        "received",
        "routed",
        "routing_pending",
        "rerouted",
        "dispatched",
        "transferred",
        "escalated",
        "joint_handling",
        "returned",
        "signed",
        "replied",
        "answered_at_once",
        "visited",
        "citizen_evaluated",
        "reopened",
        "extension_approved",
        "repeat_contact",
        "merged",
        "unmerged",
        "invalidated",
        "category_corrected",
        "clock_started",
        "clock_stopped",
        "clock_extended",
        "clock_recomputed",
        "sla_breached",
    }
)
# Rows that (may) hand the ticket to a unit; their payload names the new lead unit.
_RECEIPTS = frozenset(
    {
        "routed",
        "routing_pending",
        "rerouted",
        "dispatched",
        "transferred",
        "escalated",
        "joint_handling",
    }
)

# A bucket: (local day, unit kind, unit code, category code, channel, request type);
# "" where there is none (a ticket not yet with a unit, or not categorised). A bucket of
# unit kind PLACE counts where tickets were reported (the grid the point lies in), for the
# hotspots' map: app/stats/rollup.py keeps those apart from the units' figures.
Bucket = tuple[date, str, str, str, str, str]
PLACE = "place"
Count = tuple[Bucket, str, int]


@dataclass
class TicketState:
    """What the figures of a ticket's next row depend on."""

    channel: str
    request_type: str
    category: str
    unit: tuple[str, str] = ("", "")
    due: dict[str, str] = field(default_factory=dict)  # clock kind -> ISO deadline
    late: list[str] = field(default_factory=list)  # clocks that broke, this receipt/cycle
    receipt: list[str] | None = None  # [ISO day, unit kind, unit code, category]
    responded: bool = False
    evaluated: bool = False
    withdrawn: bool = False
    counted: list[list[Any]] = field(default_factory=list)  # [ISO day, kind, code, cat, n]

    def to_json(self) -> dict[str, Any]:
        return {
            "ch": self.channel,
            "rt": self.request_type,
            "c": self.category,
            "u": list(self.unit),
            "due": self.due,
            "late": self.late,
            "r": self.receipt,
            "rs": self.responded,
            "ev": self.evaluated,
            "w": self.withdrawn,
            "n": self.counted,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TicketState":
        return cls(
            channel=data["ch"],
            request_type=data["rt"],
            category=data["c"],
            unit=(data["u"][0], data["u"][1]),
            due=data["due"],
            late=data["late"],
            receipt=data["r"],
            responded=data["rs"],
            evaluated=data["ev"],
            withdrawn=data["w"],
            counted=data["n"],
        )


def local_day(at: datetime) -> date:
    return at.astimezone(STATS_ZONE).date()


def handling_bucket(seconds: float) -> str:
    hours = seconds / 3600
    for index, edge in enumerate(HANDLING_EDGES_HOURS):
        if hours < edge:
            return HANDLING_BUCKETS[index]
    return HANDLING_BUCKETS[-1]


def _clocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The clocks a clock row describes: a list of them, or itself."""
    listed = payload.get("clocks")
    if isinstance(listed, list):
        return listed
    return [payload] if "clock" in payload else []


def _unit_of(label: Any) -> tuple[str, str]:
    if isinstance(label, dict):
        return (str(label.get("kind") or ""), str(label.get("code") or ""))
    return ("", "")


class _Tally:
    """One row's counts, written as it reads them."""

    def __init__(self, state: TicketState, day: date) -> None:
        self.state = state
        self.day = day
        self.counts: list[Count] = []

    def add(
        self,
        counter: str,
        day: date | None = None,
        unit: tuple[str, str] | None = None,
        category: str | None = None,
        n: int = 1,
    ) -> None:
        state = self.state
        kind, code = unit if unit is not None else state.unit
        cat = state.category if category is None else category
        when = day or self.day
        bucket = (when, kind, code, cat, state.channel, state.request_type)
        self.counts.append((bucket, counter, n))
        state.counted.append([when.isoformat(), kind, code, cat, counter, n])


def _replay(state: TicketState, signs: int) -> list[Count]:
    """Everything the ticket counted for, times `signs` (-1 withdraws, 1 restores)."""
    return [
        (
            (date.fromisoformat(day), kind, code, cat, state.channel, state.request_type),
            counter,
            n * signs,
        )
        for day, kind, code, cat, counter, n in state.counted
    ]


def _in_time(state: TicketState, clock: str, at: datetime) -> bool:
    if clock in state.late:
        return False
    due = state.due.get(clock)
    return due is None or at <= datetime.fromisoformat(due)


def _respond(tally: _Tally, at: datetime) -> None:
    """A sign-for or a return answers the current receipt, on the receipt's day."""
    state = tally.state
    if state.receipt is None or state.responded:
        return
    state.responded = True
    if _in_time(state, "sign", at):
        day, kind, code, category = state.receipt
        tally.add("responded", date.fromisoformat(day), (kind, code), category)


def _receive(tally: _Tally, kind: str, payload: dict[str, Any]) -> None:
    state = tally.state
    if kind == "transferred" and state.unit[1]:
        tally.add("transferred")
    lead = _unit_of(payload.get("lead"))
    moved = lead != state.unit
    state.unit = lead
    if lead[1] and moved:
        state.receipt = [tally.day.isoformat(), lead[0], lead[1], state.category]
        state.responded = False
        state.late = [clock for clock in state.late if clock != "sign"]
        state.due.pop("sign", None)
        tally.add("assigned")


def _follow_clocks(state: TicketState, payload: dict[str, Any]) -> None:
    for clock in _clocks(payload):
        if clock.get("due_at"):
            state.due[str(clock.get("clock"))] = str(clock["due_at"])


def _breach(state: TicketState, payload: dict[str, Any]) -> bool:
    """Mark the clock late; True when it is the current one and was not late yet. A
    breach of the unit's clock settled as the ticket moves away comes after the new
    receipt: its deadline is not the current one, so the new receipt stays in time."""
    name = str(payload.get("clock"))
    if payload.get("due_at") != state.due.get(name) or name in state.late:
        return False
    state.late.append(name)
    return True


def _visit(tally: _Tally, payload: dict[str, Any]) -> None:
    tally.add("visited")
    if payload.get("solved"):
        tally.add("solved")
    if payload.get("satisfaction") == "satisfied":
        tally.add("satisfied")
    elif payload.get("satisfaction") == "basically_satisfied":
        tally.add("basically_satisfied")


def _evaluate(tally: _Tally) -> None:
    if not tally.state.evaluated:
        tally.state.evaluated = True
        tally.add("evaluated")


def _reply(tally: _Tally, at: datetime, payload: dict[str, Any]) -> None:
    state = tally.state
    tally.add("replied")
    if _in_time(state, "reply", at):
        tally.add("replied_on_time")
    seconds = payload.get("handling_business_s")
    if isinstance(seconds, int | float):
        tally.add("handled")
        tally.add(handling_bucket(seconds))


def apply(state: TicketState, kind: str, payload: dict[str, Any], at: datetime) -> list[Count]:
    """The counts one row of the ticket's timeline adds (negative ones withdraw), changing
    `state` to what the next row reads."""
    if kind == "merged" or kind == "invalidated":
        if state.withdrawn:
            return []
        state.withdrawn = True
        return _replay(state, -1)
    if kind == "unmerged":
        if not state.withdrawn:
            return []
        state.withdrawn = False
        return _replay(state, 1)
    tally = _Tally(state, local_day(at))
    if kind in ("clock_started", "clock_stopped", "clock_extended", "clock_recomputed"):
        _follow_clocks(state, payload)
        return []
    if kind == "sla_breached":
        if _breach(state, payload) and payload.get("clock") == "reply" and not state.withdrawn:
            tally.add("breached")
    elif kind == "category_corrected":
        state.category = str(payload.get("to") or "")
    elif state.withdrawn:
        # A merged or invalid ticket's own life no longer counts; its state still follows.
        if kind in _RECEIPTS or kind == "returned":
            state.unit = _unit_of(payload.get("lead"))
    elif kind == "received":
        tally.add("received")
        if payload.get("grid"):
            tally.add("received", unit=(PLACE, str(payload["grid"])))
    elif kind in _RECEIPTS:
        _receive(tally, kind, payload)
    elif kind == "returned":
        _respond(tally, at)
        tally.add("returned")
        state.unit = ("", "")
        state.receipt = None
    elif kind == "signed":
        _respond(tally, at)
    elif kind == "replied":
        _reply(tally, at, payload)
    elif kind == "answered_at_once":
        tally.add("answered_at_once")
    elif kind == "visited":
        _visit(tally, payload)
        _evaluate(tally)
    elif kind == "citizen_evaluated":
        _evaluate(tally)
    elif kind == "reopened":
        tally.add("reopened")
        state.evaluated = False
        state.late = [clock for clock in state.late if clock != "reply"]
        state.due.pop("reply", None)
    elif kind == "extension_approved":
        tally.add("extended")
    elif kind == "repeat_contact" and "earlier" in payload:
        tally.add("repeat_contacts")
    return tally.counts
