"""The feed's counter: the last place given to an event (the places are on the events)."""

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class EventFeed(Base):
    """One row: the feed's last place. Its row lock serialises the sequencers, so the
    places they give out become visible in their order."""

    __tablename__ = "event_feed"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_position: Mapped[int] = mapped_column(BigInteger)
