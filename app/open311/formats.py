"""Open311's two formats: the same documents as JSON or as XML (the required one).

A document is plain data (dicts, lists, strings, numbers, booleans, datetimes, None). In
XML a list's items are named by the singular of the list's name, as the specification's
examples do (`<attributes><attribute>`, `<values><value>`).
"""

import xml.etree.ElementTree as ElementTree
from datetime import datetime
from typing import Any

import orjson
from fastapi import Response

FORMATS = ("json", "xml")
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
_SINGULAR = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "clocks": "clock",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, list):
        item_name = _SINGULAR.get(element.tag, "item")
        for child in value:
            _fill(ElementTree.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def _xml(root: str, item: str | None, content: Any) -> bytes:
    element = ElementTree.Element(root)
    if item is None:
        _fill(element, content)
    else:
        for row in content:
            _fill(ElementTree.SubElement(element, item), row)
    body: bytes = ElementTree.tostring(element, encoding="utf-8")
    # The declaration as the specification asks for it (ElementTree's own uses single quotes).
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body.split(b"?>", 1)[-1].lstrip()


def render(fmt: str, root: str, item: str | None, content: Any, status: int = 200) -> Response:
    """`content` as JSON, or as XML under `root` (each of its rows as an `item` when given)."""
    body = _xml(root, item, content) if fmt == "xml" else orjson.dumps(content)
    return Response(body, status, media_type=MEDIA_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: list[str]) -> Response:
    """Open311's error document: a list of (code, description)."""
    rows = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", "error", rows, status)
