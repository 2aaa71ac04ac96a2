"""Suspected duplicates: which earlier ticket a new one may report again, how sure, why."""

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


class TicketFollower(Base):
    """A citizen who reported `ticket`'s problem too: counted as a contact, and able to
    follow the ticket (and read its outcome) with its number and their phone."""

    __tablename__ = "ticket_follower"
    __table_args__ = (UniqueConstraint("ticket_id", "phone"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(32))  # national digits, as same_phone compares
    created_at: Mapped[datetime]
