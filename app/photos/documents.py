"""Vet an uploaded file (a scanned notice, an inspection report): bytes in, a file of an
accepted type out, or the reason it is refused.

Pure: no database, no HTTP. The type is read from the bytes alone, never from the file's
name or the client's Content-Type. PDF is the one type taken: every office suite (WPS
included) and every scanner writes it, and its structure can be checked from its first
and last bytes. Office documents (DOC/DOCX, XLS/XLSX, WPS, OFD) are refused: they are
OLE or ZIP containers that may carry macros, embedded programs and links to remote
templates, which only a full parser of each format could rule out.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from app.photos.imaging import sniff_image_type
from app.photos.rejections import Corrupt, TooLarge, UnsupportedType

ACCEPTED_TYPES_TEXT = "PDF"

# At offset 0, not anywhere in the first KiB as readers tolerate: a file that starts as
# another format (HTML, ZIP) and hides a PDF further on is refused.
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
# Readers look for the end-of-file marker in the last KiB; a truncated upload lacks it.
_PDF_TAIL_BYTES = 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # DOC, XLS, PPT, WPS
_ZIP = b"PK\x03\x04"  # DOCX, XLSX, OFD, archives
_FILENAME_CHARS = 120


class UnsupportedFileType(UnsupportedType):
    """Not a PDF (answer 415)."""


class FileTooLarge(TooLarge):
    """Over the byte limit (answer 413)."""


class CorruptFile(Corrupt):
    """It starts as a PDF but is truncated or damaged (answer 422)."""


@dataclass(frozen=True)
class CheckedFile:
    sha256: str
    content_type: str
    extension: str
    data: bytes


def check_file(data: bytes, *, max_bytes: int) -> CheckedFile:
    """Accept `data` as a PDF, unchanged, or raise `UnsupportedFileType`, `FileTooLarge` or
    `CorruptFile` with a reason the uploader can act on.

    Promises: the type comes from the bytes alone; the PDF header is at the first byte and
    the end-of-file marker with its cross-reference pointer in the last KiB. The content
    itself (text, scripts, metadata) is not parsed: files are served only as downloads.
    """
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"The file is {len(data)} bytes; the limit is {max_bytes} bytes. "
            "Scan at a lower resolution or split it before uploading."
        )
    if not _PDF_HEADER.match(data):
        raise UnsupportedFileType(_why_not(data))
    tail = data[-_PDF_TAIL_BYTES:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise CorruptFile(
            "The file starts as a PDF but has no end-of-file marker (truncated or damaged). "
            "Save or scan it again and re-upload it."
        )
    return CheckedFile(
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        extension="pdf",
        data=data,
    )


def _why_not(data: bytes) -> str:
    image = sniff_image_type(data[:12])
    if image is not None:
        return (
            f"This is a photo ({image}): upload it to /api/v1/photos, which removes its "
            "metadata, and attach it as a photo."
        )
    if data.startswith((_OLE2, _ZIP)):
        return (
            "Office documents and archives (Word, Excel, WPS, OFD, ZIP) are not accepted: "
            "they may carry macros or embedded programs. Save or print the document as PDF."
        )
    return (
        f"Unsupported file type: send a {ACCEPTED_TYPES_TEXT} file. The type is read from "
        "the file's content, not from its name or Content-Type header."
    )


def clean_filename(name: str | None) -> str | None:
    """The name to show staff: its last path part, without control characters, at most
    120 characters; None when nothing is left."""
    if not name:
        return None
    last = re.split(r"[\\/]", name)[-1]
    printable = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    return printable[:_FILENAME_CHARS] or None
