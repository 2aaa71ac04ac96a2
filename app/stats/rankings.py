"""Rankings: the units of one kind by a weighted score of their three rates, from the same
figures as their reports (`reports.unit_figures`)."""

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

from app.identity.principal import StaffPrincipal
from app.stats import reports
from app.stats.figures import figures_of
from app.stats.schemas import (
    AssessmentSettings,
    Ranking,
    RankingQuery,
    RankingRow,
    SpanRead,
)


def _score(settings: AssessmentSettings, rates: tuple[float | None, ...]) -> float | None:
    if any(rate is None for rate in rates):
        return None
    weights = settings.weights
    parts = zip(("response", "resolution", "satisfaction"), rates, strict=True)
    return round(100 * sum(weights[name] * (rate or 0.0) for name, rate in parts), 2)


def ranking(
    session: Session,
    staff: StaffPrincipal,
    query: RankingQuery,
    today: date,
    settings: AssessmentSettings,
) -> Ranking:
    """Every unit of the kind, ranked among all of its kind in the city; a caller who is a
    unit sees the rows of its own unit and those below it, with their places in the city.
    A unit with fewer tickets than the minimum, or without a visit to judge resolution
    and satisfaction by, is listed but not ranked. Equal scores share a rank (1, 2, 2, 4)
    and are marked tied; among them, code order."""
    spans = reports.periods_of(query.period, query.date, query.start, query.end, today)
    scope = reports.scope_unit(session, staff)
    rows: list[RankingRow] = []
    for item in reports.unit_figures(session, spans, query.kind, None):
        figures = figures_of(item.current, settings.basically_satisfied_weight)
        rates = (figures.response_rate, figures.resolution_rate, figures.satisfaction_rate)
        score = _score(settings, rates)
        reason = None
        if figures.assigned < settings.min_tickets:
            reason = f"fewer than {settings.min_tickets} tickets received"
        elif score is None:
            reason = "no return visit in the period"
        rows.append(
            RankingRow(
                rank=None,
                tied=False,
                not_ranked_because=reason,
                code=item.unit.code,
                name=item.unit.name,
                score=score,
                tickets=figures.assigned,
                response_rate=figures.response_rate,
                resolution_rate=figures.resolution_rate,
                satisfaction_rate=figures.satisfaction_rate,
            )
        )
    ranked = sorted(
        (row for row in rows if row.not_ranked_because is None),
        key=lambda row: (-(row.score or 0.0), row.code),
    )
    first_place: dict[float | None, int] = {}
    for place, row in enumerate(ranked, start=1):
        first_place.setdefault(row.score, place)
    ties = Counter(row.score for row in ranked)
    for row in ranked:
        row.rank = first_place[row.score]
        row.tied = ties[row.score] > 1
    others = [row for row in rows if row.not_ranked_because is not None]
    visible = {unit.code for unit in reports.units_of_kind(session, query.kind, scope)}
    return Ranking(
        kind=query.kind,
        period=query.period,
        current_period=SpanRead(start=spans.current.first, end=spans.current.last),
        settings=settings,
        rows=[row for row in (*ranked, *others) if row.code in visible],
    )
