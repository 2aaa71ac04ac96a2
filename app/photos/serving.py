"""The HTTP answer that carries a stored photo: its bytes from the configured storage,
cached for good (the id is the content's hash), or a 503 that says why they are missing."""

from fastapi import Response
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import ServiceUnavailable
from app.photos.models import Photo
from app.photos.storage import PhotoStore

IMAGE_CONTENT: dict[str, dict[str, object]] = {"image/jpeg": {}, "image/png": {}, "image/webp": {}}
MISSING_BYTES = (503, "The photo's bytes are not in this server's storage (see migrate-photos)")


def photo_response(session: Session, settings: Settings, photo: Photo) -> Response:
    store = PhotoStore.of(settings)
    data = store.read(session, photo)
    if data is None:
        raise ServiceUnavailable(
            f"Photo {photo.id!r} is recorded but its bytes are not in the {store.storage} "
            "storage of this server: the upload directory is not shared by every replica, or "
            "HOTLINE_PHOTO_STORAGE changed without `hotline migrate-photos`."
        )
    return Response(
        data,
        media_type=photo.content_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
