"""Intake's flow: the steps a new ticket goes through, top to bottom, in one unit of work.

    credentials     who is calling (checked in the intake's own unit of work)
    normalise       the channel's body becomes one TicketDraft
    permission      may the caller file for this channel (a grid worker: for this grid)
    idempotency     an Idempotency-Key is claimed, and the claim committed on its own;
                    a key already answered replays that answer
    locate, route   codes resolved, the point located, the unit chosen (write.prepare)
    number          the ticket numbered and routed, not written yet (write.draft_ticket)
    screening       duplicates searched before the write, so a sure duplicate is written
                    merged (screening.merge_into)
    write           the ticket, its events, clocks, photos and units (write.write)
    settle          the screening's suggestions and links, now that the ticket exists
    answer          the ticket as the caller may see it, rendered once
    idempotency     the answer kept with the key, in the same transaction
    commit          the unit of work commits: durable before the answer goes out

Everything between `credentials` and `commit` is in one transaction: work that must happen
with every new ticket (an outbox row for webhooks) belongs in `_take_in`, after `write`,
so it commits or rolls back with the ticket; work that can follow it (the statistics)
reads the event feed after the commit.

The steps run in one go, on the event loop when the unit holds the commit group's
connection at once (app.intake._commit_waits.holds_the_connection_at_once), else in one
worker thread. On the loop every other request waits for them, so nothing below them may
block; app.intake._loop_path guards that.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from app.auth.dependencies import Credentials
from app.auth.policy import ensure_may_file
from app.channels.normalise import TicketDraft, to_draft
from app.channels.schemas import TicketIntake
from app.idempotency import service as idempotency
from app.identity.principal import Principal, StaffPrincipal
from app.identity.roles import Role
from app.intake import screening, write
from app.intake._commit_group import CommitGroup
from app.intake._commit_waits import group_unit, holds_the_connection_at_once
from app.intake._loop_path import loop_path
from app.kb import service as kb
from app.kb.models import KbArticle
from app.observability import metrics
from app.resources import Resources
from app.routing.service import ROUTING
from app.sla.catalogue import SLA
from app.tickets import views
from app.unit_of_work import UnitOfWork, request_unit
from app.units import service as units


@dataclass(frozen=True)
class IntakeRequest:
    """What intake takes from the HTTP request."""

    body: TicketIntake
    path: str  # the route's path as sent, for the idempotency fingerprint and Location
    idempotency_key: str | None
    credentials: Credentials


@dataclass(frozen=True)
class TakenIn:
    """A ticket taken in: 201 for a new one, 200 for one its channel had filed already."""

    status: int
    body: bytes  # the ticket as TicketRead's JSON
    number: str


# A ticket taken in, or the first answer replayed for its Idempotency-Key.
Outcome = TakenIn | idempotency.StoredResponse


async def take_in(resources: Resources, request: IntakeRequest) -> Outcome:
    """Take the request's ticket in; durable before this returns."""
    database = resources.database
    group = database.shared_commit
    opened = (
        group_unit(group, database.slots)
        if isinstance(group, CommitGroup)
        else request_unit(database)
    )
    async with opened as unit:
        principal = await request.credentials.principal(
            resources.principal_cache, resources.jwt_secret, unit.session
        )
        if holds_the_connection_at_once(unit):
            with loop_path():
                outcome = _take_in(resources, unit, request, principal)
        else:
            outcome = await run_in_threadpool(_take_in, resources, unit, request, principal)
    # Counted once durable (a commit group's commit fails every answer in it).
    created = isinstance(outcome, TakenIn) and outcome.status == 201
    if created and resources.settings.metrics_enabled:
        metrics.count_taken_in(request.body.channel)
    return outcome


def _take_in(
    resources: Resources, unit: UnitOfWork, request: IntakeRequest, principal: Principal
) -> Outcome:
    """The steps from normalise to commit (see the module's docstring)."""
    settings, session, body = resources.settings, unit.session, request.body
    draft = to_draft(body)
    ensure_may_file(principal, draft.channel, _grid_path(unit, principal, draft.grid_code))
    claim: idempotency.Claim | None = None
    if request.idempotency_key is not None:
        claimed = idempotency.claim(
            session,
            principal.actor.idempotency_scope,
            idempotency.validate_key(request.idempotency_key),
            idempotency.fingerprint("POST", request.path, body.model_dump(mode="json")),
            ttl=timedelta(hours=settings.idempotency_ttl_hours),
            lease=timedelta(seconds=settings.idempotency_lease_seconds),
        )
        if isinstance(claimed, idempotency.StoredResponse):
            unit.rollback()
            return claimed
        unit.commit()  # a second request with the key is told this one is in flight
        claim = claimed
    catalogue = resources[SLA].catalogue(session)
    routing = resources[ROUTING]
    try:
        cited = _cited_article(session, draft, settings.timezone)
        prepared = write.prepare(
            session,
            draft,
            routing,
            settings.classifier_threshold,
            settings.places_file,
            settings.channel_request_types,
        )
        ticket = write.draft_ticket(session, draft, prepared, ZoneInfo(settings.timezone))
        categories = routing.snapshot(session).categories_by_id
        screen = screening.Screening(session, principal, categories, catalogue, settings)
        parent = screen.merge_into(ticket)
        written = write.write(session, ticket, draft, prepared, principal.actor, catalogue, parent)
        ticket = written.ticket
        if written.created:
            ticket = screen.settle(ticket) or ticket
            if cited is not None:
                kb.record_citation(session, cited, ticket_id=ticket.id, at=ticket.created_at)
        status = 201 if written.created else 200
        read = views.read(ticket, principal, catalogue, with_remaining=False)
        answer = read.model_dump_json().encode()
        if claim is not None:
            idempotency.complete(session, claim, status, json.loads(answer))
        # Committed here, in the thread the work ran in: a second hop to a thread for the
        # commit would cost intake, the service's hot path.
        unit.commit()
    except Exception:
        if claim is not None:
            unit.rollback()
            idempotency.release(session, claim)
            unit.commit()
        raise
    return TakenIn(status, answer, ticket.number)


def _grid_path(unit: UnitOfWork, principal: Principal, grid_code: str | None) -> str | None:
    """Only a grid worker's report needs its grid checked before intake."""
    if not isinstance(principal, StaffPrincipal) or principal.role is not Role.GRID_WORKER:
        return None
    grid = units.get_grid_by_code(unit.session, grid_code) if grid_code else None
    return grid.path if grid else None


def _cited_article(session: Session, draft: TicketDraft, timezone: str) -> KbArticle | None:
    """The knowledge-base article a call answered at once cites, checked before anything
    is written (a 422 when no article in force has that id)."""
    if draft.answered is None or draft.answered.kb_article is None:
        return None
    return kb.cite(
        session, draft.answered.kb_article, timezone, field="answered_at_once.kb_article"
    )
