"""How an uploaded photo or file looks to API clients."""

from pydantic import Field

from app.photos.models import Photo
from app.schemas import OutputModel

PHOTOS_URL = "/api/v1/photos"
FILES_URL = "/api/v1/files"


def pixels(photo: Photo) -> tuple[int, int]:
    """A photo's width and height (every photo has them: a constraint says so)."""
    width, height = photo.width, photo.height
    assert width is not None, photo.id
    assert height is not None, photo.id
    return width, height


class PhotoGps(OutputModel):
    lat: float
    lon: float


class PhotoRead(OutputModel):
    id: str = Field(description="SHA-256 of the uploaded bytes; reference it in a ticket.")
    url: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    exif_gps: PhotoGps | None = Field(
        description="Where the phone said the photo was taken (WGS-84); the served file "
        "carries no metadata."
    )

    @classmethod
    def of(cls, photo: Photo) -> "PhotoRead":
        gps = None
        if photo.exif_lat is not None and photo.exif_lon is not None:
            gps = PhotoGps(lat=photo.exif_lat, lon=photo.exif_lon)
        width, height = pixels(photo)
        return cls(
            id=photo.id,
            url=f"{PHOTOS_URL}/{photo.id}",
            content_type=photo.content_type,
            width=width,
            height=height,
            size_bytes=photo.size_bytes,
            exif_gps=gps,
        )


class FileRead(OutputModel):
    id: str = Field(
        description="SHA-256 of the file; list it under `files` of a reply, a note or a visit."
    )
    url: str = Field(description="Downloads the file (as an attachment, never shown inline).")
    content_type: str = Field(description="application/pdf")
    size_bytes: int
    filename: str | None = Field(
        description="The name it was first uploaded under (staff only; the same bytes "
        "uploaded again keep that name)."
    )

    @classmethod
    def of(cls, file: Photo) -> "FileRead":
        return cls(
            id=file.id,
            url=f"{FILES_URL}/{file.id}",
            content_type=file.content_type,
            size_bytes=file.size_bytes,
            filename=file.filename,
        )
