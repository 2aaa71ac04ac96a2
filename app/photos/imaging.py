"""Vet and clean an uploaded photo: bytes in, a metadata-free upright image out.

Pure: no database, no HTTP. The caller maps the rejections (app.photos.rejections) to status
codes (415 unsupported type, 413 too large, 422 corrupt) and stores `CleanPhoto.data`.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, ImageOps

from app.photos.rejections import Corrupt, TooLarge, UnsupportedType, UploadRejected

ACCEPTED_TYPES_TEXT = "JPEG, PNG or WebP"

# Everything Pillow's decoders are known to raise on bad input. Catching only these (not
# `Exception`) keeps real bugs visible as 500s instead of blaming the upload.
_DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,  # includes UnidentifiedImageError and "image file is truncated"
    SyntaxError,  # Pillow's historical "broken PNG file" / "not a TIFF file"
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
)


# The names photo code knows; the reasons are those of every upload (app.photos.rejections).
ImageRejected = UploadRejected


class UnsupportedImageType(UnsupportedType):
    """The bytes are not a JPEG, PNG or WebP image (answer 415)."""


class ImageTooLarge(TooLarge):
    """Too many bytes or too many pixels (answer 413)."""


class CorruptImage(Corrupt):
    """The magic number says image, but it does not decode (answer 422)."""


@dataclass(frozen=True)
class GpsPoint:
    lat: float
    lon: float


@dataclass(frozen=True)
class CleanPhoto:
    sha256: str
    content_type: str
    extension: str
    width: int
    height: int
    data: bytes
    exif_gps: GpsPoint | None


@dataclass(frozen=True)
class _Format:
    pillow_name: str
    label: str
    extension: str
    save_options: Mapping[str, Any]


_FORMATS: dict[str, _Format] = {
    "image/jpeg": _Format("JPEG", "JPEG", "jpg", {"quality": 90}),
    "image/png": _Format("PNG", "PNG", "png", {"optimize": False}),
    "image/webp": _Format("WEBP", "WebP", "webp", {"quality": 90}),
}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_MODES = frozenset({"L", "RGB"})

_GPS_STATUS = 9
_GPS_STATUS_VOID = "V"


def sniff_image_type(head: bytes) -> str | None:
    """Content type from magic bytes only (JPEG FF D8 FF, PNG signature, RIFF....WEBP), else None.

    `head` needs at most the first 12 bytes of the file.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(_PNG_SIGNATURE):
        return "image/png"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Validate an upload and return it re-encoded without any metadata.

    Promises: the type comes from the bytes alone; the pixel count is checked from the header
    before any pixel is decoded; the returned `data` is the same format as the input, upright
    (EXIF orientation applied) and carries no EXIF, GPS, XMP, IPTC, ICC profile or comments;
    `exif_gps` is the original EXIF position when it is present and plausible.

    Raises `UnsupportedImageType`, `ImageTooLarge` or `CorruptImage` (all `ImageRejected`).
    """
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"The photo is {len(data)} bytes; the limit is {max_bytes} bytes. "
            "Resize or recompress it before uploading."
        )
    content_type = sniff_image_type(data[:12])
    if content_type is None:
        raise UnsupportedImageType(
            f"Unsupported image type: send a {ACCEPTED_TYPES_TEXT} photo. The type is read "
            "from the file's content, not from its name or Content-Type header."
        )
    fmt = _FORMATS[content_type]

    # Pillow warns (DecompressionBombWarning) above Image.MAX_IMAGE_PIXELS and raises above
    # twice that. We do not touch the global warning filters (not thread-safe under a
    # threadpool); our own max_pixels check below refuses those images anyway, and if a
    # deployment turns warnings into errors the warning is mapped like the error.
    try:
        with Image.open(io.BytesIO(data), formats=[fmt.pillow_name]) as image:
            width, height = image.size  # from the header: Image.open decodes no pixels
            if width * height > max_pixels:
                raise ImageTooLarge(
                    f"The photo is {width}x{height} = {width * height} pixels; the limit is "
                    f"{max_pixels} pixels. Resize it before uploading."
                )
            image.load()  # full decode: a truncated or damaged file fails here
            cleaned, gps = _clean_loaded(image, fmt)
            # Encode before the `with` ends: closing the file releases the pixels.
            clean_bytes = _encode(cleaned, fmt)
            width, height = cleaned.size
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(
            f"The photo has too many pixels; the limit is {max_pixels} pixels. "
            "Resize it before uploading."
        ) from exc
    except _DECODE_ERRORS as exc:
        raise CorruptImage(
            f"The file looks like a {fmt.label} image but could not be decoded (truncated "
            "or damaged). Export the photo again and re-upload it."
        ) from exc

    return CleanPhoto(
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        extension=fmt.extension,
        width=width,
        height=height,
        data=clean_bytes,
        exif_gps=gps,
    )


def _clean_loaded(image: Image.Image, fmt: _Format) -> tuple[Image.Image, GpsPoint | None]:
    """Read GPS, turn the pixels upright and drop every piece of metadata."""
    exif = _read_exif(image)
    gps = _gps_from_exif(exif) if exif is not None else None
    if exif is not None:
        # In place: the rotation is the only pixel copy we make.
        ImageOps.exif_transpose(image, in_place=True)
    if fmt.pillow_name == "JPEG" and image.mode not in _JPEG_MODES:
        image = image.convert("RGB")  # CMYK (and anything exotic) -> what browsers show right
    # Savers fall back to image.info for some chunks (JPEG comment, PNG ICC profile), so empty
    # it. Only PNG transparency is pixel semantics, not metadata, and must survive.
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image, gps


def _encode(image: Image.Image, fmt: _Format) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt.pillow_name, **fmt.save_options)
    return out.getvalue()


def _read_exif(image: Image.Image) -> Image.Exif | None:
    """The image's EXIF, or None when it is unreadable (then we neither rotate nor locate)."""
    try:
        return image.getexif()
    except _DECODE_ERRORS:
        return None


def _gps_from_exif(exif: Image.Exif) -> GpsPoint | None:
    """The EXIF GPS position in signed decimal degrees, or None when absent or implausible."""
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        if not gps or _ascii(gps.get(_GPS_STATUS)) == _GPS_STATUS_VOID:
            return None
        lat = _signed_degrees(
            gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S"
        )
        lon = _signed_degrees(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W"
        )
    # GPS is optional, best-effort metadata from an untrusted file: whatever shape it takes,
    # a failure to read it means "no position", never a rejected upload.
    except Exception:
        return None
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    if lat == 0 and lon == 0:
        return None  # receivers write 0/0 when they have no fix
    return GpsPoint(lat=lat, lon=lon)


def _signed_degrees(dms: object, ref: object, positive: str, negative: str) -> float | None:
    if not isinstance(dms, tuple) or len(dms) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in dms)
    if not all(math.isfinite(part) and part >= 0 for part in (degrees, minutes, seconds)):
        return None
    if minutes >= 60 or seconds >= 60:
        return None
    value = degrees + minutes / 60 + seconds / 3600
    hemisphere = _ascii(ref)
    if hemisphere == positive:
        return value
    if hemisphere == negative:
        return -value
    return None


def _ascii(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str):
        return value.strip("\x00 ").upper()
    return None
