"""Routing rules, keyword rules and dry runs, as API clients see them."""

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.schemas import Code, InputModel, Name, OutputModel
from app.vocabulary import Channel, RequestType

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class RuleTarget(InputModel):
    kind: Literal["grid_level", "department"]
    grid_level: Annotated[int, Field(ge=1, le=3)] | None = Field(
        None,
        description="For grid_level: the ticket's grid at this level (1 street, 2 "
        "community, 3 unit grid) leads.",
    )
    department_code: Code | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == "grid_level" and (self.grid_level is None or self.department_code):
            raise ValueError("a grid_level target names grid_level and no department_code")
        if self.kind == "department" and (self.department_code is None or self.grid_level):
            raise ValueError("a department target names department_code and no grid_level")
        return self


class RoutingRuleWrite(InputModel):
    """Conditions left empty match any ticket; all given conditions must hold."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "观前街道的路灯先由街道处置",
                    "position": 5,
                    "category_codes": ["0101"],
                    "grid_codes": ["351002001"],
                    "target": {"kind": "grid_level", "grid_level": 1},
                }
            ]
        }
    )

    name: Name
    position: Annotated[
        int,
        # The column is a 32-bit integer on PostgreSQL.
        Field(ge=0, le=2**31 - 1, description="Rules are tried by ascending position."),
    ]
    enabled: bool = True
    is_fallback: bool = Field(
        False, description="Tried only after every other rule missed (the district's doudi)."
    )
    category_codes: list[Code] = Field([], description="A group code covers its categories.")
    request_types: list[RequestType] = []
    channels: list[Channel] = []
    grid_codes: list[Code] = Field([], description="Each covers every grid below it.")
    keywords: list[Keyword] = Field([], description="Any of them in title or description.")
    target: RuleTarget
    assist_department_codes: list[Code] = Field([], description="Joint handling (xieban).")


class RoutingRuleRead(OutputModel):
    id: int
    name: str
    position: int
    enabled: bool
    is_fallback: bool
    category_codes: list[str]
    request_types: list[str]
    channels: list[str]
    grid_codes: list[str]
    keywords: list[str]
    target: dict[str, Any]
    assist_department_codes: list[str]
    updated_at: datetime


class CategoryKeywordWrite(InputModel):
    category_code: Code
    keywords: Annotated[list[Keyword], Field(min_length=1)]
    excluded: list[Keyword] = Field([], description="If any appears, this rule does not fire.")
    weight: Annotated[float, Field(gt=0, le=10)] = 1.0


class CategoryKeywordRead(OutputModel):
    id: int
    category_code: str
    keywords: list[str]
    excluded: list[str]
    weight: float
    updated_at: datetime


class RoutingPreview(OutputModel):
    """Where a ticket would go, and why; nothing is written."""

    lead: dict[str, str] | None
    assisting: list[str]
    rule: str | None
    fallback: bool
    grid: str | None
    category: str | None
    confidence: float | None
    map_version: int | None
    reasons: list[str]


class UnitRefWrite(InputModel):
    kind: Literal["grid", "department"]
    code: Code


class RerouteRequest(InputModel):
    """Either `lead` (a dispatcher's choice) or `by_rules: true` (run the rules again)."""

    lead: UnitRefWrite | None = None
    assist_department_codes: list[Code] = []
    by_rules: bool = False
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.lead is None) == (not self.by_rules):
            raise ValueError("give either lead or by_rules: true")
        return self


class CategoryCorrection(InputModel):
    category_code: Code
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
