"""Reading and writing the folder's tables: CSV (UTF-8, or GBK as Excel writes it in
Chinese Windows) and XLSX, with every problem named by file, row and field."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # as a spreadsheet numbers it: the header is row 1
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.row}" if self.row is not None else "")
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass(frozen=True)
class TableSpec:
    name: str  # the file's name without its extension
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Table:
    file: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _decode(data: bytes, file: str, problems: list[Problem], table: Table) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")  # GBK's superset: what Excel saves as "CSV" in China
    except UnicodeDecodeError:
        problems.append(
            Problem(file, None, None, "is neither UTF-8 nor GBK text; save it as CSV UTF-8")
        )
        return None
    table.notes.append(f"{file}: not UTF-8, read as GBK")
    return text


def _csv_rows(path: Path, problems: list[Problem], table: Table) -> list[list[str]] | None:
    text = _decode(path.read_bytes(), path.name, problems, table)
    if text is None:
        return None
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        problems.append(Problem(path.name, None, None, f"is not valid CSV: {error}"))
        return None


def _xlsx_rows(path: Path, problems: list[Problem]) -> list[list[str]] | None:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file it cannot read
        problems.append(Problem(path.name, None, None, f"is not an XLSX workbook: {error}"))
        return None
    try:
        sheet = workbook.worksheets[0]
        return [
            ["" if cell is None else _cell_text(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps 10 as 10.0
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_table(path: Path, spec: TableSpec, problems: list[Problem]) -> Table:
    """The table's rows by their row number, blank cells as ""; every problem of its form
    (not UTF-8 or GBK, a missing or unknown column, an empty row among others) is added to
    `problems`."""
    table = Table(path.name)
    raw = _xlsx_rows(path, problems) if path.suffix == ".xlsx" else _csv_rows(path, problems, table)
    if raw is None:
        return table
    while raw and not any(cell.strip() for cell in raw[-1]):
        raw.pop()  # spreadsheets keep blank rows at the end
    if not raw:
        problems.append(Problem(path.name, None, None, "is empty: it needs a header row"))
        return table
    header = [cell.strip() for cell in raw[0]]
    for column in spec.required:
        if column not in header:
            problems.append(Problem(path.name, 1, column, "required column is missing"))
    for column in header:
        if column and column not in spec.columns:
            problems.append(
                Problem(
                    path.name,
                    1,
                    column,
                    f"unknown column; the columns are: {', '.join(spec.columns)}",
                )
            )
    if len(set(header)) != len(header):
        problems.append(Problem(path.name, 1, None, "a column appears twice"))
    for number, cells in enumerate(raw[1:], start=2):
        if not any(cell.strip() for cell in cells):
            problems.append(Problem(path.name, number, None, "empty row"))
            continue
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            problems.append(Problem(path.name, number, None, "more cells than columns"))
        values = {
            column: cells[index].strip() if index < len(cells) else ""
            for index, column in enumerate(header)
            if column in spec.columns
        }
        table.rows.append((number, values))
    return table


def write_csv(path: Path, spec: TableSpec, rows: Sequence[dict[str, str]]) -> None:
    """UTF-8 with a byte-order mark, so that Excel shows the Chinese text as written."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=spec.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_xlsx(path: Path, spec: TableSpec, rows: Sequence[dict[str, str]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(spec.columns))
    for row in rows:
        sheet.append([row.get(column, "") for column in spec.columns])
    workbook.save(path)
