"""The assessment settings: the ranking's weights, how much "basically satisfied" counts,
and the fewest tickets a unit needs to be ranked."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UnprocessableContent
from app.stats.figures import DEFAULT_BASICALLY_SATISFIED_WEIGHT
from app.stats.models import StatSettings
from app.stats.schemas import AssessmentSettings, AssessmentSettingsWrite

# Beijing's "three-rate assessment": response 10%, resolution 45%, satisfaction 45%.
DEFAULT_WEIGHTS = {"response": 0.10, "resolution": 0.45, "satisfaction": 0.45}
DEFAULT_MIN_TICKETS = 10
_ROW_ID = 1


def settings(session: Session) -> AssessmentSettings:
    """The settings in force (the defaults until an administrator changes them)."""
    row = session.scalars(select(StatSettings).where(StatSettings.id == _ROW_ID)).one_or_none()
    if row is None:
        return AssessmentSettings(
            weights=dict(DEFAULT_WEIGHTS),
            basically_satisfied_weight=DEFAULT_BASICALLY_SATISFIED_WEIGHT,
            min_tickets=DEFAULT_MIN_TICKETS,
        )
    return AssessmentSettings(
        weights={
            "response": row.response_weight,
            "resolution": row.resolution_weight,
            "satisfaction": row.satisfaction_weight,
        },
        basically_satisfied_weight=row.basically_satisfied_weight,
        min_tickets=row.min_tickets,
    )


def update_settings(
    session: Session, body: AssessmentSettingsWrite, now: datetime
) -> AssessmentSettings:
    """Replace the settings; 422 when the weights do not add up to 1."""
    weights = body.weights
    total = weights.response + weights.resolution + weights.satisfaction
    if abs(total - 1) > 1e-9:
        raise UnprocessableContent(
            f"The weights add up to {round(total, 6)}, not 1.", field="weights"
        )
    row = session.get(StatSettings, _ROW_ID)
    if row is None:
        row = StatSettings(id=_ROW_ID)
        session.add(row)
    row.response_weight = weights.response
    row.resolution_weight = weights.resolution
    row.satisfaction_weight = weights.satisfaction
    row.basically_satisfied_weight = body.basically_satisfied_weight
    row.min_tickets = body.min_tickets
    row.updated_at = now
    session.flush()
    return settings(session)
