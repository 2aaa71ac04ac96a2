"""How grids and departments look to API clients."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.schemas import Code, InputModel, Name, OutputModel, Phone, refuse_cleared


class GridRead(OutputModel):
    code: str
    name: str
    level: int = Field(description="1 street/township, 2 community/village, 3 unit grid")
    parent_code: str | None


class GridDetail(GridRead):
    boundary: dict[str, Any] | None = Field(description="GeoJSON geometry, WGS-84")
    retired_at: datetime | None = Field(
        description="When a complete map left the grid out; null while it is in force"
    )


class DepartmentKind(StrEnum):
    FUNCTIONAL = "functional"  # a functional department (zhineng bumen)
    PUBLIC_ENTERPRISE = "public_enterprise"  # water, power, gas, heating, transport
    DISTRICT = "district"  # the district office that takes what no one else does (doudi)
    OTHER = "other"


ShortName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class DepartmentRead(OutputModel):
    code: str
    name: str
    short_name: str | None = None
    contact_phone: str | None = None
    kind: DepartmentKind = DepartmentKind.FUNCTIONAL
    active: bool = Field(True, description="False once retired: it receives no new tickets")
    retired_at: datetime | None = None


class DepartmentCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "civil_affairs",
                    "name": "民政局",
                    "short_name": "民政",
                    "contact_phone": "0599-8822345",
                    "kind": "functional",
                }
            ]
        }
    )

    code: Code = Field(description="Letters, digits, `_`, `.` or `-`; never changes")
    name: Name
    short_name: ShortName | None = None
    contact_phone: Phone | None = None
    kind: DepartmentKind = DepartmentKind.FUNCTIONAL
    active: bool = Field(True, description="False: created retired (a unit kept for history)")


class DepartmentUpdate(InputModel):
    """Only the fields sent change; `null` clears an optional one."""

    name: Name | None = None
    short_name: ShortName | None = None
    contact_phone: Phone | None = None
    kind: DepartmentKind | None = None
    active: bool | None = Field(
        None, description="false retires the unit (as /retire does), true brings it back"
    )

    @model_validator(mode="after")
    def _required_kept(self) -> "DepartmentUpdate":
        refuse_cleared(self, "name", "kind", "active")
        return self


class RuleReference(OutputModel):
    id: int
    name: str
    role: str = Field(description="lead or assisting")
    enabled: bool


class DepartmentRetired(OutputModel):
    """The unit as retired, and what still points to it: rules targeting it are skipped
    by routing (each skip noted on the ticket's timeline) until an admin changes them."""

    department: DepartmentRead
    routing_rules: list[RuleReference]
    default_for_categories: list[str] = Field(
        description="Codes of categories whose default department it is (no longer used)"
    )
