"""The event feed: one stable order, a cursor that never misses or repeats an event (also
while transactions commit out of id order), scoped and masked as the ticket views."""

import random
import threading
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.db import create_session_factory
from app.events import service as feed
from app.identity.actors import SYSTEM
from app.tickets.events import event_row, record_events
from app.tickets.models import Ticket, TicketEvent
from app.vocabulary import EventKind
from tests import factories
from tests.workflow.helpers import VAGUE, department_ticket, done

EVENTS = "/api/v1/events"
TICKETS = "/api/v1/tickets"
Json = dict[str, Any]


def _feed(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> Json:
    response = client.get(EVENTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: Json = response.json()
    return page


def _all(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> list[Json]:
    """Every event the caller may see, following the cursor page by page."""
    events: list[Json] = []
    after = "0"
    while True:
        page = _feed(client, headers, after=after, limit=3, **params)
        events += page["events"]
        if not page["events"]:
            return events
        after = page["next_cursor"]


def _of(events: list[Json], number: str) -> list[str]:
    return [event["type"] for event in events if event["data"]["ticket"]["number"] == number]


def test_a_ticket_s_life_reads_in_order_and_the_cursor_goes_on_from_there(
    client: TestClient,
) -> None:
    ticket = department_ticket(client)
    number = ticket["number"]
    done(client, number, "urge", {"note": "请尽快"})

    events = _all(client)

    assert _of(events, number) == ["ticket.created", "ticket.routed", "ticket.urged"]
    assert [int(event["id"]) for event in events] == sorted(int(e["id"]) for e in events)
    created = next(event for event in events if event["data"]["ticket"]["number"] == number)
    assert created["data"]["ticket"]["channel"] == "hotline_12345"
    assert created["data"]["kind"] == "received"
    head = _feed(client, after="0", limit=1000)["next_cursor"]
    assert _feed(client, after=head)["events"] == []

    done(client, number, "supervise", {"note": "督办"})
    later = _feed(client, after=head)
    assert [event["type"] for event in later["events"]] == ["ticket.supervised"]
    assert _feed(client, after=later["next_cursor"])["events"] == []


def test_types_filter_the_feed_and_unknown_types_are_422(client: TestClient) -> None:
    number = department_ticket(client)["number"]
    done(client, number, "urge", {"note": "请尽快"})

    urged = _all(client, types=["ticket.urged", "ticket.sla_breached"])
    assert _of(urged, number) == ["ticket.urged"]

    response = client.get(EVENTS, params={"types": ["ticket.urged", "ticket.exploded"]})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "ticket.exploded" in response.json()["detail"]


@pytest.mark.parametrize("after", ["abc", "-1", "1" * 30])
def test_a_cursor_never_given_out_is_400(client: TestClient, after: str) -> None:
    response = client.get(EVENTS, params={"after": after})
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid cursor"


def test_without_credentials_is_401(anonymous: TestClient) -> None:
    assert anonymous.get(EVENTS).status_code == 401


def test_a_unit_hears_its_own_tickets_only(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    urban = department_ticket(client)["number"]
    elsewhere = client.post(TICKETS, json=factories.qr_code()).json()["number"]

    heard = {event["data"]["ticket"]["number"] for event in _all(client, auth["urban"])}

    assert urban in heard
    assert elsewhere not in heard
    everything = {event["data"]["ticket"]["number"] for event in _all(client, auth["admin"])}
    assert {urban, elsewhere} <= everything


def test_an_integration_hears_its_channels_public_timeline_and_the_reply(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    call_centre = auth["call_centre"]
    body = factories.hotline_12345(
        category_code=None, request_type="consultation", description=VAGUE, location=None
    )
    number = anonymous.post(TICKETS, json=body, headers=call_centre).json()["number"]
    web = anonymous.post(TICKETS, json=factories.web(), headers=auth["citizen_app"]).json()
    done(anonymous, number, "urge", {"note": "内部备注"}, auth["dispatcher"])
    done(anonymous, number, "answer-at-once", {"reply": "已答复"}, call_centre)

    heard = _all(anonymous, call_centre)

    assert _of(heard, number) == ["ticket.created", "ticket.answered_at_once"]
    assert _of(heard, web["number"]) == []
    created, answered = (e for e in heard if e["data"]["ticket"]["number"] == number)
    assert created["data"]["details"] == {}
    assert answered["data"]["details"] == {"reply": "已答复"}
    assert _of(_all(anonymous, auth["citizen_app"]), number) == []


def test_phone_numbers_in_details_are_masked(client: TestClient) -> None:
    number = department_ticket(client)["number"]
    done(client, number, "urge", {"note": "市民来电 13812341234 催问"})

    urged = _all(client, types=["ticket.urged"])

    notes = [e["data"]["details"]["note"] for e in urged if e["data"]["ticket"]["number"] == number]
    assert notes == ["市民来电 138****1234 催问"]


def test_wait_long_polls_then_answers_the_same_cursor(client: TestClient) -> None:
    head = _feed(client, after="0", limit=1000)["next_cursor"]
    started = time.monotonic()

    page = _feed(client, after=head, wait=0.5)

    assert time.monotonic() - started >= 0.5
    assert page == {"events": [], "next_cursor": head}


@pytest.mark.slow
def test_a_long_poll_answers_as_soon_as_an_event_commits(
    live_server: str, auth: dict[str, dict[str, str]]
) -> None:
    with httpx.Client(base_url=live_server, headers=auth["dispatcher"], timeout=30) as http:
        head = http.get(EVENTS, params={"after": "0", "limit": 1000}).json()["next_cursor"]
        timer = threading.Timer(0.5, lambda: http.post(TICKETS, json=factories.web()))
        timer.start()
        started = time.monotonic()

        page = http.get(EVENTS, params={"after": head, "wait": 20}).json()

        timer.join()
    assert [event["type"] for event in page["events"]][:1] == ["ticket.created"]
    assert time.monotonic() - started < 10


WRITERS = 6
EVENTS_PER_WRITER = 15


@pytest.mark.slow
def test_a_consumer_misses_nothing_while_writers_commit_out_of_id_order(
    committing_client: TestClient, engine: Engine
) -> None:
    """Each writer's transaction takes its event's id, then waits a little before it
    commits: ids reach the database in one order and commit in another, the hazard of a
    cursor on ids. The consumer follows the feed meanwhile; it must hear every event
    once, and each writer's events in the writer's order."""
    number = committing_client.post(TICKETS, json=factories.web()).json()["number"]
    factory = create_session_factory(engine)
    with Session(engine) as session:
        ticket_id = session.scalars(select(Ticket.id).where(Ticket.number == number)).one()
    start = _feed(committing_client, after="0", limit=1000)["next_cursor"]
    writers_done = threading.Event()
    heard: list[str] = []
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        chance = random.Random(writer)
        try:
            for index in range(EVENTS_PER_WRITER):
                with factory() as session, session.begin():
                    note = {"note": f"w{writer}-{index:02d}"}
                    row = event_row(ticket_id, EventKind.URGED, SYSTEM, note, utc_now())
                    record_events(session, [row])
                    time.sleep(chance.uniform(0, 0.03))
        except BaseException as error:
            errors.append(error)

    def consume() -> None:
        after = start
        try:
            while True:
                finished = writers_done.is_set()
                page = _feed(committing_client, after=after, types=["ticket.urged"], limit=7)
                heard.extend(event["data"]["details"]["note"] for event in page["events"])
                after = page["next_cursor"]
                if finished and not page["events"]:
                    return
        except BaseException as error:
            errors.append(error)

    consumer = threading.Thread(target=consume)
    consumer.start()
    writers = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writers_done.set()
    consumer.join(timeout=120)

    assert errors == []
    written = {f"w{w}-{i:02d}" for w in range(WRITERS) for i in range(EVENTS_PER_WRITER)}
    assert len(heard) == len(set(heard)), "an event was heard twice"
    assert set(heard) == written, f"missed: {sorted(written - set(heard))}"
    for writer in range(WRITERS):
        own = [note for note in heard if note.startswith(f"w{writer}-")]
        assert own == sorted(own)


def test_the_sequencer_places_waiting_events_in_id_order_a_batch_at_a_time(
    client: TestClient, session: Session
) -> None:
    """Each pass numbers up to a batch of the committed events still without a place,
    oldest id first, on from the last place: passes of a few leave no gap and no reorder."""
    for _ in range(3):
        assert client.post(TICKETS, json=factories.web()).status_code == 201
    waiting = list(
        session.scalars(
            select(TicketEvent.id)
            .where(TicketEvent.feed_position.is_(None))
            .order_by(TicketEvent.id)
        )
    )
    assert len(waiting) >= 6  # each intake writes two rows at least
    before = feed.head(session)
    passes = 0
    while placed := feed.sequence(session, batch=4):
        assert placed <= 4
        passes += 1
    assert passes >= 2
    places = session.execute(
        select(TicketEvent.feed_position)
        .where(TicketEvent.id.in_(waiting))
        .order_by(TicketEvent.id)
    ).scalars()
    assert list(places) == list(range(before + 1, before + 1 + len(waiting)))
    assert feed.head(session) == before + len(waiting)
