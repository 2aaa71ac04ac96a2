"""HTTP for the audit log (app/audit/): administrators read it, a page at a time or as CSV.
Here in auth, above audit, as only the credential check says who is an administrator."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.audit import service
from app.audit.models import AuditEntry
from app.audit.schemas import AuditActorRead, AuditEntryRead
from app.auth.dependencies import AdminDep
from app.dependencies import SessionDep
from app.errors import UnprocessableContent, problem_responses
from app.schemas import Page

router = APIRouter(prefix="/audit", tags=["audit"])
CSV_COLUMNS = (
    "id",
    "at",
    "actor_kind",
    "actor_ref",
    "actor_name",
    "address",
    "kind",
    "action",
    "object_code",
    "before",
    "after",
)


def _filters(
    actor: Annotated[
        str | None,
        Query(max_length=100, description='A username, an integration\'s name, or "user:6"'),
    ] = None,
    kind: Annotated[
        str | None,
        Query(max_length=40, description=", ".join(kind.value for kind in service.AuditKind)),
    ] = None,
    object_code: Annotated[
        str | None, Query(alias="object", max_length=200, description="The object's code or id")
    ] = None,
    since: Annotated[datetime | None, Query(description="From this instant (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="Before this instant")] = None,
) -> service.AuditFilters:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise UnprocessableContent(
                f"{name} needs a time zone (2026-12-01T00:00:00+08:00).", field=name
            )
    return service.AuditFilters(actor, kind, object_code, since, until)


FiltersDep = Annotated[service.AuditFilters, Depends(_filters)]


def _read(entry: AuditEntry) -> AuditEntryRead:
    return AuditEntryRead(
        id=entry.id,
        at=entry.created_at,
        actor=AuditActorRead(kind=entry.actor_kind, ref=entry.actor_ref, name=entry.actor_name),
        address=entry.address,
        kind=entry.kind,
        action=entry.action,
        object_code=entry.object_code,
        before=entry.before,
        after=entry.after,
    )


@router.get(
    "",
    summary="The audit log: who changed what, when, from where; newest first",
    responses=problem_responses((422, "A filter or the cursor is invalid")),
)
def list_audit(
    session: SessionDep,
    _admin: AdminDep,
    filters: FiltersDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[AuditEntryRead]:
    """Every administrative change (units, categories, grid maps, routing rules and
    keywords, SLA policies, calendars, users, keys) and every reporter reveal. Pass
    `next_cursor` back as `cursor` for the next page, with the same filters."""
    after = service.AuditCursor.decode(cursor) if cursor else None
    rows, next_cursor = service.list_entries(session, filters, limit, after)
    return Page(
        items=[_read(row) for row in rows],
        next_cursor=next_cursor.encode() if next_cursor else None,
    )


def _csv_lines(rows: Iterator[AuditEntry]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        writer.writerow(
            (
                entry.id,
                entry.created_at.isoformat(),
                entry.actor_kind,
                entry.actor_ref or "",
                entry.actor_name or "",
                entry.address or "",
                entry.kind,
                entry.action,
                entry.object_code,
                "" if entry.before is None else json.dumps(entry.before, ensure_ascii=False),
                "" if entry.after is None else json.dumps(entry.after, ensure_ascii=False),
            )
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@router.get(
    "/export",
    summary="The audit log as CSV (UTF-8 with BOM, so Excel reads it), with the same filters",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One row per entry"}},
)
def export_audit(session: SessionDep, _admin: AdminDep, filters: FiltersDep) -> Response:
    """Columns: id, at, actor_kind, actor_ref, actor_name, address, kind, action,
    object_code, before, after (the last two as JSON). Every matching entry, newest first."""
    # Read whole before answering: the request's session closes once the endpoint returns.
    lines = ["\ufeff", *_csv_lines(service.iter_entries(session, filters))]
    return Response(
        "".join(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
