"""The Idempotency-Key header (IETF httpapi draft): a retried POST is answered, not redone.

A key is first claimed and the claim committed on its own (the caller's unit of work
commits it), so that a second request with the same key while the first is still being
worked on can be told so (409). The answer is then stored in the same transaction as the
work it describes.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.db import insert_ignoring_conflict
from app.errors import Conflict, UnprocessableContent
from app.idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
HEADER = "Idempotency-Key"
# The header in /docs, for an endpoint that reads it from the request itself.
HEADER_OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "title": HEADER},
            "description": f"A key of the client's own, 1 to {MAX_KEY_LENGTH} printable "
            "characters: a retry with the same key and body gets the first answer back, "
            "marked Idempotent-Replayed: true.",
        }
    ]
}


class IdempotencyKeyReused(UnprocessableContent):
    slug, title = "idempotency-key-reused", "Idempotency key reused"


class IdempotencyKeyInFlight(Conflict):
    slug, title = "idempotency-key-in-flight", "Request still in progress"


class InvalidIdempotencyKey(UnprocessableContent):
    slug, title = "invalid-idempotency-key", "Invalid Idempotency-Key"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    record_id: int


def fingerprint(method: str, path: str, body: Any) -> str:
    """Same method, path and JSON body (key order aside) give the same fingerprint."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str) -> str:
    key = key.strip().strip('"')  # the draft sends it as a structured-field string
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidIdempotencyKey(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters."
        )
    return key


def claim(
    session: Session,
    scope: str,
    key: str,
    request_fingerprint: str,
    *,
    ttl: timedelta,
    lease: timedelta,
) -> Claim | StoredResponse:
    """Claim `key` for this request (the caller commits the claim before the work), or
    return the answer already given (the caller rolls back: nothing is to be kept).

    Raises 422 when the key came with another request before, 409 while that one runs.
    """
    now = utc_now()
    table: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
    values = {
        "scope": scope,
        "key": key,
        "request_hash": request_fingerprint,
        "locked_until": now + lease,
        "created_at": now,
    }
    record_id = insert_ignoring_conflict(session, table, values, ["scope", "key"])
    if record_id is None:
        query = select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
        record = session.scalars(query.with_for_update()).one()
        expired = record.created_at < now - ttl
        abandoned = record.response_status is None and record.locked_until < now
        if expired or abandoned:
            record.request_hash = request_fingerprint
            record.response_status = record.response_body = None
            record.locked_until, record.created_at = now + lease, now
            session.flush()
        elif record.request_hash != request_fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with a different request; use a new key."
            )
        elif record.response_status is None:
            raise IdempotencyKeyInFlight(
                "A request with this Idempotency-Key is still being processed; retry shortly."
            )
        else:
            return StoredResponse(record.response_status, record.response_body or {})
        record_id = record.id
    return Claim(record_id)


def complete(session: Session, claimed: Claim, status: int, body: dict[str, Any]) -> None:
    """Keep the answer, in the transaction of the work it answers."""
    record = session.get_one(IdempotencyRecord, claimed.record_id)
    record.response_status = status
    record.response_body = body
    session.flush()


def release(session: Session, claimed: Claim) -> None:
    """The work failed and was rolled back: free the key so a retry may run (the caller
    commits that)."""
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == claimed.record_id))
