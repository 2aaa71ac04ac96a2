"""A ticket's followers: the citizens who reported its problem too. (Which earlier ticket a
new one may report again is app/tickets/candidates.py: the queue filters by it.)"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId


class TicketFollower(Base):
    """A citizen who reported `ticket`'s problem too: counted as a contact, and able to
    follow the ticket (and read its outcome) with its number and their phone."""

    __tablename__ = "ticket_follower"
    __table_args__ = (UniqueConstraint("ticket_id", "phone"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("ticket.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(32))  # national digits, as same_phone compares
    created_at: Mapped[datetime]
