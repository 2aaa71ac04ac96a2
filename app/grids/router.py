"""HTTP for the grid map: admins import a city's map, staff see its versions."""

import re
import sys
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile

from app.auth.dependencies import StaffDep
from app.auth.editors import AdminEditorDep
from app.dependencies import ResourcesDep, SessionDep, UnitDep
from app.errors import PROBLEM_JSON, UnprocessableContent, UnsupportedMediaType, problem_responses
from app.geo.crs import Crs
from app.grids import service
from app.grids.locator import GRID_LOCATOR
from app.grids.schemas import GridMapImportRead, GridMapRejectedRead, GridMapVersionRead
from app.media_types import media_type

router = APIRouter(prefix="/grids", tags=["grids"])

UPLOAD_FIELD = "file"
API_SOURCE = "api"
_JSON_MEDIA_TYPES = frozenset({"application/json", "application/geo+json"})
_MAX_SOURCE_LENGTH = 200  # GridMapVersion.source
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")

_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        media_type: {
            "schema": {
                "type": "object",
                "description": "A GeoJSON FeatureCollection of grids (RFC 7946)",
            }
        }
        for media_type in ("application/geo+json", "application/json")
    }
    | {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [UPLOAD_FIELD],
                "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
            }
        }
    },
}


@dataclass(frozen=True)
class GridMapUpload:
    data: bytes
    source_name: str


def _source_name(filename: str | None) -> str:
    """The file's own name, without the folders some clients send and without anything a
    database would refuse (NUL) or a log would garble."""
    name = _UNPRINTABLE.sub("", re.split(r"[\\/]", filename or "")[-1]).strip()
    return name[:_MAX_SOURCE_LENGTH] or API_SOURCE


async def _grid_map_upload(request: Request) -> GridMapUpload:
    """The map from a JSON body, or from the multipart field `file`. The bytes go to the
    validator unparsed, so a file that is not JSON gets its precise problem report."""
    sent_as = media_type(request)
    if sent_as == "multipart/form-data":
        # No limit per part: the body limit (app.main) already bounds the whole request, and
        # a map pasted as a text field rather than attached as a file is as welcome.
        async with request.form(max_files=1, max_part_size=sys.maxsize) as form:
            parts = form.getlist(UPLOAD_FIELD)
            if len(parts) != 1:
                raise UnprocessableContent(
                    f"Send the map as one multipart field {UPLOAD_FIELD!r} (found {len(parts)}).",
                    field=UPLOAD_FIELD,
                )
            part = parts[0]
            if isinstance(part, UploadFile):
                return GridMapUpload(await part.read(), _source_name(part.filename))
            return GridMapUpload(part.encode(), API_SOURCE)
    if not sent_as or sent_as in _JSON_MEDIA_TYPES or sent_as.endswith("+json"):
        return GridMapUpload(await request.body(), API_SOURCE)
    raise UnsupportedMediaType(
        f"A grid map is sent as application/geo+json or application/json, or as a "
        f"multipart/form-data upload in field {UPLOAD_FIELD!r}; got {sent_as!r}."
    )


GridMapUploadDep = Annotated[GridMapUpload, Depends(_grid_map_upload)]


@router.post(
    "/import",
    summary="Import the city's grid map (GeoJSON), or check it with dry_run",
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses={
        **problem_responses(
            (413, "Map over the size limit"), (415, "Neither JSON nor a multipart upload")
        ),
        422: {
            "model": GridMapRejectedRead,
            "description": "The map has problems, all of them listed; nothing was written",
            "content": {PROBLEM_JSON: {}},
        },
    },
)
def import_map(
    resources: ResourcesDep,
    unit: UnitDep,
    session: SessionDep,
    editor: AdminEditorDep,  # before the upload: a caller without the right is not read at all
    upload: GridMapUploadDep,
    crs: Annotated[
        Crs, Query(description="The system the boundaries are drawn in (gcj02: Amap, Tencent)")
    ] = Crs.WGS84,
    dry_run: Annotated[
        bool, Query(description="Validate and count the changes, write nothing")
    ] = False,
    complete: Annotated[
        bool,
        Query(
            description="The map names every grid in force, parents included: the grids it "
            "leaves out are retired (their tickets keep them; routing and new tickets do not)"
        ),
    ] = False,
) -> GridMapImportRead:
    """Every feature is a grid with `code`, `name`, `level` (1 street/township, 2
    community/village, 3 unit grid) and `parent_code`. Grids are matched by code: known ones
    are updated in place (each change kept as a revision of the new map version), new ones
    added; with `complete`, the ones the map leaves out are retired. The whole map is
    checked first (geometry, hierarchy, containment, overlaps, gaps); one problem and
    nothing is written. Every replica routes with the new map within seconds, this one at
    once."""
    known = service.existing_levels(session)
    unit.rollback()  # no transaction (on SQLite: no write lock) while the map is checked
    result = service.import_grid_map(
        session,
        upload.data,
        source_name=upload.source_name,
        crs=crs,
        imported_by=editor.name,
        dry_run=dry_run,
        complete=complete,
        known_levels=known,
        editor=editor,
    )
    answer = GridMapImportRead(
        map_version=GridMapVersionRead.model_validate(result.version) if result.version else None,
        features=len(result.report.features),
        added=result.added,
        changed=result.changed,
        unchanged=result.unchanged,
        retired=result.retired,
    )
    if result.version is not None:
        # Once committed, so that the locator's rebuild cannot read the map before it is saved.
        unit.after_commit(resources[GRID_LOCATOR].forget)
    return answer


@router.get("/map-versions", summary="Versions of the grid map, newest first")
def list_map_versions(session: SessionDep, _staff: StaffDep) -> list[GridMapVersionRead]:
    """Each import made one; the newest is the map in force."""
    return [GridMapVersionRead.model_validate(v) for v in service.map_versions(session)]
