"""CSV files as a spreadsheet opens them, whatever the city's time zone: instants in local
time to the second, formulas quoted, empty cells empty."""

import codecs
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.exports import ExportFormat, write_table

BERLIN = ZoneInfo("Europe/Berlin")


def _csv_lines(rows: list[list[object]], zone: ZoneInfo) -> list[str]:
    with write_table(ExportFormat.CSV, "t", ["a", "b", "c"], rows, zone) as written:
        content = written.read()
    assert content.startswith(codecs.BOM_UTF8)
    return content[len(codecs.BOM_UTF8) :].decode().splitlines()


def test_instants_are_local_time_on_either_side_of_a_clock_change() -> None:
    winter = datetime(2026, 3, 28, 12, 0, 1, 500000, tzinfo=UTC)
    summer = datetime(2026, 3, 30, 12, 0, 1, tzinfo=UTC)
    rows: list[list[object]] = [[winter, "@SUM(A1)", None], [summer, "路灯", 3]]

    lines = _csv_lines(rows, BERLIN)

    assert lines == ["a,b,c", "2026-03-28 13:00:01,'@SUM(A1),", "2026-03-30 14:00:01,路灯,3"]
