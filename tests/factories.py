"""Small typed builders of request bodies and photos, for the tests."""

import io
import itertools
import time
from datetime import UTC, datetime
from typing import Any

import openpyxl
from PIL import Image

from app.demo.city import build_demo_city

_counter = itertools.count(1)

# A point inside the demo city, and the codes of a real community and unit grid there.
CITY = build_demo_city()
COMMUNITY_CODE = next(grid.code for grid in CITY.grids if grid.level == 2)
UNIT_GRID_CODE = next(grid.code for grid in CITY.grids if grid.level == 3)
STREET_LIGHT = "0101"


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def call(**overrides: Any) -> dict[str, Any]:
    body = {
        "caller_number": "13812341234",
        "agent_id": "agent-07",
        "started_at": "2026-11-23T09:15:00+08:00",
        "recording_ref": "rec/2026/11/23/0915-0007.wav",
    }
    return body | overrides


def hotline_12345(**overrides: Any) -> dict[str, Any]:
    body = {
        "channel": "hotline_12345",
        "external_id": unique("call"),
        "call": call(),
        "request_type": "complaint",
        "category_code": STREET_LIGHT,
        "description": "小区门口路灯不亮已经三天了，晚上出行很不方便。",
        "reporter": {"name": "张三", "phone": "13812341234"},
        "location": {"lat": 27.3300, "lon": 118.1200, "crs": "gcj02"},
        "address": "潭城区建安大道88号",
    }
    return body | overrides


def minsheng_110(**overrides: Any) -> dict[str, Any]:
    body = hotline_12345(channel="minsheng_110", external_id=unique("m110"))
    body["incident_110_number"] = "110-20261123-0042"
    return body | overrides


def photo_report(photo_ids: list[str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "photo_report",
        "external_id": unique("app"),
        "description": "路面塌陷一个大坑",
        "photos": photo_ids,
        "location": {"lat": 27.3300, "lon": 118.1200, "crs": "gcj02"},
    }
    return body | overrides


def qr_code(**overrides: Any) -> dict[str, Any]:
    body = {"channel": "qr_code", "community_code": COMMUNITY_CODE, "description": "楼道堆放杂物"}
    return body | overrides


def grid_patrol(**overrides: Any) -> dict[str, Any]:
    body = {
        "channel": "grid_patrol",
        "external_id": unique("patrol"),
        "worker_id": "gw-0042",
        "grid_code": UNIT_GRID_CODE,
        "description": "巡查发现井盖缺失",
    }
    return body | overrides


def web(**overrides: Any) -> dict[str, Any]:
    body = {"channel": "web", "description": "建议在公园增设健身器材", "request_type": "suggestion"}
    return body | overrides


def _rational_dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    return (float(degrees), float(minutes), round((minutes_float - minutes) * 60, 4))


def jpeg_bytes(
    width: int = 64,
    height: int = 48,
    gps: tuple[float, float] | None = None,
    colour: tuple[int, int, int] = (200, 40, 40),
) -> bytes:
    """A real JPEG, with an EXIF GPS point (WGS-84 lat, lon) when given."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: must not survive cleaning
    if gps is not None:
        lat, lon = gps
        exif.get_ifd(0x8825).update(
            {
                1: "N" if lat >= 0 else "S",
                2: _rational_dms(abs(lat)),
                3: "E" if lon >= 0 else "W",
                4: _rational_dms(abs(lon)),
            }
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bytes(width: int = 32, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


SCANNED_AT = time.gmtime(datetime(2026, 11, 23, 9, 30, tzinfo=UTC).timestamp())


def pdf_bytes(pages: int = 1, colour: tuple[int, int, int] = (250, 250, 250)) -> bytes:
    """A real PDF, as a scanner or an office suite's "save as PDF" writes one: each page a
    scanned image; each colour gives other bytes, so another file id."""
    scans = [Image.new("RGB", (120, 170), colour) for _ in range(pages)]
    buffer = io.BytesIO()
    scans[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=scans[1:],
        resolution=72,
        creationDate=SCANNED_AT,  # the same bytes on every call, so the same file id
        modDate=SCANNED_AT,
    )
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A real Excel workbook (an office document: refused as a file)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["整改事项", "完成时间"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
