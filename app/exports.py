"""Tables written as CSV (UTF-8 with a BOM, so Excel opens Chinese text correctly) or XLSX
(openpyxl's write-only mode), row by row into a temporary file, and sent from it: a million
rows take the same memory as ten. The file is written before the answer starts, so the
request's database session is finished with when the body is sent."""

import codecs
import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from sqlalchemy import ColumnElement, Connection, Select, case, func, literal

if TYPE_CHECKING:
    import psycopg

_CHUNK = 256 * 1024
_CSV_BLOCK_ROWS = 2000
# Text a spreadsheet would run as a formula (CSV injection): written with a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How an instant reads in a CSV file: the city's local time, to the second.
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_POSTGRES_LOCAL_TIME_FORMAT = "YYYY-MM-DD HH24:MI:SS"


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


@lru_cache(maxsize=32)
def _fixed_offset(zone: ZoneInfo, first: date, last: date) -> timedelta | None:
    """The zone's offset from UTC when it is the same at every hour from `first` to `last`
    (China's time all year), else None."""
    at = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC)
    offset = at.astimezone(zone).utcoffset()
    while at <= end:
        if at.astimezone(zone).utcoffset() != offset:
            return None
        at += timedelta(hours=1)
    return offset


def local_time_text(
    column: ColumnElement[datetime], zone: ZoneInfo, dialect: str, around: tuple[date, date]
) -> ColumnElement[str] | None:
    """`column`'s instants as the city's local time in LOCAL_TIME_FORMAT, formatted by the
    database (in C, where Python takes microseconds a value); None when it cannot, which is
    SQLite in a zone whose offset changes between the days `around` (the CSV writer then
    formats the instants itself, the same way)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(zone.key, column), _POSTGRES_LOCAL_TIME_FORMAT)
    offset = _fixed_offset(zone, *around)
    if offset is None:
        return None
    return func.strftime(LOCAL_TIME_FORMAT, column, f"{int(offset.total_seconds()):+d} seconds")


def formula_safe(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """`column`'s text as the CSV writer writes it (a leading quote before what a
    spreadsheet would run as a formula), computed by the database."""
    return case(
        (func.substr(column, 1, 1).in_(_FORMULA_STARTS), literal("'") + column), else_=column
    )


def _cell(value: Any, zone: tzinfo) -> Any:
    """A value as a spreadsheet shows it: instants in the city's local time."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _CsvCells:
    """Rows as CSV cells, as `_cell` shows them (None is written empty by the csv module).

    A column's type is learnt from its first value that is not None; after that only the
    columns of text (checked for formulas) and of instants (turned local) are touched, so
    the codes, counts and rates of a million rows pass through untouched."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.unknown: list[int] | None = None
        self.texts: list[int] = []
        self.instants: list[int] = []

    def _learn(self, row: Sequence[Any]) -> None:
        if self.unknown is None:
            self.unknown = list(range(len(row)))
        still = []
        for index in self.unknown:
            value = row[index]
            if value is None:
                still.append(index)
            elif isinstance(value, datetime):
                self.instants.append(index)
            elif isinstance(value, str):
                self.texts.append(index)
        self.unknown = still

    def __call__(self, row: Sequence[Any]) -> list[Any]:
        if self.unknown is None or self.unknown:
            self._learn(row)
        cells = list(row)
        for index in self.texts:
            text = cells[index]
            if text is not None and text.startswith(_FORMULA_STARTS):
                cells[index] = "'" + text
        for index in self.instants:
            instant = cells[index]
            if instant is not None:
                if instant.tzinfo is not None:
                    instant = instant.astimezone(self.zone)
                cells[index] = instant.strftime(LOCAL_TIME_FORMAT)
        return cells


def _write_csv(
    target: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], zone: tzinfo
) -> None:
    cells = _CsvCells(zone)
    target.write(codecs.BOM_UTF8)
    _write_blocks(target, chain([[header]], _blocks(map(cells, rows))))


def _blocks(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while block := list(islice(iterator, _CSV_BLOCK_ROWS)):
        yield block


def _write_blocks(target: IO[bytes], blocks: Iterable[Iterable[Sequence[Any]]]) -> None:
    """Rows written as CSV text into a buffer and encoded a block at a time: encoding row
    by row costs as much as writing the row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for block in blocks:
        writer.writerows(block)
        target.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()


def _write(
    target: IO[bytes],
    format_: ExportFormat,
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    zone: tzinfo,
) -> None:
    if format_ is ExportFormat.CSV:
        _write_csv(target, header, rows, zone)
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


def csv_file(connection: Connection, query: Select[Any], header: Sequence[str]) -> IO[bytes]:
    """The rows of `query` as a CSV file at its start (BOM, header, rows), for a query whose
    columns are CSV cells already: text made formula-safe, instants as local text, numbers.
    PostgreSQL writes the rows itself (COPY ... TO STDOUT, in C); SQLite's rows are
    written as they are read, a block at a time."""
    target = tempfile.TemporaryFile()  # noqa: SIM115  (sent, then closed, by the caller)
    try:
        target.write(codecs.BOM_UTF8)
        _write_blocks(target, [[header]])
        if connection.dialect.name == "postgresql":
            _copy_csv(connection, query, target)
        else:
            rows = connection.execute(query, execution_options={"yield_per": _CSV_BLOCK_ROWS})
            _write_blocks(target, rows.partitions())
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def _copy_csv(connection: Connection, query: Select[Any], target: IO[bytes]) -> None:
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    parameters = compiled.construct_params()
    for name, bind in compiled.binds.items():
        # The values as Core would send them (UtcDateTime refuses a naive instant).
        convert = bind.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
        if convert is not None and name in parameters:
            parameters[name] = convert(parameters[name])
    driver: psycopg.Connection[Any] = connection.connection.driver_connection  # type: ignore[assignment]
    cursor = driver.cursor()
    try:
        statement = f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv)"
        with cursor.copy(statement, parameters) as copy:
            while block := copy.read():
                target.write(block)
    finally:
        cursor.close()


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
