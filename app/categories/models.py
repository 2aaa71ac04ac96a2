"""The two-level category taxonomy: groups and the categories within them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Category(Base):
    __tablename__ = "category"
    __table_args__ = (
        CheckConstraint(
            "default_priority IN ('emergency', 'urgent', 'normal')", name="priority_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    default_priority: Mapped[str] = mapped_column(String(16), default="normal")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # How far apart two reports of this category may be and still be one problem;
    # empty: HOTLINE_DEDUP_RADIUS_M (FixMyStreet's 250 m).
    duplicate_radius_m: Mapped[int | None]
    # What intake files a ticket of this category as when the channel names no type.
    default_request_type: Mapped[str | None] = mapped_column(String(20))
    # Null for the categories created before edits were kept.
    updated_at: Mapped[datetime | None]
    # Set when retired: intake refuses it, naming `replacement_id`'s code when one is set;
    # its tickets keep it.
    retired_at: Mapped[datetime | None]
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
