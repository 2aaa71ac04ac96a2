"""Versions of the city's grid map: each import is one, and tickets remember theirs."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class GridMapVersion(Base):
    """One import of the grid map. The newest row is the map in force; replicas compare
    its id with the one their spatial index was built from."""

    __tablename__ = "grid_map_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200))  # file name, or "demo"
    crs: Mapped[str] = mapped_column(String(8))  # the system the boundaries are drawn in
    grids_added: Mapped[int] = mapped_column(Integer)
    grids_changed: Mapped[int] = mapped_column(Integer)
    grids_retired: Mapped[int] = mapped_column(Integer, server_default="0")
    imported_by: Mapped[str | None] = mapped_column(String(100))
    imported_at: Mapped[datetime]


class GridRevision(Base):
    """A grid as one map version drew it: the history behind every routing decision."""

    __tablename__ = "grid_revision"
    __table_args__ = (
        Index("ix_grid_revision_grid_id_map_version_id", "grid_id", "map_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id", ondelete="CASCADE"))
    map_version_id: Mapped[int] = mapped_column(ForeignKey("grid_map_version.id"))
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    boundary: Mapped[dict[str, Any] | None]
