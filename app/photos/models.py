"""Uploads, stored once per content hash: photos with their metadata removed, and staff's
files (PDF) as they came. One table for both, so that they share their storage, their
attachments to tickets and who may read them (app.photos.kinds)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.photos.kinds import UploadKind


class Photo(Base):
    __tablename__ = "photo"
    __table_args__ = (
        CheckConstraint(
            "kind = 'file' OR (width IS NOT NULL AND height IS NOT NULL)", name="pixels"
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the upload
    kind: Mapped[str] = mapped_column(
        String(8), default=UploadKind.PHOTO, server_default=UploadKind.PHOTO.value
    )
    content_type: Mapped[str] = mapped_column(String(32))
    extension: Mapped[str] = mapped_column(String(8))
    # A photo's pixels; a file has none.
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    # A file's name as its first uploader gave it, for staff; photos have none.
    filename: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime]


class PhotoBytes(Base):
    """A photo's bytes, when they are kept in the database (`HOTLINE_PHOTO_STORAGE=database`)
    so that replicas need no shared disk."""

    __tablename__ = "photo_bytes"

    photo_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
