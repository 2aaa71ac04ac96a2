"""What admins edit to steer routing: ordered rules, and keyword rules for categories."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class RoutingRule(Base):
    """Rules are tried by `position`; the first whose conditions all hold routes the ticket.

    An empty condition list means "any". Fallback rules (the district taking a ticket
    whose responsibility is unclear) are tried only after every other rule missed.
    """

    __tablename__ = "routing_rule"
    __table_args__ = (
        CheckConstraint("target_kind IN ('grid_level', 'department')", name="target_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    is_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    category_codes: Mapped[list[str]] = mapped_column(JSON)  # a group code covers its categories
    request_types: Mapped[list[str]] = mapped_column(JSON)
    channels: Mapped[list[str]] = mapped_column(JSON)
    grid_codes: Mapped[list[str]] = mapped_column(JSON)  # each with everything below it
    keywords: Mapped[list[str]] = mapped_column(JSON)  # any of them in title or description
    target_kind: Mapped[str] = mapped_column(String(16))
    target_grid_level: Mapped[int | None] = mapped_column(
        Integer
    )  # the ticket's grid at that level
    target_department_code: Mapped[str | None] = mapped_column(String(64))
    assist_department_codes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CategoryKeyword(Base):
    """Keywords that point a ticket's text to a category; admins edit them."""

    __tablename__ = "category_keyword"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str] = mapped_column(String(32), index=True)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    excluded: Mapped[list[str]] = mapped_column(JSON)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    updated_at: Mapped[datetime]
