"""Reports and rankings as tables, and the monthly report as one workbook with a sheet per
report and native Excel charts (the rates by street, the trend by month), the way city
offices circulate it."""

import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from sqlalchemy.orm import Session

from app.identity.principal import StaffPrincipal
from app.stats import rankings, reports
from app.stats.periods import PeriodKind
from app.stats.schemas import (
    AssessmentSettings,
    Dimension,
    Figures,
    Ranking,
    RankingQuery,
    Report,
    ReportQuery,
    UnitKind,
)

FIGURES = tuple(Figures.model_fields)
RANKING_COLUMNS = (
    "rank",
    "tied",
    "code",
    "name",
    "score",
    "tickets",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "not_ranked_because",
)
_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
_TREND_MONTHS = 12


def report_table(report: Report) -> tuple[list[str], Iterator[list[Any]]]:
    """A row per report row (and the total last): its figures now, then before."""
    header = [
        "code",
        "name",
        *(f"{name}" for name in FIGURES),
        *(f"previous_{name}" for name in FIGURES),
    ]

    def rows() -> Iterator[list[Any]]:
        for row in [*report.rows, report.total]:
            now, before = row.current.model_dump(), row.previous.model_dump()
            yield [row.code, row.name, *(now[n] for n in FIGURES), *(before[n] for n in FIGURES)]

    return header, rows()


def ranking_table(ranking: Ranking) -> tuple[list[str], Iterator[list[Any]]]:
    def rows() -> Iterator[list[Any]]:
        for row in ranking.rows:
            values = row.model_dump()
            yield [values[name] for name in RANKING_COLUMNS]

    return list(RANKING_COLUMNS), rows()


def _sheet(workbook: Workbook, title: str, header: Sequence[str], rows: Iterator[list[Any]]) -> Any:
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    return sheet, count


def _month_starts(month: date) -> list[date]:
    starts = [month.replace(day=1)]
    while len(starts) < _TREND_MONTHS:
        starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
    return starts[::-1]


def monthly_workbook(
    session: Session,
    staff: StaffPrincipal,
    month: date,
    today: date,
    settings: AssessmentSettings,
) -> IO[bytes]:
    """The month holding `month`: the three rates by street (with a bar chart), by
    department, by category and by channel, the streets' ranking, and the city's rates
    month by month for a year (with a line chart); in a temporary file at its start."""
    weight = settings.basically_satisfied_weight
    workbook = Workbook(write_only=True)

    def report(by: Dimension, kind: UnitKind = UnitKind.STREET, on: date = month) -> Report:
        query = ReportQuery(by=by, unit_kind=kind, period=PeriodKind.MONTH, date=on)
        return reports.report(session, staff, query, today, weight)

    streets = report(Dimension.UNIT)
    header, rows = report_table(streets)
    sheet, count = _sheet(workbook, "streets", header, rows)
    chart = BarChart()
    chart.title = "Three rates by street"
    chart.y_axis.title = "rate"
    for name in _RATES:
        column = header.index(name) + 1
        chart.add_data(
            Reference(sheet, min_col=column, min_row=1, max_row=count), titles_from_data=True
        )
    chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=count))
    chart.width, chart.height = 24, 10
    sheet.add_chart(chart, "A" + str(count + 4))
    for title, by, kind in (
        ("departments", Dimension.UNIT, UnitKind.DEPARTMENT),
        ("categories", Dimension.CATEGORY, UnitKind.STREET),
        ("channels", Dimension.CHANNEL, UnitKind.STREET),
    ):
        header, rows = report_table(report(by, kind))
        _sheet(workbook, title, header, rows)
    ranked = rankings.ranking(
        session, staff, RankingQuery(kind=UnitKind.STREET, date=month), today, settings
    )
    header, rows = ranking_table(ranked)
    _sheet(workbook, "ranking", header, rows)

    def trend() -> Iterator[list[Any]]:
        for start in _month_starts(month):
            total = report(Dimension.CHANNEL, on=start).total.current
            yield [start.strftime("%Y-%m"), *(getattr(total, name) for name in _RATES)]

    sheet, count = _sheet(workbook, "trend", ["month", *_RATES], trend())
    line = LineChart()
    line.title = "Three rates by month"
    line.add_data(
        Reference(sheet, min_col=2, max_col=4, min_row=1, max_row=count + 1),
        titles_from_data=True,
    )
    line.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=count + 1))
    line.width, line.height = 24, 10
    sheet.add_chart(line, "F2")
    target = tempfile.TemporaryFile()  # noqa: SIM115 - sent, then closed, by the caller
    try:
        workbook.save(target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
