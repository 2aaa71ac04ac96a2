"""How calendars and SLA policies look to administrators."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from app.schemas import Code, InputModel, Name, OutputModel
from app.sla.targets import validate_target
from app.vocabulary import Priority, RequestType

TargetText = Annotated[str | None, AfterValidator(validate_target)]
DayName = Annotated[str, Field(min_length=1, max_length=100)]


class CalendarDayWrite(InputModel):
    is_working: bool = Field(description="true: a working day (a moved weekend day); false: off")
    name: DayName = Field(description="e.g. 春节 (Spring Festival)")


class CalendarDayRead(OutputModel):
    day: date
    is_working: bool
    name: str


class CalendarDaySet(CalendarDayRead):
    clocks_recomputed: int = Field(description="Running and paused clocks the change moved.")


class CalendarYearDay(CalendarDayWrite):
    day: date


class CalendarYearWrite(InputModel):
    """A year's holiday notice: every holiday and every moved working day of the year.
    It replaces what the calendar held for that year."""

    days: Annotated[list[CalendarYearDay], Field(max_length=366)]


class CalendarRead(OutputModel):
    code: str
    name: str
    timezone: str
    periods: list[list[int]] = Field(description="Working periods, minutes from midnight.")
    round_the_clock: bool
    covered_years: list[int] = Field(description="Years whose holiday notice it holds.")
    days: list[CalendarDayRead]
    provisional_clocks: int = Field(
        description="Running deadlines that fall in a year it does not cover yet."
    )


class YearPublished(OutputModel):
    year: int
    days: int
    clocks_recomputed: int


class SlaPolicyWrite(InputModel):
    """A policy matches tickets by request type, category (or group) and priority; an empty
    criterion matches all. Targets: "90m", "4h" (business time) or "3wd" (end of the 3rd
    working day); "90em", "24eh" (elapsed time) or "7cd" (end of the 7th calendar day),
    whatever the calendar; empty: no such clock."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "噪声投诉",
                    "request_type": "complaint",
                    "category_code": "0201",
                    "dispatch_target": "2h",
                    "reply_target": "3wd",
                }
            ]
        }
    )

    name: Name
    request_type: RequestType | None = None
    category_code: Code | None = None
    priority: Priority | None = None
    calendar_code: Code = "standard"
    dispatch_target: TargetText = None
    sign_target: TargetText = None
    reply_target: TargetText = None
    return_window_target: TargetText = None
    warn_ratio: Annotated[float, Field(gt=0, lt=1)] = 0.75
    warn_before_minutes: Annotated[int | None, Field(gt=0, le=7200)] = 120
    max_extension_days: Annotated[int, Field(ge=0, le=60)] = 10
    enabled: bool = True

    @model_validator(mode="after")
    def _some_target(self) -> "SlaPolicyWrite":
        targets = (self.dispatch_target, self.sign_target, self.reply_target)
        if not any(targets) and not self.return_window_target:
            raise ValueError("a policy sets at least one time limit")
        return self


class SlaPolicyRead(OutputModel):
    id: int
    name: str
    request_type: str | None
    category_code: str | None
    priority: str | None
    calendar_code: str
    dispatch_target: str | None
    sign_target: str | None
    reply_target: str | None
    return_window_target: str | None
    warn_ratio: float
    warn_before_minutes: int | None
    max_extension_days: int
    enabled: bool
    updated_at: datetime
