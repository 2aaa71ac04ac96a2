"""Where a photo's bytes are kept: files under the upload directory, which every replica
must share, or rows of the database, so that replicas need no shared disk.

`HOTLINE_PHOTO_STORAGE` chooses one. Changing it moves nothing by itself: photos stored
before are found only after `hotline migrate-photos` copied them, and until then they
answer a 503 that says so, never a 500."""

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import insert_ignoring_conflict
from app.photos.models import Photo, PhotoBytes

Storage = Literal["filesystem", "database"]
FILESYSTEM: Storage = "filesystem"
DATABASE: Storage = "database"
_PHOTO_BYTES = PhotoBytes.__table__


def photo_path(upload_dir: Path, photo_id: str, extension: str) -> Path:
    # Two levels of fan-out keep directories small on a city's volume of photos.
    return upload_dir / photo_id[:2] / photo_id[2:4] / f"{photo_id}.{extension}"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class PhotoStore:
    storage: Storage
    upload_dir: Path

    @classmethod
    def of(cls, settings: Settings) -> "PhotoStore":
        return cls(settings.photo_storage, settings.upload_dir)

    def keep(self, session: Session, photo_id: str, extension: str, data: bytes) -> None:
        """Keep the bytes, after the photo's row was written: in the caller's transaction,
        or as a file written durably before that transaction commits."""
        if self.storage == DATABASE:
            insert_ignoring_conflict(
                session,
                _PHOTO_BYTES,  # type: ignore[arg-type]
                {"photo_id": photo_id, "data": data},
                ["photo_id"],
            )
            return
        path = photo_path(self.upload_dir, photo_id, extension)
        if not path.exists():
            _write_atomically(path, data)

    def has(self, session: Session, photo: Photo) -> bool:
        if self.storage == DATABASE:
            found = session.scalar(
                select(PhotoBytes.photo_id).where(PhotoBytes.photo_id == photo.id)
            )
            return found is not None
        return photo_path(self.upload_dir, photo.id, photo.extension).exists()

    def read(self, session: Session, photo: Photo) -> bytes | None:
        """The photo's bytes; None when this storage does not hold them."""
        if self.storage == DATABASE:
            return session.scalar(select(PhotoBytes.data).where(PhotoBytes.photo_id == photo.id))
        path = photo_path(self.upload_dir, photo.id, photo.extension)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


@dataclass(frozen=True)
class Copied:
    copied: int
    already_there: int
    missing: list[str]  # photo ids whose bytes the source does not hold either


def copy_photos(
    session: Session, source: PhotoStore, target: PhotoStore, batch: int = 100
) -> Iterator[Copied]:
    """Copy every photo's bytes from `source` to `target`, a batch at a time (the caller
    commits after each, so memory stays bounded and an interrupted copy resumes where it
    stopped); the running totals after each batch. Nothing is deleted from `source`."""
    copied, already_there, missing = 0, 0, []
    after = ""
    while True:
        photos = session.scalars(
            select(Photo).where(Photo.id > after).order_by(Photo.id).limit(batch)
        ).all()
        if not photos:
            return
        for photo in photos:
            if target.has(session, photo):
                already_there += 1
                continue
            data = source.read(session, photo)
            if data is None:
                missing.append(photo.id)
                continue
            target.keep(session, photo.id, photo.extension, data)
            copied += 1
        after = photos[-1].id
        yield Copied(copied, already_there, list(missing))
