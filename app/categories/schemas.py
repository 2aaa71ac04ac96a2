"""How the category taxonomy looks to API clients, and what admins send to change it."""

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.schemas import InputModel, Name, OutputModel, refuse_cleared
from app.vocabulary import Priority, RequestType

# Digits and letters, as city taxonomies write them ("01", "0101", "A3"); a category's code
# starts with its group's.
CategoryCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$"
    ),
]
DepartmentCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
]
DuplicateRadius = Annotated[int, Field(ge=10, le=5000, description="Metres")]


class CategoryRead(OutputModel):
    code: str
    name: str
    default_priority: Priority
    default_request_type: RequestType | None = None
    duplicate_radius_m: int | None = None
    default_department_code: str | None = Field(
        None, description="Takes a ticket of this category when no routing rule matches"
    )
    active: bool = True
    retired_at: datetime | None = None
    replacement_code: str | None = Field(
        None, description="What intake tells callers to use instead, once retired"
    )
    children: list["CategoryRead"] = []


class CategoryCreate(InputModel):
    """A group without `parent_code`; a category with its group's code as `parent_code`,
    and a code that starts with it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "0106",
                    "name": "共享单车乱停放",
                    "parent_code": "01",
                    "default_priority": "normal",
                    "default_department_code": "urban_management",
                }
            ]
        }
    )

    code: CategoryCode
    name: Name
    parent_code: CategoryCode | None = None
    default_priority: Priority | None = Field(
        None, description="Left out: normal for a group, the group's for a category"
    )
    default_request_type: RequestType | None = None
    duplicate_radius_m: DuplicateRadius | None = None
    default_department_code: DepartmentCode | None = None
    active: bool = True


class CategoryUpdate(InputModel):
    """Only the fields sent change; `null` clears an optional one. The code and the group
    never change (a category's code carries its group's)."""

    name: Name | None = None
    default_priority: Priority | None = None
    default_request_type: RequestType | None = None
    duplicate_radius_m: DuplicateRadius | None = None
    default_department_code: DepartmentCode | None = None
    active: bool | None = Field(
        None, description="false retires it (as /retire does), true brings it back"
    )
    replacement_code: CategoryCode | None = None

    @model_validator(mode="after")
    def _required_kept(self) -> "CategoryUpdate":
        refuse_cleared(self, "name", "default_priority", "active")
        return self


class CategoryRetire(InputModel):
    replacement_code: CategoryCode | None = Field(
        None, description="The category callers are told to use instead"
    )


class CategoryRetired(OutputModel):
    """The category as retired, what was retired with it (a group's categories), and the
    routing and keyword rules that still name it, for an admin to change."""

    category: CategoryRead
    retired_with_it: list[str]
    routing_rules: list[int]
    keyword_rules: list[int]
