"""Writing a ticket's timeline: one append-only row per thing that happened."""

from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.driver_sql import DriverStatement
from app.identity.actors import Actor
from app.tickets.models import Ticket, TicketEvent
from app.vocabulary import EventKind

_EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
# Built once, run on the session's connection: intake writes two or three per ticket.
_INSERT_EVENT = DriverStatement(insert(_EVENTS))


def event_row(
    ticket_id: int,
    kind: EventKind,
    actor: Actor,
    payload: dict[str, Any],
    at: datetime,
    channel: str | None = None,
) -> dict[str, Any]:
    """One timeline row, for writing many at once."""
    return {
        "ticket_id": ticket_id,
        "kind": kind,
        "actor_kind": actor.kind,
        "actor_ref": actor.ref,
        "channel": channel,
        "payload": payload,
        "created_at": at,
    }


def answer_payload(reply: str, kb_article: str | None) -> dict[str, Any]:
    """What an answer given during the call puts on the timeline: the answer, and the
    knowledge-base article it came from (`kb_article`, an id) when the agent named one."""
    payload: dict[str, Any] = {"reply": reply}
    if kb_article is not None:
        payload["kb_article"] = kb_article
    return payload


def record_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append `event_row`s in the caller's transaction: every timeline row is written here.
    The statistics count them once they are in the feed (app/stats/follower.py)."""
    if rows:
        _INSERT_EVENT.execute(session.connection(), rows)


def ticket_event_row(
    ticket: Ticket, kind: EventKind, actor: Actor, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """`ticket`'s timeline row; an integration's own events carry its channel."""
    channel = ticket.channel if actor.kind == "client" else None
    return event_row(ticket.id, kind, actor, payload, at, channel)


def record_event(
    session: Session,
    ticket: Ticket,
    kind: EventKind,
    actor: Actor,
    payload: dict[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    """Append one line to the ticket's timeline, in the caller's transaction."""
    record_events(session, [ticket_event_row(ticket, kind, actor, payload, at or utc_now())])
