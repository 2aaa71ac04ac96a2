"""Tables written as CSV (UTF-8 with a BOM, so Excel opens Chinese text correctly) or XLSX
(openpyxl's write-only mode), row by row into a temporary file, and sent from it: a million
rows take the same memory as ten. The file is written before the answer starts, so the
request's database session is finished with when the body is sent."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import IO, Any

from fastapi.responses import StreamingResponse
from openpyxl import Workbook

_CHUNK = 256 * 1024
# Text a spreadsheet would run as a formula (CSV injection): written with a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_answer(*formats: ExportFormat, description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answer of an export route: its file in each of `formats`."""
    content: dict[str, Any] = {MEDIA_TYPES[format_].partition(";")[0]: {} for format_ in formats}
    return {200: {"description": description, "content": content}}


def _cell(value: Any, zone: tzinfo) -> Any:
    """A value as a spreadsheet shows it: instants in the city's local time."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: Any, zone: tzinfo) -> Any:
    value = _cell(value, zone)
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return "" if value is None else value


def _write(
    target: IO[bytes],
    format_: ExportFormat,
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    zone: tzinfo,
) -> None:
    if format_ is ExportFormat.CSV:
        text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows([_csv_text(value, zone) for value in row] for row in rows)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append([_cell(value, zone) for value in row])
    workbook.save(target)


def write_table(
    format_: ExportFormat,
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    zone: tzinfo,
) -> IO[bytes]:
    """The table in a temporary file, at its start; the caller sends and closes it."""
    # Not a `with`: the file outlives this call, until the answer has been sent.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        _write(target, format_, sheet, header, rows, zone)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := source.read(_CHUNK):
            yield chunk
    finally:
        source.close()


def file_response(source: IO[bytes], format_: ExportFormat, name: str) -> StreamingResponse:
    """Send a written table as a download named `name`.csv or .xlsx."""
    filename = f"{name}.{format_.value}"
    return StreamingResponse(
        _chunks(source),
        media_type=MEDIA_TYPES[format_],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
