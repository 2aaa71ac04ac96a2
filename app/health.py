"""Liveness and readiness, for load balancers and orchestrators."""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.dependencies import DatabaseSlotDep, ResourcesDep
from app.schema_version import current_revision

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    database: str | None = Field(default=None, description="`unreachable` when it is")
    schema_revision: str | None = Field(default=None, alias="schema")
    expected_schema: str | None = None


@router.get(
    "/readyz",
    summary="The database answers and its schema is at the newest migration",
    responses={
        200: {"model": Readiness, "description": "Ready"},
        503: {"model": Readiness, "description": "Not ready: the database or its schema"},
    },
)
def readyz(resources: ResourcesDep, _slot: DatabaseSlotDep) -> JSONResponse:
    expected = resources.schema_head
    try:
        with resources.database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            found = current_revision(connection)
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if found != expected:
        body = {"status": "unavailable", "schema": found, "expected_schema": expected}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "schema": found})
