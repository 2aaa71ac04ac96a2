"""Storing photos by content hash and finding them again."""

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.db import insert_ignoring_conflict, transient
from app.driver_sql import DriverStatement
from app.photos.imaging import CleanPhoto
from app.photos.models import Photo
from app.photos.storage import PhotoStore

_PHOTOS: Table = Photo.__table__  # type: ignore[assignment]
_BY_ID = DriverStatement(select(_PHOTOS).where(_PHOTOS.c.id == bindparam("id")))


def store_photo(session: Session, store: PhotoStore, clean: CleanPhoto) -> Photo:
    """Keep `clean` (its row, and its bytes in `store`) and return its row.

    The same upload twice gives the same photo: the id is the hash of the original bytes.
    """
    values = {
        "id": clean.sha256,
        "content_type": clean.content_type,
        "extension": clean.extension,
        "width": clean.width,
        "height": clean.height,
        "size_bytes": len(clean.data),
        "exif_lat": clean.exif_gps.lat if clean.exif_gps else None,
        "exif_lon": clean.exif_gps.lon if clean.exif_gps else None,
        "created_at": utc_now(),
    }
    insert_ignoring_conflict(session, _PHOTOS, values, ["id"])
    store.keep(session, clean.sha256, clean.extension, clean.data)
    return session.get_one(Photo, clean.sha256)


def get_photos(session: Session, photo_ids: list[str]) -> dict[str, Photo]:
    """The photos as plain objects (not tracked by the session), for intake's answer."""
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
