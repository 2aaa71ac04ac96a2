"""The statistics' answers and queries."""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from app.exports import ExportFormat
from app.schemas import InputModel, OutputModel
from app.stats.periods import PeriodKind


class Figures(OutputModel):
    """A unit's (or category's, channel's...) figures for one period."""

    received: int
    assigned: int
    responded: int
    response_rate: float | None
    visited: int
    solved: int
    resolution_rate: float | None
    satisfied: int
    basically_satisfied: int
    satisfaction_rate: float | None
    replied: int
    on_time_reply_rate: float | None
    returned: int
    return_rate: float | None
    transfers: int
    reopened: int
    reopen_rate: float | None
    extended: int
    extension_rate: float | None
    overdue: int
    handling_median_hours: float | None
    handling_p90_hours: float | None
    answered_at_once: int
    answered_at_once_share: float | None
    repeat_contacts: int
    repeat_contact_share: float | None
    evaluation_coverage: float | None


class Dimension(StrEnum):
    UNIT = "unit"
    CATEGORY = "category"
    CATEGORY_GROUP = "category_group"  # the top-level category
    CHANNEL = "channel"
    REQUEST_TYPE = "request_type"


class UnitKind(StrEnum):
    STREET = "street"  # level-1 grid: street or township, with everything below it
    COMMUNITY = "community"  # level-2 grid, with its unit grids
    GRID = "grid"  # level-3 unit grid
    DEPARTMENT = "department"


class PeriodQuery(InputModel):
    period: PeriodKind = PeriodKind.MONTH
    date: dt.date | None = Field(
        default=None, description="A day inside the period; today when absent."
    )
    start: dt.date | None = Field(default=None, description="First day of a range.")
    end: dt.date | None = Field(default=None, description="Last day of a range (included).")


class ReportQuery(PeriodQuery):
    by: Dimension = Dimension.UNIT
    unit_kind: UnitKind = Field(
        default=UnitKind.STREET, description="With by=unit: which kind of unit to list."
    )
    unit: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="Only this unit and those below it (a grid or department code)."
    )
    category: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="Only this category (a group: with its sub-categories)."
    )


class ReportExportQuery(ReportQuery):
    format: ExportFormat = Field(ExportFormat.CSV, description="csv (UTF-8 with BOM) or xlsx")


class MonthlyQuery(InputModel):
    date: dt.date | None = Field(
        default=None, description="A day in the month; the current month when absent."
    )


class SpanRead(OutputModel):
    start: dt.date
    end: dt.date


class ReportRow(OutputModel):
    code: str = Field(description="The unit's, category's, channel's or request type's code.")
    name: str
    current: Figures
    previous: Figures


class Report(OutputModel):
    by: Dimension
    period: PeriodKind
    current_period: SpanRead
    previous_period: SpanRead
    rows: list[ReportRow]
    total: ReportRow = Field(description="Everything the report covers, in the caller's scope.")


class Weights(InputModel):
    response: Annotated[float, Field(ge=0, le=1)]
    resolution: Annotated[float, Field(ge=0, le=1)]
    satisfaction: Annotated[float, Field(ge=0, le=1)]


class AssessmentSettingsWrite(InputModel):
    weights: Weights = Field(description="The composite score's weights; they add up to 1.")
    basically_satisfied_weight: Annotated[float, Field(ge=0, le=1)] = Field(
        description="How much a 'basically satisfied' counts in the satisfaction rate."
    )
    min_tickets: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        description="Below this many tickets received in the period a unit is listed, not ranked."
    )


class AssessmentSettings(OutputModel):
    weights: dict[str, float]
    basically_satisfied_weight: float
    min_tickets: int


class RankingQuery(PeriodQuery):
    kind: UnitKind = Field(default=UnitKind.STREET, description="Which kind of unit to rank.")


class RankingRow(OutputModel):
    rank: int | None = Field(
        description="1 is best; units with the same score share a rank (1, 2, 2, 4); None: "
        "not ranked."
    )
    tied: bool = Field(description="Another unit has the same score and rank.")
    not_ranked_because: str | None
    code: str
    name: str
    score: float | None = Field(description="0-100: the weighted three rates.")
    tickets: int = Field(description="Tickets the unit received in the period.")
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None


class RankingExportQuery(RankingQuery):
    format: ExportFormat = Field(ExportFormat.CSV, description="csv (UTF-8 with BOM) or xlsx")


class Ranking(OutputModel):
    kind: UnitKind
    period: PeriodKind
    current_period: SpanRead
    settings: AssessmentSettings
    rows: list[RankingRow] = Field(description="Ranked units first, best first; then the others.")


class HotspotQuery(PeriodQuery):
    top: Annotated[int, Field(ge=1, le=100)] = 10
    min_tickets: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=10,
        description="Fewer tickets than this in the period: not rising, not a candidate.",
    )
    repeat_at_least: Annotated[int, Field(ge=2, le=100_000)] = Field(
        default=3, description="A place is repeated from this many tickets in the period."
    )


# The kinds of unit that are grids: a map layer counts by one of the three levels.
GridKind = Literal[UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID]


class GridMapQuery(PeriodQuery):
    kind: GridKind = Field(default=UnitKind.GRID, description="Which level of grid to count by.")


class CategoryTrend(OutputModel):
    code: str
    name: str
    tickets: int = Field(description="Tickets taken in during the period.")
    previous: int = Field(description="... during the period before.")


class RepeatPlace(OutputModel):
    grid_code: str
    grid_name: str
    category: str
    category_name: str
    tickets: int


class ProblemCandidate(OutputModel):
    code: str
    name: str
    tickets: int
    resolution_rate: float | None
    satisfaction_rate: float | None
    score: float = Field(description="tickets x (1 - the lower of the two rates)")


class Hotspots(OutputModel):
    current_period: SpanRead
    previous_period: SpanRead
    top_categories: list[CategoryTrend]
    rising_categories: list[CategoryTrend] = Field(
        description="Growth against the period before, of categories with min_tickets or more."
    )
    repeat_places: list[RepeatPlace] = Field(
        description="The same grid and category reported repeat_at_least times or more."
    )
    problem_of_the_month: list[ProblemCandidate]
