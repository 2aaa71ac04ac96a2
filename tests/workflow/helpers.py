"""Shared steps of the workflow tests: file a ticket, take an action, read its clocks."""

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.sla.models import TicketClock
from app.tickets.models import Ticket
from tests import factories

TICKETS = "/api/v1/tickets"
PROBLEM_JSON = "application/problem+json"
Auth = dict[str, dict[str, str]]
Json = dict[str, Any]
LIVE = ("running", "paused")
# Text no rule or keyword can place: such a ticket waits, new, for the dispatch centre.
VAGUE = "你好，我想咨询一下相关情况"


def file_ticket(client: httpx.Client, body: Json) -> Json:
    """File with the client's own credentials (the dispatcher's, in these tests); the ticket
    as it then reads it. Any httpx client: the app in the test's transaction, or a live
    server."""
    response = client.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    return read(client, response.json()["number"])


def department_ticket(client: httpx.Client) -> Json:
    """A street-light call the rules send to urban management (the "urban" account)."""
    ticket = file_ticket(client, factories.hotline_12345())
    assert ticket["status"] == "dispatched"
    assert ticket["assigned_unit"]["code"] == "urban_management"
    return ticket


def unrouted_ticket(client: httpx.Client) -> Json:
    """A vague hotline consultation with no category or point: new, no unit, the centre's
    dispatch clock running."""
    body = factories.hotline_12345(
        category_code=None, request_type="consultation", description=VAGUE, location=None
    )
    ticket = file_ticket(client, body)
    assert ticket["status"] == "new"
    assert ticket["assigned_unit"] is None
    return ticket


def read(client: httpx.Client, number: str, headers: dict[str, str] | None = None) -> Json:
    response = client.get(f"{TICKETS}/{number}", headers=headers)
    assert response.status_code == 200, response.text
    ticket: Json = response.json()
    return ticket


def act(
    client: httpx.Client,
    number: str,
    action: str,
    body: Json | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return client.post(f"{TICKETS}/{number}/{action}", json=body or {}, headers=headers)


def done(
    client: httpx.Client,
    number: str,
    action: str,
    body: Json | None = None,
    headers: dict[str, str] | None = None,
) -> Json:
    """The action, which must succeed; the ticket as the answer shows it."""
    response = act(client, number, action, body, headers)
    assert response.status_code == 200, response.text
    ticket: Json = response.json()
    return ticket


def clocks_of(ticket: Json, kind: str) -> list[Json]:
    return [clock for clock in ticket["clocks"] if clock["clock"] == kind]


def live_clock(ticket: Json, kind: str) -> Json:
    """The one running or paused clock of `kind`."""
    [clock] = [clock for clock in clocks_of(ticket, kind) if clock["state"] in LIVE]
    return clock


def live_kinds(ticket: Json) -> set[str]:
    return {clock["clock"] for clock in ticket["clocks"] if clock["state"] in LIVE}


def kinds(ticket: Json) -> list[str]:
    return [event["kind"] for event in ticket["timeline"]]


def events(ticket: Json, kind: str) -> list[Json]:
    return [event for event in ticket["timeline"] if event["kind"] == kind]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def move_clock(session: Session, number: str, kind: str, **values: Any) -> None:
    """Rewrite the ticket's live clock of `kind` (its deadline, say), committed so the app
    sees it."""
    ticket_id = select(Ticket.id).where(Ticket.number == number).scalar_subquery()
    result = session.execute(
        update(TicketClock)
        .where(
            TicketClock.ticket_id == ticket_id,
            TicketClock.kind == kind,
            TicketClock.state.in_(LIVE),
        )
        .values(**values)
    )
    assert result.rowcount == 1  # type: ignore[attr-defined]
    session.commit()
