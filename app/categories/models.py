"""The two-level category taxonomy: groups and the categories within them."""

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
