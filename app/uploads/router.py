"""HTTP for uploads: photos (type checked from the bytes, served without metadata) and
staff's files (PDF, checked from the bytes, served as downloads)."""

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, File, Response, UploadFile
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth.dependencies import PrincipalDep
from app.auth.policy import ensure_may_upload_files, ensure_may_upload_photos
from app.config import Settings
from app.dependencies import SessionDep, SettingsDep
from app.errors import (
    HotlineError,
    NotFound,
    PayloadTooLarge,
    UnprocessableContent,
    UnsupportedMediaType,
    problem_responses,
)
from app.identity.principal import ClientPrincipal, Principal, StaffPrincipal
from app.photos import documents, imaging
from app.photos import service as photos
from app.photos.kinds import UploadKind
from app.photos.models import Photo
from app.photos.rejections import Corrupt, TooLarge, UnsupportedType, UploadRejected
from app.photos.schemas import FileRead, PhotoRead
from app.photos.serving import (
    FILE_CONTENT,
    IMAGE_CONTENT,
    MISSING_BYTES,
    file_response,
    photo_response,
)
from app.photos.storage import PhotoStore
from app.tickets import scoping
from app.tickets.models import Ticket, TicketAttachment
from app.vocabulary import REPORT_ROLES

router = APIRouter(prefix="/photos", tags=["photos"])
files_router = APIRouter(prefix="/files", tags=["files"])

Checked = TypeVar("Checked")


def _may_see(session: Session, principal: Principal, upload_id: str) -> bool:
    """Whether the upload belongs to a ticket `principal` may read (any, city-wide staff);
    an integration reads the report's own photos and what staff made public, as the
    citizen does."""
    if isinstance(principal, StaffPrincipal) and principal.sees_citywide:
        return True
    query = (
        select(TicketAttachment.id)
        .join(Ticket, Ticket.id == TicketAttachment.ticket_id)
        .where(TicketAttachment.photo_id == upload_id)
    )
    if isinstance(principal, ClientPrincipal):
        query = query.where(
            or_(TicketAttachment.is_public, TicketAttachment.role.in_(REPORT_ROLES))
        )
    condition = scoping.visible_to(principal)
    if condition is not None:
        query = query.where(condition)
    return session.scalars(query.limit(1)).first() is not None


def _visible(session: Session, principal: Principal, upload_id: str, kind: UploadKind) -> Photo:
    upload = session.get(Photo, upload_id)
    if upload is None or upload.kind != kind or not _may_see(session, principal, upload_id):
        raise NotFound(f"No {kind} has id {upload_id!r}.")
    return upload


_STATUS_FOR_REJECTION: dict[type[UploadRejected], type[HotlineError]] = {
    UnsupportedType: UnsupportedMediaType,
    TooLarge: PayloadTooLarge,
    Corrupt: UnprocessableContent,
}


def _check_all(
    files: list[UploadFile], settings: Settings, kind: UploadKind, check: Callable[[bytes], Checked]
) -> list[tuple[UploadFile, Checked]]:
    """Every file checked before any is stored: one bad file stores none, and the answer
    names it."""
    if len(files) > settings.max_photos_per_ticket:
        raise UnprocessableContent(
            f"At most {settings.max_photos_per_ticket} {kind}s per upload.", field="files"
        )
    checked = []
    for upload in files:
        data = upload.file.read(settings.max_photo_bytes + 1)
        try:
            checked.append((upload, check(data)))
        except UploadRejected as rejection:
            status = next(
                error
                for reason, error in _STATUS_FOR_REJECTION.items()
                if isinstance(rejection, reason)
            )
            raise status(
                f"{upload.filename or 'upload'}: {rejection.reason}", file=upload.filename
            ) from None
    return checked


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
    cleaned = _check_all(
        files,
        settings,
        UploadKind.PHOTO,
        lambda data: imaging.clean_photo(
            data, max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels
        ),
    )
    store = PhotoStore.of(settings)
    return [PhotoRead.of(photos.store_photo(session, store, clean)) for _, clean in cleaned]


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
    photo = _visible(session, principal, photo_id, UploadKind.PHOTO)
    return photo_response(session, settings, photo)


@files_router.post(
    "",
    status_code=201,
    summary="Upload one or more files, PDF (multipart field `files`): staff's evidence",
    responses=problem_responses(
        (403, "Integrations and supervisors do not upload files"),
        (
            415,
            "A file that is not a PDF (the type is read from its bytes): a photo, an office "
            "document or an archive",
        ),
        (413, "A file over the size limit of photos (HOTLINE_MAX_PHOTO_BYTES), or the body"),
        (422, "A PDF that is truncated or damaged, or more files than a ticket takes"),
    ),
)
def upload_files(
    files: Annotated[list[UploadFile], File(description="PDF")],
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> list[FileRead]:
    """Staff's documents (an inspection report, a scanned rectification notice) to list
    under `files` of a reply, a note or a return visit; the same size limit, storage and
    access as photos. Every file is checked before any is stored."""
    ensure_may_upload_files(principal)
    checked = _check_all(
        files,
        settings,
        UploadKind.FILE,
        lambda data: documents.check_file(data, max_bytes=settings.max_photo_bytes),
    )
    store = PhotoStore.of(settings)
    return [
        FileRead.of(
            photos.store_file(session, store, file, documents.clean_filename(upload.filename))
        )
        for upload, file in checked
    ]


@files_router.get(
    "/{file_id}",
    summary="A stored file, as a download",
    response_class=Response,
    responses={
        200: {"content": FILE_CONTENT},
        **problem_responses((404, "No such file, or not one the caller may see"), MISSING_BYTES),
    },
)
def get_file(
    file_id: str, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> Response:
    """Who may read it as for photos: city-wide staff any file, unit staff and
    integrations the files of tickets they may read."""
    file = _visible(session, principal, file_id, UploadKind.FILE)
    return file_response(session, settings, file, show_name=True)
