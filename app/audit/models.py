"""The audit log's one table: an append-only row per administrative change."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId


class AuditEntry(Base):
    """Who (`actor_*`), when (`created_at`), from where (`address`) changed what (`kind`,
    `object_code`) and how (`action`, `before`, `after`). Never updated or deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        # The log's own order, newest first, and its keyset pages.
        Index("ix_audit_entry_created_at_id", "created_at", "id"),
        # The filters an auditor reaches for: one object's history, one person's changes.
        Index("ix_audit_entry_kind_object_code", "kind", "object_code"),
        Index("ix_audit_entry_actor_name_created_at", "actor_name", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime]
    actor_kind: Mapped[str] = mapped_column(String(16))  # user, client or system
    actor_ref: Mapped[str | None] = mapped_column(String(100))  # "user:6", "client:1"
    # The username or the integration's name as it was then: a renamed or retired account
    # still reads as who acted.
    actor_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))  # what sort of thing: department, category...
    action: Mapped[str] = mapped_column(String(40))  # create, update, retire, delete, reveal...
    object_code: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    address: Mapped[str | None] = mapped_column(String(64))  # the caller's IP address
