"""How grid map imports and map versions look to API clients."""

from datetime import datetime

from pydantic import Field

from app.errors import Problem
from app.geo.crs import Crs
from app.schemas import OutputModel


class GridMapVersionRead(OutputModel):
    id: int
    source: str = Field(description='The uploaded file\'s name, "api" for a JSON body')
    crs: Crs = Field(description="The system the boundaries are drawn in")
    grids_added: int
    grids_changed: int
    grids_retired: int = Field(description="Grids in force that a complete map left out")
    imported_by: str | None = Field(description="The admin's username; null for the demo city")
    imported_at: datetime


class GridMapImportRead(OutputModel):
    """What an import did, or for a dry run what it would do."""

    map_version: GridMapVersionRead | None = Field(
        description="The map version the import made; null for a dry run, which writes nothing"
    )
    features: int = Field(description="Grids in the file")
    added: int = Field(description="Grids with a code not seen before")
    changed: int = Field(description="Known grids whose name, level, parent or boundary changed")
    unchanged: int
    retired: int = Field(description="Grids in force a complete map leaves out: retired")


class GridMapProblemRead(OutputModel):
    """One item of the `problems` list of a rejected map (422 problem+json)."""

    kind: str = Field(description="Machine-readable, e.g. overlap, gap, self_intersection")
    code: str | None = Field(description="The grid concerned; null for the whole file")
    feature: int | None = Field(description='Position in the "features" array')
    message: str = Field(description="Which grids, what is wrong and where")


class GridMapRejectedRead(Problem):
    """The 422 answer for a map with problems (RFC 9457 problem+json); nothing was written."""

    problems: list[GridMapProblemRead] | None = Field(
        default=None, description="Every problem the map has (absent for an invalid request)"
    )
