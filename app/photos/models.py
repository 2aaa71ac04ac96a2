"""Uploaded photos, stored once per content hash with their metadata removed."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Photo(Base):
    __tablename__ = "photo"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the upload
    content_type: Mapped[str] = mapped_column(String(32))
    extension: Mapped[str] = mapped_column(String(8))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]


class PhotoBytes(Base):
    """A photo's bytes, when they are kept in the database (`HOTLINE_PHOTO_STORAGE=database`)
    so that replicas need no shared disk."""

    __tablename__ = "photo_bytes"

    photo_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
