"""Which files staff may upload: PDF, read from the bytes; everything else refused with a
reason the uploader can act on."""

import hashlib
import io
import zipfile
from collections.abc import Callable

import pytest

from app.photos.documents import (
    CheckedFile,
    CorruptFile,
    FileTooLarge,
    UnsupportedFileType,
    check_file,
    clean_filename,
)
from app.photos.rejections import Corrupt, TooLarge, UnsupportedType
from tests import factories

MAX_BYTES = 10 * 1024 * 1024


def _check(data: bytes) -> CheckedFile:
    return check_file(data, max_bytes=MAX_BYTES)


def test_a_scanned_pdf_is_kept_as_it_came() -> None:
    pdf = factories.pdf_bytes(pages=2)

    checked = _check(pdf)

    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"
    assert checked.data == pdf
    assert checked.sha256 == hashlib.sha256(pdf).hexdigest()


def _docx() -> bytes:
    """A Word document's container as Word writes it (parts named, content irrelevant)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


OLE2_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504  # Word 97, Excel 97, WPS


@pytest.mark.parametrize(
    ("data", "advice"),
    [
        pytest.param(factories.jpeg_bytes(), "/api/v1/photos", id="jpeg"),
        pytest.param(factories.png_bytes(), "/api/v1/photos", id="png"),
        pytest.param(factories.xlsx_bytes(), "Save or print the document as PDF", id="xlsx"),
        pytest.param(_docx(), "Save or print the document as PDF", id="docx"),
        pytest.param(OLE2_DOC, "Save or print the document as PDF", id="doc-xls-wps"),
        pytest.param(b"<html><script>alert(1)</script>", "send a PDF file", id="html"),
        pytest.param(b"", "send a PDF file", id="empty"),
    ],
)
def test_anything_but_a_pdf_is_refused_with_what_to_do(data: bytes, advice: str) -> None:
    with pytest.raises(UnsupportedFileType) as caught:
        _check(data)

    assert isinstance(caught.value, UnsupportedType)  # answered 415
    assert advice in caught.value.reason


def test_a_pdf_hidden_behind_another_format_is_refused() -> None:
    # Readers accept the header anywhere in the first KiB: a polyglot would pass them.
    with pytest.raises(UnsupportedFileType):
        _check(b"<html>" + factories.pdf_bytes())


def test_a_pdf_named_otherwise_is_still_a_pdf() -> None:
    # Nothing but the bytes is looked at: no name, no client content type reach the check.
    assert _check(factories.pdf_bytes(colour=(1, 2, 3))).content_type == "application/pdf"


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda pdf: pdf[: len(pdf) // 2], id="truncated"),
        pytest.param(lambda pdf: pdf.replace(b"%%EOF", b"%%END"), id="no-end-marker"),
        pytest.param(lambda pdf: pdf.replace(b"startxref", b"startref!"), id="no-xref-pointer"),
        pytest.param(lambda pdf: b"%PDF-1.7\n", id="header-only"),
    ],
)
def test_a_damaged_pdf_is_refused_as_corrupt(cut: Callable[[bytes], bytes]) -> None:
    with pytest.raises(CorruptFile) as caught:
        _check(cut(factories.pdf_bytes()))

    assert isinstance(caught.value, Corrupt)  # answered 422
    assert "Save or scan it again" in caught.value.reason


def test_a_file_over_the_limit_is_too_large_with_the_limit_said() -> None:
    pdf = factories.pdf_bytes()

    with pytest.raises(FileTooLarge) as caught:
        check_file(pdf, max_bytes=len(pdf) - 1)

    assert isinstance(caught.value, TooLarge)  # answered 413
    assert f"the limit is {len(pdf) - 1} bytes" in caught.value.reason
    assert check_file(pdf, max_bytes=len(pdf)).data == pdf


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("整改通知书.pdf", "整改通知书.pdf"),
        ("C:\\Users\\王\\扫描件 001.pdf", "扫描件 001.pdf"),
        ("../../etc/passwd", "passwd"),
        ("report\r\nX-Injected: 1.pdf", "reportX-Injected: 1.pdf"),
        ("  ", None),
        ("", None),
        (None, None),
        ("长" * 200 + ".pdf", "长" * 120),
    ],
)
def test_the_name_kept_is_the_last_path_part_without_control_characters(
    given: str | None, kept: str | None
) -> None:
    assert clean_filename(given) == kept
