"""Suspected duplicates: which earlier ticket a new one may report again, how sure, why.
dedup's search writes them and its merge decides them; the queue filters by them."""

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId


class DuplicateCandidate(Base):
    """`ticket` may report again the problem of the earlier `candidate`."""

    __tablename__ = "duplicate_candidate"
    __table_args__ = (UniqueConstraint("ticket_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[dict[str, Any]]
    # suggested (for a dispatcher to confirm) | merged | dismissed | linked (a repeat
    # contact about a closed ticket, filed as a new ticket of its own)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
