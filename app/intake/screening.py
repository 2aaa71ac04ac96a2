"""Intake's duplicate screening, in two steps around the ticket's write: merge a new ticket
at once when it is surely an open ticket's problem again, flag the likely ones for a
dispatcher, and treat a repeat contact about a closed ticket by the city's rule (a new
linked ticket, or a reopen)."""

from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.dedup import service
from app.dedup.service import Candidate
from app.identity.actors import SYSTEM
from app.identity.principal import Principal
from app.intake.write import ParentRef
from app.routing.service import CategoryInfo
from app.sla.catalogue import Catalogue
from app.tickets import service as tickets
from app.tickets.events import record_event, record_events, ticket_event_row
from app.tickets.models import Ticket
from app.vocabulary import OPEN_STATUSES, EventKind, TicketStatus
from app.workflow import service as workflow

# A dispatcher weighs a handful of suggestions, not a crowd: the best ones are kept.
MAX_SUGGESTED = 5


def _listed(candidates: list[Candidate]) -> list[dict[str, Any]]:
    return [
        {"number": c.number, "score": c.match.score, "reasons": c.match.reasons} for c in candidates
    ]


class Screening:
    """One new ticket's duplicate search, in two steps around its insert: `merge_into`
    before (so a sure duplicate of an open ticket is written merged, and never gets clocks
    of its own), `settle` after (the events, the suggestions, a repeat contact)."""

    def __init__(
        self,
        session: Session,
        principal: Principal,
        categories: dict[int, CategoryInfo],
        catalogue: Catalogue,
        settings: Settings,
    ) -> None:
        self._session = session
        self._principal = principal
        self._categories = categories
        self._catalogue = catalogue
        self._settings = settings
        self._config = service.dedup_settings(settings)
        self._likely: list[Candidate] = []
        self._merged_into: Candidate | None = None
        # A call answered at once is settled already: its likely duplicates are suggested,
        # never merged into or reopened for it.
        self._only_suggest = False

    def merge_into(self, ticket: Ticket) -> ParentRef | None:
        found = service.find(self._session, ticket, self._categories, self._config)
        self._likely = [c for c in found if c.match.score >= self._config.flag_score]
        self._likely = self._likely[:MAX_SUGGESTED]
        best = self._likely[0] if self._likely else None
        self._only_suggest = ticket.status == TicketStatus.REPLIED
        if best is None or best.match.score < self._config.merge_score or self._only_suggest:
            return None
        if best.status not in OPEN_STATUSES:
            return None  # a repeat contact: `settle` applies the city's rule
        self._merged_into = best
        return ParentRef(best.ticket_id, best.number, best.reply_text)

    def settle(self, ticket: Ticket) -> Ticket | None:
        """Record what `merge_into` found, now that `ticket` is written; the ticket as
        merged afterwards (into the closed ticket it reopened), when it was, for the
        answer."""
        if not self._likely:
            return None
        session, now, best = self._session, ticket.created_at, self._likely[0]
        if self._merged_into is not None:
            service.record_candidates(session, ticket, [best], "merged", now, decided_by=SYSTEM)
            service.record_candidates(session, ticket, self._likely[1:], "suggested", now)
            service.record_merge(
                session, ticket, best.ticket_id, best.number, SYSTEM, now, match_=best.match
            )
            return None
        if best.match.score < self._config.merge_score or self._only_suggest:
            service.record_candidates(session, ticket, self._likely, "suggested", now)
            record_event(
                session,
                ticket,
                EventKind.DUPLICATE_SUSPECTED,
                SYSTEM,
                {"candidates": _listed(self._likely)},
                at=now,
            )
            return None
        service.record_candidates(session, ticket, self._likely[1:], "suggested", now)
        parent = tickets.get_ticket_unscoped(session, best.number)
        assert parent is not None
        if not self._reopened(parent):
            _link(session, ticket, parent, best, now)
            return None
        child = tickets.get_ticket_unscoped(session, ticket.number)
        assert child is not None
        service.merge(session, child, parent, self._principal.actor, now, match_=best.match)
        child.parent = parent
        return child

    def _reopened(self, parent: Ticket) -> bool:
        """Reopen the closed ticket for the repeat contact, when the city's rule says so
        and a unit handled it (one answered at once has none to send it back to)."""
        handled = parent.assigned_department_id is not None or parent.assigned_grid_id is not None
        if self._settings.repeat_after_close != "reopen" or not handled:
            return False
        act = workflow.begin(self._session, parent, self._principal, self._catalogue)
        workflow.reopen(act, "the problem was reported again after the ticket was closed")
        workflow.finish(act, TicketStatus.DISPATCHED)
        return True


def _link(session: Session, ticket: Ticket, parent: Ticket, best: Candidate, now: Any) -> None:
    """A new ticket of its own, linked to the closed one: the problem came back."""
    service.record_candidates(session, ticket, [best], "linked", now)
    details = {"score": best.match.score, "reasons": best.match.reasons}
    repeat = EventKind.REPEAT_CONTACT
    record_events(
        session,
        [
            ticket_event_row(ticket, repeat, SYSTEM, {"earlier": parent.number} | details, now),
            ticket_event_row(parent, repeat, SYSTEM, {"later": ticket.number} | details, now),
        ],
    )
