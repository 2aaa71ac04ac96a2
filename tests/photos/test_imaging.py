import hashlib
import io
import struct
import zlib
from typing import Any

import pytest
from PIL import ExifTags, Image, TiffImagePlugin
from PIL.PngImagePlugin import PngInfo

from app.photos.imaging import (
    CleanPhoto,
    CorruptImage,
    GpsPoint,
    ImageRejected,
    ImageTooLarge,
    UnsupportedImageType,
    clean_photo,
    sniff_image_type,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

Rational = TiffImagePlugin.IFDRational

# 27.3312 N, 118.1205 E as a camera writes them: 27° 19' 52.32", 118° 7' 13.8".
LAT_DMS = (Rational(27, 1), Rational(19, 1), Rational(5232, 100))
LON_DMS = (Rational(118, 1), Rational(7, 1), Rational(138, 10))

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def _clean(data: bytes) -> CleanPhoto:
    return clean_photo(data, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _picture(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue, so a rotation is visible in the pixels."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image if mode == "RGB" else image.convert(mode)


def _exif(gps: dict[int, Any] | None = None, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps is not None:
        exif[ExifTags.IFD.GPSInfo] = gps
    return exif


def _gps(lat_ref: str = "N", lon_ref: str = "E", **overrides: Any) -> dict[int, Any]:
    gps: dict[int, Any] = {
        ExifTags.GPS.GPSLatitudeRef: lat_ref,
        ExifTags.GPS.GPSLatitude: LAT_DMS,
        ExifTags.GPS.GPSLongitudeRef: lon_ref,
        ExifTags.GPS.GPSLongitude: LON_DMS,
    }
    for name, value in overrides.items():
        tag = ExifTags.GPS[name]
        if value is None:
            del gps[tag]
        else:
            gps[tag] = value
    return gps


def _camera_jpeg(gps: dict[int, Any] | None = None, orientation: int | None = None) -> bytes:
    return _encode(
        _picture(),
        "JPEG",
        exif=_exif(gps, orientation),
        comment=b"shot by reporter 4711",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp</x:xmpmeta>',
    )


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _bilevel_png(width: int, height: int, *, with_pixels: bool = True) -> bytes:
    """A hand-made 1-bit greyscale PNG: the header can claim any size without building it."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = [_png_chunk(b"IHDR", header)]
    if with_pixels:
        row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed black pixels
        compressor = zlib.compressobj(9)
        body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
        chunks.append(_png_chunk(b"IDAT", body))
    chunks.append(_png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    return _bilevel_png(20_000, 20_000)


def _assert_no_metadata(data: bytes) -> None:
    reopened = Image.open(io.BytesIO(data))
    assert not reopened.getexif()
    assert not reopened.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for marker in (b"Exif", b"PhoneCo", b"secret-xmp", b"reporter 4711", b"xmpmeta"):
        assert marker not in data
    for key in ("exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"):
        assert key not in reopened.info


# --- sniffing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_sniff_recognises_accepted_types(fmt: str, content_type: str) -> None:
    data = _encode(_picture(), fmt)

    assert sniff_image_type(data[:12]) == content_type


@pytest.mark.parametrize(
    "head",
    [
        _encode(_picture(), "GIF"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"this is a text file named photo.jpg\n",
        b"",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
        b"\xff\xd8",  # too short to be sure it is a JPEG
    ],
    ids=["gif", "pdf", "text", "empty", "heic", "riff-wave", "two-bytes"],
)
def test_sniff_rejects_everything_else(head: bytes) -> None:
    assert sniff_image_type(head[:12]) is None


# --- type, size and pixel limits -----------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [_encode(_picture(), "GIF"), b"hello, this is not a photo\n", b""],
    ids=["gif", "text-renamed-jpg", "empty"],
)
def test_clean_photo_refuses_other_types_and_names_the_accepted_ones(data: bytes) -> None:
    with pytest.raises(UnsupportedImageType) as caught:
        _clean(data)

    assert "JPEG, PNG or WebP" in caught.value.reason
    assert isinstance(caught.value, ImageRejected)


def test_clean_photo_refuses_more_bytes_than_the_limit_and_says_the_limit() -> None:
    data = _camera_jpeg()

    with pytest.raises(ImageTooLarge) as caught:
        clean_photo(data, max_bytes=len(data) - 1, max_pixels=MAX_PIXELS)

    assert str(len(data) - 1) in caught.value.reason
    assert clean_photo(data, max_bytes=len(data), max_pixels=MAX_PIXELS).width == 40


def test_clean_photo_checks_pixels_from_the_header_before_decoding() -> None:
    # No pixel data at all: decoding would fail as corrupt, so the size is judged first.
    header_only = _bilevel_png(8_000, 8_000, with_pixels=False)

    with pytest.raises(ImageTooLarge) as caught:
        _clean(header_only)

    assert "8000x8000" in caught.value.reason
    assert str(MAX_PIXELS) in caught.value.reason


def test_clean_photo_refuses_a_decompression_bomb(png_bomb: bytes) -> None:
    assert len(png_bomb) < 100_000  # 400 million pixels in a few kilobytes

    with pytest.raises(ImageTooLarge):
        _clean(png_bomb)


def test_clean_photo_accepts_exactly_the_pixel_limit() -> None:
    photo = clean_photo(_camera_jpeg(), max_bytes=MAX_BYTES, max_pixels=40 * 20)

    assert (photo.width, photo.height) == (40, 20)
    with pytest.raises(ImageTooLarge):
        clean_photo(_camera_jpeg(), max_bytes=MAX_BYTES, max_pixels=40 * 20 - 1)


# --- corrupt files -------------------------------------------------------------------------


def test_truncated_jpeg_is_corrupt() -> None:
    data = _encode(_picture((400, 300)), "JPEG")

    with pytest.raises(CorruptImage) as caught:
        _clean(data[: len(data) // 2])

    assert "JPEG" in caught.value.reason


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff" + b"\x00garbage" * 50,
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 50,
        b"RIFF\x40\x00\x00\x00WEBP" + b"garbage" * 50,
        _encode(_picture((300, 200)), "PNG")[:-200],
    ],
    ids=["jpeg-magic", "png-magic", "webp-magic", "truncated-png"],
)
def test_garbage_behind_a_valid_magic_is_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptImage):
        _clean(data)


# --- GPS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat_ref", "lon_ref", "expected"),
    [
        ("N", "E", GpsPoint(lat=27.3312, lon=118.1205)),
        ("S", "W", GpsPoint(lat=-27.3312, lon=-118.1205)),
        ("N", "W", GpsPoint(lat=27.3312, lon=-118.1205)),
    ],
)
def test_gps_is_read_as_signed_decimal_degrees(
    lat_ref: str, lon_ref: str, expected: GpsPoint
) -> None:
    photo = _clean(_camera_jpeg(gps=_gps(lat_ref, lon_ref)))

    assert photo.exif_gps is not None
    assert photo.exif_gps.lat == pytest.approx(expected.lat, abs=1e-6)
    assert photo.exif_gps.lon == pytest.approx(expected.lon, abs=1e-6)


@pytest.mark.parametrize(
    "gps",
    [
        _gps(GPSLatitudeRef=None),
        _gps(GPSLatitudeRef="X"),
        _gps(GPSLatitude=(Rational(95, 1), Rational(0, 1), Rational(0, 1))),
        _gps(GPSLongitude=(Rational(118, 1), Rational(75, 1), Rational(0, 1))),
        _gps(GPSLatitude=(Rational(27, 0), Rational(19, 1), Rational(5232, 100))),
        _gps(GPSLatitude=(Rational(27, 1), Rational(19, 1))),
        _gps(GPSLongitude=None),
        _gps(GPSLatitude=Rational(27, 1)),
        _gps(GPSStatus="V"),
        _gps(
            GPSLatitude=(Rational(0, 1), Rational(0, 1), Rational(0, 1)),
            GPSLongitude=(Rational(0, 1), Rational(0, 1), Rational(0, 1)),
        ),
        {},
    ],
    ids=[
        "no-lat-ref",
        "bad-lat-ref",
        "lat-over-90",
        "minutes-over-60",
        "zero-denominator",
        "two-components",
        "no-longitude",
        "scalar-latitude",
        "void-fix",
        "null-island",
        "empty-ifd",
    ],
)
def test_malformed_gps_is_ignored_and_the_photo_still_accepted(gps: dict[int, Any]) -> None:
    photo = _clean(_camera_jpeg(gps=gps))

    assert photo.exif_gps is None
    assert photo.width == 40


def test_photo_without_exif_has_no_gps() -> None:
    assert _clean(_encode(_picture(), "JPEG")).exif_gps is None


# --- cleaning ------------------------------------------------------------------------------


def test_jpeg_output_has_no_metadata_and_is_upright() -> None:
    original = _camera_jpeg(gps=_gps(), orientation=6)
    assert b"Exif" in original
    assert b"secret-xmp" in original

    photo = _clean(original)

    assert photo.content_type == "image/jpeg"
    assert photo.extension == "jpg"
    assert photo.exif_gps is not None
    _assert_no_metadata(photo.data)
    reopened = Image.open(io.BytesIO(photo.data))
    assert reopened.format == "JPEG"
    assert (photo.width, photo.height) == reopened.size == (20, 40)
    # Orientation 6 means "turn 90° clockwise to view": the left (red) half ends up on top.
    rgb = reopened.convert("RGB")
    assert _close_to(rgb.getpixel((10, 5)), RED)
    assert _close_to(rgb.getpixel((10, 35)), BLUE)


def _close_to(pixel: object, expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(got - want) <= tolerance for got, want in zip(pixel, expected, strict=True))


def test_sha256_identifies_the_original_upload() -> None:
    original = _camera_jpeg(gps=_gps())

    first = _clean(original)
    again = _clean(original)

    assert first.sha256 == hashlib.sha256(original).hexdigest()
    assert again.sha256 == first.sha256
    assert first.data != original


def test_cmyk_jpeg_comes_out_rgb() -> None:
    photo = _clean(_encode(_picture(mode="CMYK"), "JPEG"))

    assert Image.open(io.BytesIO(photo.data)).mode == "RGB"


def test_png_round_trip_keeps_transparency_and_drops_metadata() -> None:
    image = _picture(mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    info = PngInfo()
    info.add_text("Comment", "shot by reporter 4711")
    info.add_itxt("XML:com.adobe.xmp", "secret-xmp")
    original = _encode(image, "PNG", pnginfo=info, exif=_exif(_gps(), orientation=6))

    photo = _clean(original)

    assert (photo.content_type, photo.extension) == ("image/png", "png")
    assert photo.exif_gps is not None
    _assert_no_metadata(photo.data)
    reopened = Image.open(io.BytesIO(photo.data))
    assert reopened.format == "PNG"
    assert reopened.mode == "RGBA"
    assert reopened.size == (photo.width, photo.height) == (20, 40)
    assert reopened.getpixel((19, 0)) == (0, 0, 0, 0)  # top-left corner, turned clockwise
    assert "Comment" not in reopened.info


def test_palette_png_keeps_its_transparent_colour() -> None:
    image = _picture().convert("P")
    original = _encode(image, "PNG", transparency=0)

    reopened = Image.open(io.BytesIO(_clean(original).data))

    assert reopened.mode == "P"
    assert reopened.info.get("transparency") == 0


def test_webp_round_trip_drops_metadata() -> None:
    original = _encode(
        _picture(),
        "WEBP",
        quality=90,
        exif=_exif(_gps("S", "W"), orientation=6),
        xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>",
    )
    assert b"EXIF" in original

    photo = _clean(original)

    assert (photo.content_type, photo.extension) == ("image/webp", "webp")
    assert photo.exif_gps is not None
    assert photo.exif_gps.lat < 0
    assert photo.exif_gps.lon < 0
    _assert_no_metadata(photo.data)
    assert b"EXIF" not in photo.data
    assert b"XMP " not in photo.data
    reopened = Image.open(io.BytesIO(photo.data))
    assert reopened.format == "WEBP"
    assert reopened.size == (photo.width, photo.height) == (20, 40)
