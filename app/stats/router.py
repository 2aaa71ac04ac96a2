"""HTTP for the statistics: reports, rankings and the assessment settings."""

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, StreamingResponse

from app.auth.dependencies import AdminDep, ReaderDep, StaffDep
from app.clock import utc_now
from app.dependencies import ReportsSessionDep, SessionDep, SettingsDep
from app.errors import problem_responses
from app.exports import ExportFormat, file_answer, file_response, write_table
from app.stats import exports, hotspots, rankings, reports, service
from app.stats.schemas import (
    AssessmentSettings,
    AssessmentSettingsWrite,
    GridMapQuery,
    HotspotQuery,
    Hotspots,
    MonthlyQuery,
    Ranking,
    RankingExportQuery,
    RankingQuery,
    Report,
    ReportExportQuery,
    ReportQuery,
)
from app.stats.tally import local_day

router = APIRouter(prefix="/stats", tags=["statistics"])

_BAD_QUERY: dict[int | str, dict[str, Any]] = problem_responses(
    (401, "No credentials, or credentials that are not valid"),
    (403, "The unit asked for is outside the caller's own and those below it"),
    (
        422,
        "A range that ends before it starts or lacks an end, an unknown unit or category "
        "code, a value out of range",
    ),
)


@router.get(
    "/report",
    summary="Figures of a period beside the period before, by unit, category, channel or "
    "request type",
    responses=_BAD_QUERY,
)
def get_report(
    query: Annotated[ReportQuery, Query()], session: ReportsSessionDep, staff: StaffDep
) -> Report:
    """A unit sees its own figures and those of the units below it; the dispatch centre,
    supervisors and administrators the whole city. A street's figures include every
    community and unit grid below it. The README's "Statistics" section defines each
    figure."""
    weight = service.settings(session).basically_satisfied_weight
    return reports.report(session, staff, query, local_day(utc_now()), weight)


@router.get(
    "/rankings",
    summary="Units of one kind ranked by the weighted three rates",
    responses=_BAD_QUERY,
)
def get_rankings(
    query: Annotated[RankingQuery, Query()], session: ReportsSessionDep, staff: StaffDep
) -> Ranking:
    return rankings.ranking(session, staff, query, local_day(utc_now()), service.settings(session))


@router.get(
    "/report/export",
    summary="A report as CSV (UTF-8 with BOM) or XLSX",
    responses={**_BAD_QUERY, **file_answer(*ExportFormat, description="The report's file")},
)
def export_report(
    query: Annotated[ReportExportQuery, Query()],
    session: ReportsSessionDep,
    staff: StaffDep,
    settings: SettingsDep,
) -> StreamingResponse:
    """The report's rows and its total, each with its figures now and before."""
    report = get_report(query, session, staff)
    header, rows = exports.report_table(report)
    table = write_table(query.format, "report", header, rows, ZoneInfo(settings.timezone))
    return file_response(table, query.format, f"report-{query.by}-{report.current_period.start}")


@router.get(
    "/rankings/export",
    summary="A ranking as CSV (UTF-8 with BOM) or XLSX",
    responses={**_BAD_QUERY, **file_answer(*ExportFormat, description="The ranking's file")},
)
def export_rankings(
    query: Annotated[RankingExportQuery, Query()],
    session: ReportsSessionDep,
    staff: StaffDep,
    settings: SettingsDep,
) -> StreamingResponse:
    ranking = get_rankings(query, session, staff)
    header, rows = exports.ranking_table(ranking)
    table = write_table(query.format, "ranking", header, rows, ZoneInfo(settings.timezone))
    return file_response(
        table, query.format, f"ranking-{query.kind}-{ranking.current_period.start}"
    )


@router.get(
    "/monthly.xlsx",
    summary="The monthly report: one workbook, a sheet per report, native charts",
    responses={**_BAD_QUERY, **file_answer(ExportFormat.XLSX, description="The workbook")},
)
def monthly_report(
    query: Annotated[MonthlyQuery, Query()], session: ReportsSessionDep, staff: StaffDep
) -> StreamingResponse:
    """Sheets: the three rates by street (with a bar chart), by department, by category,
    by channel, the streets' ranking, and the rates month by month for a year (with a line
    chart), within the caller's scope."""
    today = local_day(utc_now())
    month = query.date or today
    workbook = exports.monthly_workbook(session, staff, month, today, service.settings(session))
    return file_response(workbook, ExportFormat.XLSX, f"monthly-{month.strftime('%Y-%m')}")


@router.get(
    "/hotspots",
    summary="Top and rising categories, repeated places, problem-of-the-month candidates",
    responses=_BAD_QUERY,
)
def get_hotspots(
    query: Annotated[HotspotQuery, Query()], session: ReportsSessionDep, _staff: ReaderDep
) -> Hotspots:
    """The whole city's, for the dispatch centre and supervisors."""
    weight = service.settings(session).basically_satisfied_weight
    return hotspots.hotspots(session, query, local_day(utc_now()), weight)


@router.get(
    "/hotspots/grids.geojson",
    summary="Tickets reported per grid in a period, as GeoJSON for a map layer",
    responses={
        **_BAD_QUERY,
        200: {"description": "A FeatureCollection", "content": {"application/geo+json": {}}},
    },
)
def get_grid_counts(
    query: Annotated[GridMapQuery, Query()], session: ReportsSessionDep, _staff: ReaderDep
) -> JSONResponse:
    spans = reports.periods_of(
        query.period, query.date, query.start, query.end, local_day(utc_now())
    )
    collection = hotspots.grid_counts_geojson(session, spans, query.kind)
    return JSONResponse(collection, media_type="application/geo+json")


@router.get("/settings", summary="The assessment settings: weights, minimum tickets")
def get_settings(session: SessionDep, _staff: StaffDep) -> AssessmentSettings:
    return service.settings(session)


@router.put(
    "/settings",
    summary="Change the assessment settings (administrators)",
    responses=problem_responses(
        (403, "Only administrators change the settings"),
        (422, "Weights that do not add up to 1, values out of range"),
    ),
)
def put_settings(
    body: AssessmentSettingsWrite, session: SessionDep, _admin: AdminDep
) -> AssessmentSettings:
    return service.update_settings(session, body, utc_now())
