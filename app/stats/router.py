"""HTTP for the statistics: reports, rankings and the assessment settings."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import AdminDep, StaffDep
from app.clock import utc_now
from app.dependencies import ReportsSessionDep, SessionDep
from app.errors import problem_responses
from app.stats import rankings, reports, service
from app.stats.schemas import (
    AssessmentSettings,
    AssessmentSettingsWrite,
    Ranking,
    RankingQuery,
    Report,
    ReportQuery,
)
from app.stats.tally import local_day

router = APIRouter(prefix="/stats", tags=["statistics"])

_BAD_QUERY = problem_responses(
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
