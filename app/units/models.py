"""Who handles tickets: grids in three levels, and functional departments."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Grid(Base):
    """A street (1), community (2) or unit grid (3); `path` makes subtree queries one LIKE."""

    __tablename__ = "grid"
    __table_args__ = (
        CheckConstraint("level IN (1, 2, 3)", name="level_range"),
        Index("ix_grid_path", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    # Ids from the root down, "/3/41/520/": a grid and everything under it share the prefix.
    path: Mapped[str] = mapped_column(String(200))
    boundary: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when a complete map left the grid out: its tickets keep it, routing no longer does.
    retired_at: Mapped[datetime | None]


class Department(Base):
    """A unit that handles what a grid cannot: a functional department (zhineng bumen), a
    public enterprise (water, power, gas), the district office that takes what no one else
    does. Tickets and rules refer to it, so it is retired, never deleted."""

    __tablename__ = "department"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('functional', 'public_enterprise', 'district', 'other')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(20), default="functional", server_default="functional")
    created_at: Mapped[datetime]
    # Null for the units created before edits were kept.
    updated_at: Mapped[datetime | None]
    # Set when retired: it receives no new tickets; its tickets and history keep it.
    retired_at: Mapped[datetime | None]
