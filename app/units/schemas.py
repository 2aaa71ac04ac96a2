"""How grids and departments look to API clients."""

from datetime import datetime
from typing import Any

from pydantic import Field

from app.schemas import OutputModel


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


class DepartmentRead(OutputModel):
    code: str
    name: str
