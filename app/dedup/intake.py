"""What intake does with a new ticket's duplicates: merge it at once when it is surely an
open ticket's problem again, flag the likely ones for a dispatcher, and treat a repeat
contact about a closed ticket by the city's rule (a new linked ticket, or a reopen)."""

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.auth.actors import SYSTEM
from app.auth.principal import Principal
from app.config import Settings
from app.dedup import service
from app.dedup.service import Candidate
from app.routing.service import CategoryInfo
from app.sla.catalogue import Catalogue
from app.tickets import service as tickets
from app.tickets.events import record_event
from app.tickets.models import Ticket
from app.tickets.vocabulary import OPEN_STATUSES, EventKind, TicketStatus
from app.workflow import service as workflow

# A dispatcher weighs a handful of suggestions, not a crowd: the best ones are kept.
MAX_SUGGESTED = 5


def dedup_settings(settings: Settings) -> service.Settings:
    return service.Settings(
        default_radius_m=settings.dedup_radius_m,
        window=timedelta(days=settings.dedup_window_days),
        merge_score=settings.dedup_merge_score if settings.dedup_auto_merge else float("inf"),
        flag_score=settings.dedup_flag_score,
    )


def _listed(candidates: list[Candidate]) -> list[dict[str, Any]]:
    return [
        {"number": c.number, "score": c.match.score, "reasons": c.match.reasons} for c in candidates
    ]


def after_intake(
    session: Session,
    ticket: Ticket,
    principal: Principal,
    categories: dict[int, CategoryInfo],
    catalogue: Catalogue,
    settings: Settings,
) -> Ticket | None:
    """Look for the new ticket's duplicates and act on them; the ticket as merged, when
    it was (the answer shows that), else None."""
    config = dedup_settings(settings)
    found = service.find(session, ticket, categories, config)
    likely = [c for c in found if c.match.score >= config.flag_score][:MAX_SUGGESTED]
    if not likely:
        return None
    best, now = likely[0], ticket.created_at
    if best.match.score < config.merge_score:
        service.record_candidates(session, ticket, likely, "suggested", now)
        record_event(
            session,
            ticket,
            EventKind.DUPLICATE_SUSPECTED,
            SYSTEM,
            {"candidates": _listed(likely)},
            at=now,
        )
        return None
    service.record_candidates(session, ticket, likely[1:], "suggested", now)
    parent = tickets.get_ticket_unscoped(session, best.number)
    assert parent is not None
    if best.status not in OPEN_STATUSES and not _reopened(
        session, parent, principal, catalogue, settings
    ):
        _link(session, ticket, parent, best, now)
        return None
    child = tickets.get_ticket_unscoped(session, ticket.number)
    assert child is not None
    service.merge(session, child, parent, principal.actor, now, match_=best.match)
    child.parent = parent
    return child


def _reopened(
    session: Session,
    parent: Ticket,
    principal: Principal,
    catalogue: Catalogue,
    settings: Settings,
) -> bool:
    """Reopen the closed ticket for the repeat contact, when the city's rule says so and
    a unit handled it (one answered at once has none to send it back to)."""
    handled = parent.assigned_department_id is not None or parent.assigned_grid_id is not None
    if settings.repeat_after_close != "reopen" or not handled:
        return False
    act = workflow.begin(session, parent, principal, catalogue)
    workflow.reopen(act, "the problem was reported again after the ticket was closed")
    workflow.finish(act, TicketStatus.DISPATCHED)
    return True


def _link(session: Session, ticket: Ticket, parent: Ticket, best: Candidate, now: Any) -> None:
    """A new ticket of its own, linked to the closed one: the problem came back."""
    service.record_candidates(session, ticket, [best], "linked", now)
    details = {"score": best.match.score, "reasons": best.match.reasons}
    record_event(
        session,
        ticket,
        EventKind.REPEAT_CONTACT,
        SYSTEM,
        {"earlier": parent.number} | details,
        at=now,
    )
    record_event(
        session,
        parent,
        EventKind.REPEAT_CONTACT,
        SYSTEM,
        {"later": ticket.number} | details,
        at=now,
    )
