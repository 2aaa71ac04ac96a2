"""How an uploaded photo looks to API clients."""

from pydantic import Field

from app.photos.models import Photo
from app.schemas import OutputModel


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
        return cls(
            id=photo.id,
            url=f"/api/v1/photos/{photo.id}",
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size_bytes=photo.size_bytes,
            exif_gps=gps,
        )
