"""Storing uploads (photos and files) by content hash and finding them again."""

from typing import Any, Protocol

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.db import insert_ignoring_conflict, transient
from app.driver_sql import DriverStatement
from app.photos.documents import CheckedFile
from app.photos.imaging import CleanPhoto
from app.photos.kinds import UploadKind
from app.photos.models import Photo
from app.photos.storage import PhotoStore

_PHOTOS: Table = Photo.__table__  # type: ignore[assignment]
_BY_ID = DriverStatement(
    select(_PHOTOS).where(_PHOTOS.c.id == bindparam("id"), _PHOTOS.c.kind == UploadKind.PHOTO)
)


class _Upload(Protocol):
    """What is kept of any upload: a checked photo or file."""

    @property
    def sha256(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def extension(self) -> str: ...
    @property
    def data(self) -> bytes: ...


def store_photo(session: Session, store: PhotoStore, clean: CleanPhoto) -> Photo:
    """Keep `clean` (its row, and its bytes in `store`) and return its row.

    The same upload twice gives the same photo: the id is the hash of the original bytes.
    """
    gps = clean.exif_gps
    return _store(
        session,
        store,
        clean,
        kind=UploadKind.PHOTO,
        width=clean.width,
        height=clean.height,
        exif_lat=gps.lat if gps else None,
        exif_lon=gps.lon if gps else None,
    )


def store_file(
    session: Session, store: PhotoStore, checked: CheckedFile, filename: str | None
) -> Photo:
    """Keep `checked` as a file beside the photos (the same table, the same storage) and
    return its row. The same bytes twice give the same file, under its first name."""
    return _store(session, store, checked, kind=UploadKind.FILE, filename=filename)


def _store(session: Session, store: PhotoStore, upload: _Upload, **values: Any) -> Photo:
    row = {
        "id": upload.sha256,
        "content_type": upload.content_type,
        "extension": upload.extension,
        "size_bytes": len(upload.data),
        "created_at": utc_now(),
    }
    insert_ignoring_conflict(session, _PHOTOS, row | values, ["id"])
    store.keep(session, upload.sha256, upload.extension, upload.data)
    return session.get_one(Photo, upload.sha256)


def get_photos(session: Session, photo_ids: list[str]) -> dict[str, Photo]:
    """The photos as plain objects (not tracked by the session), for intake's answer; a
    file's id is no photo."""
    if not photo_ids:
        return {}
    connection = session.connection()
    found = {}
    # A lookup each: a ticket has a few photos, and a statement of fixed shape goes
    # straight to the driver (an IN list of any length would be compiled per call).
    for photo_id in dict.fromkeys(photo_ids):
        row = _BY_ID.first_mapping(connection, {"id": photo_id})
        if row is not None:
            found[photo_id] = transient(Photo, **row)
    return found
