"""Taking an action on a ticket: who may, from which state, what it changes, which clocks
it starts and stops, and the event it writes, all in the caller's transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.categories.models import Category
from app.clock import utc_now
from app.dedup import service as dedup
from app.errors import Conflict, Forbidden, PreconditionFailed
from app.identity.principal import ClientPrincipal, Principal, StaffPrincipal
from app.identity.roles import UNIT_ROLES, Role
from app.kb import service as kb
from app.photos.kinds import UploadKind
from app.sla import clocks
from app.sla.catalogue import Catalogue
from app.sla.clocks import Unit
from app.sla.models import ExtensionRequest, TicketClock
from app.tickets import saving
from app.tickets import service as tickets
from app.tickets.events import answer_payload, record_event
from app.tickets.models import Ticket, TicketAssistingUnit
from app.tickets.service import UnitChoice
from app.units.models import Department, Grid
from app.vocabulary import (
    AttachmentRole,
    ClockKind,
    ClockState,
    EventKind,
    TicketStatus,
)
from app.workflow.machine import RULES, Action, Party, allowed_actions


@dataclass
class Act:
    """One action in progress: the ticket as loaded, who acts, and when."""

    session: Session
    ticket: Ticket
    principal: Principal
    catalogue: Catalogue
    now: datetime

    @property
    def actor(self) -> Any:
        return self.principal.actor

    def event(self, kind: EventKind, payload: dict[str, Any]) -> None:
        record_event(self.session, self.ticket, kind, self.actor, payload, at=self.now)


def load(session: Session, number: str, principal: Principal) -> Ticket:
    """The ticket with its clocks, as the principal may see it (404 otherwise). An
    integration sees only tickets of its own channels."""
    ticket = tickets.get_ticket(session, number, principal)
    # The sweeper skips locked clocks: while an action holds them, it settles their
    # warnings and breaches itself, from the clocks as they are now. (SQLite has one
    # writer at a time: what was read is what is there.)
    if session.get_bind().dialect.name != "sqlite":
        session.scalars(
            select(TicketClock)
            .where(TicketClock.ticket_id == ticket.id, TicketClock.state.in_(clocks.LIVE_STATES))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    return ticket


def parties(principal: Principal, ticket: Ticket) -> frozenset[Party]:
    if isinstance(principal, ClientPrincipal):
        return frozenset({Party.CHANNEL}) if ticket.channel in principal.channels else frozenset()
    found: set[Party] = set()
    if principal.is_dispatch_centre:
        found.add(Party.CENTRE)
    if principal.role is Role.SUPERVISOR:
        found.add(Party.SUPERVISOR)
    if tickets.handles(principal, ticket):
        found.add(Party.LEAD_UNIT)
    if _assists(principal, ticket):
        found.add(Party.ASSISTING)
    grid = ticket.assigned_grid or ticket.grid
    if (
        principal.role is Role.UNIT_HANDLER
        and principal.grid_path is not None
        and grid is not None
        and grid.path.startswith(principal.grid_path)
    ):
        found.add(Party.GRID_ABOVE)
    return frozenset(found)


def _assisting_rows(principal: StaffPrincipal, ticket: Ticket) -> list[TicketAssistingUnit]:
    """The ticket's assisting-unit rows that are the principal's unit (or below it)."""
    return [
        unit
        for unit in ticket.assisting_units
        if (principal.department_id is not None and unit.department_id == principal.department_id)
        or (
            principal.grid_path is not None
            and unit.grid is not None
            and unit.grid.path.startswith(principal.grid_path)
        )
    ]


def _assists(principal: StaffPrincipal, ticket: Ticket) -> bool:
    return principal.role in UNIT_ROLES and bool(_assisting_rows(principal, ticket))


def check(action: Action, ticket: Ticket, principal: Principal, if_match: int | None) -> None:
    """403 when the principal has no part in this action on this ticket, 412 when the
    client's version is stale, 409 when the ticket's state does not allow it."""
    rule = RULES[action]
    who = parties(principal, ticket)
    if not rule.parties & who:
        names = ", ".join(sorted(rule.parties))
        raise Forbidden(f"Only {names} may {action} this ticket.", action=action)
    if if_match is not None and if_match != ticket.version:
        raise PreconditionFailed(
            f"The ticket is at version {ticket.version}, not {if_match}: someone changed "
            "it meanwhile. Read it again and decide anew.",
            current_version=ticket.version,
        )
    if ticket.status not in rule.sources:
        session = Session.object_session(ticket)
        assert session is not None  # a ticket the request loaded
        allowed = offered_actions(session, ticket, principal)
        raise Conflict(
            f"A {ticket.status} ticket cannot {action}; "
            + (f"you may: {', '.join(allowed)}." if allowed else "you have nothing to do on it."),
            ticket_status=ticket.status,
            allowed_actions=allowed,
        )


def finish(act: Act, status: TicketStatus | None) -> None:
    """Set the new status, copy the deadlines onto the ticket and write the row, failing
    with 409 when another action changed the ticket since it was read."""
    ticket = act.ticket
    if status is not None:
        ticket.status = status
    tickets.mark_changed(act.session, ticket, act.now)
    try:
        if clocks.refresh_deadlines(act.session, ticket):
            _withdraw_stale_extension_requests(act)
        saving.save(act.session, ticket)
        act.session.flush()  # what else the action changed: clocks, attachments, requests
    except StaleDataError as error:
        raise Conflict(
            "Another action changed this ticket at the same moment; read it again.",
        ) from error


def _withdraw_stale_extension_requests(act: Act) -> None:
    """A request waits only while its deadline runs: a reply, a transfer or a reopen ends it."""
    live_ids = [clock.id for clock in clocks.live(act.ticket)]
    act.session.execute(
        update(ExtensionRequest)
        .where(
            ExtensionRequest.ticket_id == act.ticket.id,
            ExtensionRequest.status == "pending",
            ExtensionRequest.clock_id.not_in(live_ids),
        )
        .values(status="withdrawn", decided_at=act.now)
        .execution_options(synchronize_session=False)
    )


def _unit_of(ticket: Ticket) -> Unit:
    return Unit(ticket.assigned_department_id, ticket.assigned_grid_id)


def hand_to_unit(act: Act, choice: UnitChoice, kind: EventKind, payload: dict[str, Any]) -> None:
    """Give the ticket to a (new) lead unit; its clocks follow (`clocks.move_to_unit`)."""
    tickets.assign(
        act.session,
        act.ticket,
        choice,
        act.actor,
        kind,
        payload,
        catalogue=act.catalogue,
        now=act.now,
    )


def dispatch(act: Act, choice: UnitChoice, note: str | None, category: Category | None) -> None:
    """To the chosen unit, once the ticket has a category (`category`, when given, is
    set first)."""
    if category is not None and category.id != act.ticket.category_id:
        tickets.set_category(act.session, act.ticket, category, act.actor, "named at dispatch")
    tickets.require_category(act.ticket, "dispatch")
    hand_to_unit(act, choice, EventKind.DISPATCHED, {"note": note})


def sign(act: Act, note: str | None) -> None:
    clocks.stop(act.session, act.ticket, [ClockKind.SIGN], act.now, act.actor)
    act.event(EventKind.SIGNED, {"note": note})


def return_ticket(act: Act, reason: str) -> None:
    """Back to the centre, within the return window only: later, the unit asks for a
    transfer. The citizen's reply clock keeps running; the centre gets a dispatch clock."""
    window = clocks.live(act.ticket, [ClockKind.RETURN_WINDOW])
    if window and window[0].due_at is not None and window[0].due_at <= act.now:
        allowed = offered_actions(act.session, act.ticket, act.principal)
        raise Conflict(
            f"The return window closed at {window[0].due_at.isoformat()}; ask the dispatch "
            "centre to transfer the ticket instead.",
            ticket_status=act.ticket.status,
            allowed_actions=[action for action in allowed if action is not Action.RETURN],
        )
    tickets.assign(
        act.session,
        act.ticket,
        UnitChoice(None, None),
        act.actor,
        EventKind.RETURNED,
        {"reason": reason},
        catalogue=act.catalogue,
        status=TicketStatus.RETURNED,
        now=act.now,
    )


def transfer(act: Act, choice: UnitChoice, reason: str) -> None:
    """The centre transfers anywhere; a street's or community's staff only to a grid of
    their own, and a department asks the centre (or returns the ticket)."""
    principal = act.principal
    if isinstance(principal, StaffPrincipal) and not principal.is_dispatch_centre:
        if choice.grid_id is None or principal.grid_path is None:
            raise Forbidden("A unit transfers only to a grid below its own; ask the centre.")
        target = act.session.get_one(Grid, choice.grid_id)
        if not target.path.startswith(principal.grid_path) or target.path == principal.grid_path:
            raise Forbidden("A unit transfers only to a grid below its own; ask the centre.")
    hand_to_unit(act, choice, EventKind.TRANSFERRED, {"reason": reason})


def escalate(act: Act, reason: str, escalation_department: str) -> None:
    """To the grid above; from a street or a department, to the district office (doudi)."""
    ticket = act.ticket
    above: UnitChoice | None = None
    if ticket.assigned_grid is not None and ticket.assigned_grid.parent_id is not None:
        above = UnitChoice(None, ticket.assigned_grid.parent_id)
    else:
        department = act.session.scalars(
            select(Department).where(Department.code == escalation_department)
        ).one_or_none()
        if department is not None and department.id != ticket.assigned_department_id:
            above = UnitChoice(department.id, None)
    if above is None:
        raise Conflict(
            "There is no unit above this one to escalate to.", ticket_status=ticket.status
        )
    hand_to_unit(act, above, EventKind.ESCALATED, {"reason": reason})


def joint_handling(act: Act, choice: UnitChoice, reason: str) -> None:
    """A lead unit and assisting departments. When the lead stays, a signed ticket stays
    signed and only the assisting units change."""
    ticket = act.ticket
    same_lead = (choice.department_id, choice.grid_id) == (
        ticket.assigned_department_id,
        ticket.assigned_grid_id,
    )
    payload = {"reason": reason}
    if same_lead:
        tickets.assign(
            act.session,
            ticket,
            choice,
            act.actor,
            EventKind.JOINT_HANDLING,
            payload,
            catalogue=act.catalogue,
            status=TicketStatus(ticket.status) if ticket.status != TicketStatus.NEW else None,
            now=act.now,
        )
    else:
        hand_to_unit(act, choice, EventKind.JOINT_HANDLING, payload)


def _handling_payload(act: Act) -> dict[str, Any]:
    """Business time from intake to this reply, on the reply deadline's calendar, for the
    statistics' handling-time figures (nothing when no reply deadline runs)."""
    live = clocks.live(act.ticket, [ClockKind.REPLY])
    calendar = act.catalogue.calendars.get(live[0].calendar_id) if live else None
    if calendar is None:
        return {}
    elapsed = calendar.between(act.ticket.created_at, act.now)
    return {"handling_business_s": round(elapsed.total_seconds())}


@dataclass(frozen=True)
class Evidence:
    """Staff's uploads listed with an action, by id: photos (POST /photos) and files
    (POST /files)."""

    photos: Sequence[str] = ()
    files: Sequence[str] = ()


def _attach(
    act: Act, evidence: Evidence, role: AttachmentRole, *, photos_public: bool, files_public: bool
) -> dict[str, list[str]]:
    """Attach the evidence to the ticket; what its event says of it (the lists not empty)."""
    listed = {}
    for field, kind, ids, public in (
        ("photos", UploadKind.PHOTO, evidence.photos, photos_public),
        ("files", UploadKind.FILE, evidence.files, files_public),
    ):
        attached = tickets.attach_uploads(act.session, act.ticket, ids, kind, role, public, act.now)
        if attached:
            listed[field] = attached
    return listed


def reply(
    act: Act, text: str, evidence: Evidence, *, photos_public: bool, files_public: bool
) -> None:
    """The unit's reply, with the photos and files that show what was done: the citizen's
    view shows the text and those of them made public."""
    handling = _handling_payload(act)
    clocks.stop(act.session, act.ticket, [ClockKind.REPLY], act.now, act.actor)
    clocks.stop(
        act.session, act.ticket, [ClockKind.RETURN_WINDOW], act.now, act.actor, ClockState.CANCELLED
    )
    act.ticket.reply_text = text
    act.ticket.reply_kb_article = None
    attached = _attach(
        act, evidence, AttachmentRole.REPLY, photos_public=photos_public, files_public=files_public
    )
    act.event(EventKind.REPLIED, {"reply": text} | attached | handling)
    dedup.follow_parent(act.session, act.ticket, EventKind.REPLIED, act.actor, act.now)


def answer_at_once(act: Act, text: str, kb_article: str | None, timezone: str) -> None:
    """A consultation the agent answered during the call: replied without a unit. A ticket
    that intake routed but no unit signed for yet is taken back from that unit. A cited
    knowledge-base article must be in force, and the citation is counted."""
    ticket = act.ticket
    if kb_article is not None:
        article = kb.cite(act.session, kb_article, timezone, field="kb_article")
        kb.record_citation(act.session, article, ticket_id=ticket.id, at=act.now)
    clocks.stop(act.session, ticket, [ClockKind.DISPATCH, ClockKind.REPLY], act.now, act.actor)
    clocks.stop(act.session, ticket, clocks.UNIT_CLOCKS, act.now, act.actor, ClockState.CANCELLED)
    ticket.reply_text = text
    ticket.reply_kb_article = kb_article
    payload = answer_payload(text, kb_article)
    if ticket.status == TicketStatus.DISPATCHED:
        tickets.assign(
            act.session,
            ticket,
            UnitChoice(None, None),
            act.actor,
            EventKind.ANSWERED_AT_ONCE,
            payload,
            catalogue=None,
            status=TicketStatus.REPLIED,
            now=act.now,
        )
    else:
        act.event(EventKind.ANSWERED_AT_ONCE, payload)
    dedup.follow_parent(act.session, act.ticket, EventKind.ANSWERED_AT_ONCE, act.actor, act.now)


def return_visit(
    act: Act, satisfaction: str, solved: bool, note: str | None, evidence: Evidence
) -> None:
    """Every reporter gets a visit of their own, a merged ticket's too, once the ticket
    it was merged into has been replied to. Its photos and files are for staff only."""
    if act.ticket.status == TicketStatus.MERGED and act.ticket.reply_text is None:
        raise Conflict(
            "The ticket it was merged into has not been replied to yet.",
            ticket_status=act.ticket.status,
        )
    attached = _attach(act, evidence, AttachmentRole.VISIT, photos_public=False, files_public=False)
    payload = {"satisfaction": satisfaction, "solved": solved, "note": note}
    act.event(EventKind.VISITED, payload | attached)


def note(act: Act, text: str, public: bool, evidence: Evidence, part_done: bool) -> None:
    """A progress note of a unit with a part in the ticket (or the centre), internal or
    for the citizen to read, with its photos and files; an assisting unit may say with it that its
    part is done (`part_done`), which the lead unit sees on the ticket."""
    principal = act.principal
    done_rows: list[TicketAssistingUnit] = []
    if part_done:
        if not isinstance(principal, StaffPrincipal) or not _assists(principal, act.ticket):
            raise Forbidden("Only an assisting unit marks its part of the handling done.")
        done_rows = [row for row in _assisting_rows(principal, act.ticket) if row.done_at is None]
        if not done_rows:
            raise Conflict("Your unit's part is marked done already.")
    attached = _attach(
        act, evidence, AttachmentRole.NOTE, photos_public=public, files_public=public
    )
    kind = EventKind.PUBLIC_NOTE_ADDED if public else EventKind.NOTE_ADDED
    act.event(kind, {"text": text} | attached)
    for row in done_rows:
        row.done_at = act.now
        unit = row.department or row.grid
        assert unit is not None
        act.event(EventKind.ASSIST_DONE, {"unit": unit.code, "note": text})


def close(act: Act, note: str | None) -> None:
    tickets.require_category(act.ticket, "close")
    if act.ticket.status == TicketStatus.REPLIED and not note:
        raise Conflict(
            "The citizen has not been visited back: say why the ticket closes without a "
            "return visit (note).",
            ticket_status=act.ticket.status,
            allowed_actions=[Action.RETURN_VISIT, Action.REOPEN],
        )
    clocks.stop(
        act.session,
        act.ticket,
        list(ClockKind),
        act.now,
        act.actor,
        ClockState.CANCELLED,
    )
    act.event(EventKind.CLOSED, {"note": note})
    dedup.follow_parent(act.session, act.ticket, EventKind.CLOSED, act.actor, act.now)


def reopen(act: Act, reason: str) -> None:
    """A new handling cycle with the same lead unit, and clocks of its own."""
    ticket = act.ticket
    if ticket.assigned_department_id is None and ticket.assigned_grid_id is None:
        raise Conflict(
            "The ticket was answered without a unit; file a new ticket for the problem.",
            ticket_status=ticket.status,
        )
    ticket.cycle += 1
    ticket.reply_text = None  # the reply that did not satisfy stays on the timeline
    ticket.reply_kb_article = None
    act.event(EventKind.REOPENED, {"reason": reason, "cycle": ticket.cycle})
    dedup.follow_parent(act.session, ticket, EventKind.REOPENED, act.actor, act.now)
    clocks.start(
        act.session,
        ticket,
        (*clocks.UNIT_CLOCKS, ClockKind.REPLY),
        act.catalogue,
        act.now,
        act.actor,
        _unit_of(ticket),
    )


def _reply_clock(act: Act) -> TicketClock:
    live = clocks.live(act.ticket, [ClockKind.REPLY])
    if not live:
        raise Conflict(
            "The ticket has no reply deadline to extend.", ticket_status=act.ticket.status
        )
    return live[0]


def offered_actions(session: Session, ticket: Ticket, principal: Principal) -> list[Action]:
    """What `principal` may do to `ticket` now: the state machine's actions for its status
    and the principal's parts, less a decision on an extension nobody asked for."""
    offered = allowed_actions(ticket.status, parties(principal, ticket))
    if Action.DECIDE_EXTENSION in offered and not _extension_pending(session, ticket):
        offered.remove(Action.DECIDE_EXTENSION)
    return offered


_REQUESTS: Table = ExtensionRequest.__table__  # type: ignore[assignment]
# Built once, one column on the connection: every answer with a ticket's detail to the
# centre asks it, and as an ORM query it cost as much as the action itself.
_A_PENDING_REQUEST = (
    select(_REQUESTS.c.id)
    .where(
        _REQUESTS.c.ticket_id == bindparam("ticket"),
        _REQUESTS.c.status == "pending",
        _REQUESTS.c.clock_id.in_(bindparam("clocks", expanding=True)),
    )
    .limit(1)
)


def _pending_request_id(session: Session, ticket: Ticket) -> int | None:
    """The request waiting for a deadline that still runs, if any."""
    live_ids = [clock.id for clock in clocks.live(ticket)]
    if not live_ids:
        return None
    found = session.connection().execute(
        _A_PENDING_REQUEST, {"ticket": ticket.id, "clocks": live_ids}
    )
    return found.scalar()


def _extension_pending(session: Session, ticket: Ticket) -> bool:
    return _pending_request_id(session, ticket) is not None


def _pending_extension(session: Session, ticket: Ticket) -> ExtensionRequest | None:
    request_id = _pending_request_id(session, ticket)
    return None if request_id is None else session.get(ExtensionRequest, request_id)


def request_extension(act: Act, working_days: int, reason: str) -> None:
    """Before the deadline only, one pending request at a time, and never past the
    policy's maximum in all."""
    clock = _reply_clock(act)
    passed = clock.breached_at is not None or (
        clock.due_at <= act.now if clock.due_at is not None else not clock.remaining_us
    )
    if passed:
        raise Conflict(
            "The reply deadline passed: an extension must be asked for before the deadline.",
            ticket_status=act.ticket.status,
        )
    if _extension_pending(act.session, act.ticket):
        raise Conflict("An extension request is already waiting for the centre's decision.")
    policy = next((p for p in act.catalogue.policies if p.id == clock.policy_id), None)
    allowance = policy.max_extension_days if policy else 0
    if clock.extended_days + working_days > allowance:
        raise Conflict(
            f"At most {allowance} working days of extension in all; "
            f"{clock.extended_days} already given.",
            max_extension_days=allowance,
        )
    request = ExtensionRequest(
        ticket_id=act.ticket.id,
        clock_id=clock.id,
        working_days=working_days,
        reason=reason,
        status="pending",
        requested_by=act.actor.ref,
        requested_at=act.now,
    )
    act.session.add(request)
    act.event(EventKind.EXTENSION_REQUESTED, {"working_days": working_days, "reason": reason})


def decide_extension(act: Act, approve: bool, note: str | None) -> None:
    request = _pending_extension(act.session, act.ticket)
    if request is None:
        raise Conflict("No extension request is waiting for a decision.")
    request.status = "approved" if approve else "rejected"
    request.decided_by = act.actor.ref
    request.decided_at = act.now
    request.decision_note = note
    payload = {"working_days": request.working_days, "note": note}
    if not approve:
        act.event(EventKind.EXTENSION_REJECTED, payload)
        return
    act.event(EventKind.EXTENSION_APPROVED, payload)
    clock = next((c for c in clocks.live(act.ticket) if c.id == request.clock_id), None)
    if clock is None:
        raise Conflict("The deadline this extension was for no longer runs.")
    if clock.state == ClockState.PAUSED:
        clock.remaining_us = (clock.remaining_us or 0) + _working_days_us(act, clock, request)
        clock.extended_days += request.working_days
        act.event(EventKind.CLOCK_EXTENDED, clocks.describe(clock) | payload)
        return
    clocks.extend(
        act.session, act.ticket, clock, request.working_days, act.catalogue, act.now, act.actor
    )


def _working_days_us(act: Act, clock: TicketClock, request: ExtensionRequest) -> int:
    calendar = act.catalogue.calendars[clock.calendar_id]
    return (clocks.working_day(calendar) * request.working_days) // timedelta(microseconds=1)


def suspend(act: Act, reason: str) -> None:
    clocks.pause(act.session, act.ticket, act.catalogue, act.now, act.actor)
    act.event(EventKind.SUSPENDED, {"reason": reason})


def resume(act: Act, note: str | None) -> None:
    clocks.resume(act.session, act.ticket, act.catalogue, act.now, act.actor)
    act.event(EventKind.RESUMED, {"note": note})


def urge(act: Act, note: str) -> None:
    act.ticket.urge_count += 1
    act.event(EventKind.URGED, {"note": note, "count": act.ticket.urge_count})


def supervise(act: Act, note: str) -> None:
    if act.ticket.is_supervised:
        raise Conflict("The ticket is under supervision already; urge it instead.")
    act.ticket.is_supervised = True
    act.event(EventKind.SUPERVISED, {"note": note})


def invalidate(act: Act, reason: str, note: str | None) -> None:
    clocks.stop(act.session, act.ticket, list(ClockKind), act.now, act.actor, ClockState.CANCELLED)
    tickets.forget_units(act.session, act.ticket)
    act.event(EventKind.INVALIDATED, {"reason": reason, "note": note})


def begin(session: Session, ticket: Ticket, principal: Principal, catalogue: Catalogue) -> Act:
    act = Act(session, ticket, principal, catalogue, utc_now())
    tickets.mark_changed(session, ticket, act.now)
    return act
