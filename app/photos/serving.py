"""The HTTP answer that carries a stored upload: its bytes from the configured storage,
cached for good (the id is the content's hash), or a 503 that says why they are missing.
A photo is shown inline; a file is only ever downloaded."""

from urllib.parse import quote

from fastapi import Response
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import ServiceUnavailable
from app.photos.models import Photo
from app.photos.storage import PhotoStore

IMAGE_CONTENT: dict[str, dict[str, object]] = {"image/jpeg": {}, "image/png": {}, "image/webp": {}}
FILE_CONTENT: dict[str, dict[str, object]] = {"application/pdf": {}}
MISSING_BYTES = (503, "The upload's bytes are not in this server's storage (see migrate-photos)")
_FOREVER = "max-age=31536000, immutable"


def photo_response(session: Session, settings: Settings, photo: Photo) -> Response:
    return Response(
        _stored_bytes(session, settings, photo),
        media_type=photo.content_type,
        headers={"Cache-Control": f"public, {_FOREVER}"},
    )


def file_response(
    session: Session, settings: Settings, file: Photo, *, show_name: bool
) -> Response:
    """The file as a download (a PDF's scripts never run in this site's pages), named as
    it was uploaded when `show_name`, else by its id; kept by the browser, not by shared
    caches (a document may name people)."""
    return Response(
        _stored_bytes(session, settings, file),
        media_type=file.content_type,
        headers={
            "Cache-Control": f"private, {_FOREVER}",
            "Content-Disposition": _attachment(file, show_name),
        },
    )


def _attachment(file: Photo, show_name: bool) -> str:
    # RFC 6266: an ASCII name for old clients, the real one (Chinese, mostly) in filename*.
    disposition = f'attachment; filename="{file.id[:16]}.{file.extension}"'
    if show_name and file.filename:
        disposition += f"; filename*=UTF-8''{quote(file.filename, safe='')}"
    return disposition


def _stored_bytes(session: Session, settings: Settings, upload: Photo) -> bytes:
    store = PhotoStore.of(settings)
    data = store.read(session, upload)
    if data is None:
        raise ServiceUnavailable(
            f"{upload.kind.capitalize()} {upload.id!r} is recorded but its bytes are not in "
            f"the {store.storage} storage of this server: the upload directory is not shared "
            "by every replica, or HOTLINE_PHOTO_STORAGE changed without `hotline "
            "migrate-photos`."
        )
    return data
