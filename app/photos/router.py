"""HTTP for photos: upload (type checked from the bytes), then serve without metadata."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.dependencies import PrincipalDep
from app.auth.policy import ensure_may_upload_photos
from app.auth.principal import ClientPrincipal, Principal
from app.dependencies import SessionDep, SettingsDep
from app.errors import (
    HotlineError,
    NotFound,
    PayloadTooLarge,
    UnprocessableContent,
    UnsupportedMediaType,
    problem_responses,
)
from app.photos import imaging
from app.photos import service as photos
from app.photos.models import Photo
from app.photos.schemas import PhotoRead
from app.photos.serving import IMAGE_CONTENT, MISSING_BYTES, photo_response
from app.photos.storage import PhotoStore
from app.tickets import scoping
from app.tickets.models import Ticket, TicketAttachment

router = APIRouter(prefix="/photos", tags=["photos"])


def _may_see(session: Session, principal: Principal, photo_id: str) -> bool:
    """Whether the photo belongs to a ticket `principal` may read (any, city-wide staff)."""
    if not isinstance(principal, ClientPrincipal) and principal.sees_citywide:
        return True
    query = (
        select(TicketAttachment.id)
        .join(Ticket, Ticket.id == TicketAttachment.ticket_id)
        .where(TicketAttachment.photo_id == photo_id)
    )
    condition = scoping.visible_to(principal)
    if condition is not None:
        query = query.where(condition)
    return session.scalars(query.limit(1)).first() is not None


_STATUS_FOR_REJECTION: dict[type[imaging.ImageRejected], type[HotlineError]] = {
    imaging.UnsupportedImageType: UnsupportedMediaType,
    imaging.ImageTooLarge: PayloadTooLarge,
    imaging.CorruptImage: UnprocessableContent,
}


def _clean(upload: UploadFile, max_bytes: int, max_pixels: int) -> imaging.CleanPhoto:
    data = upload.file.read(max_bytes + 1)
    try:
        return imaging.clean_photo(data, max_bytes=max_bytes, max_pixels=max_pixels)
    except imaging.ImageRejected as rejection:
        error = _STATUS_FOR_REJECTION[type(rejection)]
        raise error(
            f"{upload.filename or 'upload'}: {rejection.reason}", file=upload.filename
        ) from None


@router.post(
    "",
    status_code=201,
    summary="Upload one or more photos (multipart field `files`)",
    responses=problem_responses((415, "A file that is not a JPEG, PNG or WebP image")),
)
def upload_photos(
    files: Annotated[list[UploadFile], File(description="JPEG, PNG or WebP")],
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> list[PhotoRead]:
    """Every file is checked before any is stored: one bad file stores none."""
    ensure_may_upload_photos(principal)
    if len(files) > settings.max_photos_per_ticket:
        raise UnprocessableContent(
            f"At most {settings.max_photos_per_ticket} photos per upload.", field="files"
        )
    cleaned = [
        _clean(upload, settings.max_photo_bytes, settings.max_photo_pixels) for upload in files
    ]
    return [
        PhotoRead.of(photos.store_photo(session, PhotoStore.of(settings), clean))
        for clean in cleaned
    ]


@router.get(
    "/{photo_id}",
    summary="A stored photo, metadata removed",
    response_class=Response,
    responses={
        200: {"content": IMAGE_CONTENT},
        **problem_responses((404, "No such photo, or not one the caller may see"), MISSING_BYTES),
    },
)
def get_photo(
    photo_id: str, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> Response:
    """City-wide staff get any photo by its id; unit staff and integrations only the
    photos of tickets they may read (an integration: those its channels filed)."""
    photo = session.get(Photo, photo_id)
    if photo is None or not _may_see(session, principal, photo_id):
        raise NotFound(f"No photo has id {photo_id!r}.")
    return photo_response(session, settings, photo)
