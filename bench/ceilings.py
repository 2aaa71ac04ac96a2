"""Ceilings for the intake benchmark: the service's HTTP stack doing less than the service.

`bare_app` validates the intake body and stores nothing: what FastAPI, pydantic and uvicorn
cost. `minimal_insert_app` skips validation and writes one ticket and one event row with
SQLAlchemy Core on the service's own engine: what one durable intake costs the database.
Both are uvicorn factories; the minimal one reads its database URL from `BENCH_DATABASE_URL`.
"""

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Table, insert

from app.channels.schemas import TicketIntake
from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine
from app.dedup.similarity import text_for_matching
from app.tickets.models import Ticket, TicketEvent

DATABASE_URL_ENV = "BENCH_DATABASE_URL"
TICKETS_PATH = "/api/v1/tickets"


def _healthz() -> dict[str, str]:
    return {"status": "ok"}


def bare_app() -> FastAPI:
    """POST /api/v1/tickets validates the body as the service does, then answers 201."""
    app = FastAPI(title="bench: bare ceiling")
    app.get("/healthz")(_healthz)

    # `def` as the service's endpoint is, so both pay the same threadpool hop.
    @app.post(TICKETS_PATH, status_code=201)
    def post_ticket(body: Annotated[TicketIntake, Body()]) -> JSONResponse:
        return JSONResponse({"status": "accepted"}, status_code=201)

    return app


def minimal_insert_app() -> FastAPI:
    """POST /api/v1/tickets inserts one ticket and its event from the raw JSON and commits."""
    engine = create_db_engine(Settings(database_url=os.environ[DATABASE_URL_ENV]))
    ticket_table: Table = Ticket.__table__  # type: ignore[assignment]
    event_table: Table = TicketEvent.__table__  # type: ignore[assignment]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="bench: minimal insert ceiling", lifespan=lifespan)
    app.get("/healthz")(_healthz)

    # Trusts its input (only the benchmark posts here): a malformed body is a 500, not a 422.
    @app.post(TICKETS_PATH, status_code=201)
    def post_ticket(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        now = utc_now()
        channel = str(body["channel"])
        external_id = body.get("external_id")
        description = str(body["description"])
        title = description[:40]
        with engine.begin() as connection:
            ticket_id = connection.execute(
                insert(ticket_table).returning(ticket_table.c.id),
                {
                    # Unique without a counter row: numbering is the service's work, not this.
                    "number": secrets.token_hex(10),
                    "channel": channel,
                    "external_id": external_id,
                    "request_type": str(body.get("request_type", "complaint")),
                    "priority": "normal",
                    "title": title,
                    "description": description,
                    "match_text": text_for_matching(title, description),
                    "is_anonymous": False,
                    "is_confidential": False,
                    "status": "new",
                    "version": 1,
                    "tracking_code": secrets.token_hex(8),
                    "channel_data": {},
                    "created_at": now,
                    "updated_at": now,
                },
            ).scalar_one()
            connection.execute(
                insert(event_table),
                {
                    "ticket_id": ticket_id,
                    "kind": "received",
                    "actor_kind": "client",
                    "channel": channel,
                    "payload": {"channel": channel, "external_id": external_id},
                    "created_at": now,
                },
            )
        # external_id lets the wrk script tell which requests were answered.
        return JSONResponse({"id": ticket_id, "external_id": external_id}, status_code=201)

    return app
