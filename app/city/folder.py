"""`hotline load-city` and `hotline export-city`: a city's whole set-up as one folder.

Loading validates everything before anything is kept: each row is written through the
same service an administrator's API call uses, inside a savepoint, so a row that a service
refuses is rolled back and named (file, row, field), and the next row is tried; when any
row was refused, or for a dry run, the whole transaction is rolled back. So the checks are
the API's own, never a copy, and a folder is either loaded whole or not at all.
"""

import itertools
import json
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.audit.service import AuditKind, Editor, fields_of
from app.auth import service as auth
from app.auth.models import IntegrationClient, StaffUser
from app.auth.schemas import Username
from app.auth.secrets import api_key_prefix
from app.categories import service as categories
from app.categories.models import Category
from app.categories.schemas import CategoryCreate
from app.city.tables import Problem, Table, TableSpec, read_table, write_csv
from app.clock import utc_now
from app.errors import HotlineError, UnknownReference, UnprocessableContent
from app.geo.crs import Crs
from app.grids.models import GridMapVersion
from app.grids.service import GridMapRejected, import_grid_map
from app.identity.roles import Role
from app.routing import editing as routing
from app.routing.models import CategoryKeyword, RoutingRule
from app.routing.schemas import CategoryKeywordWrite, RoutingRuleWrite
from app.schemas import Code, InputModel, Name
from app.sla import service as sla
from app.sla.models import CalendarDay, SlaPolicy, WorkCalendar
from app.sla.schemas import CalendarDayWrite, CalendarYearDay, SlaPolicyWrite
from app.units import service as units
from app.units.models import Department, Grid
from app.units.schemas import DepartmentCreate
from app.vocabulary import Channel

GRID_MAP = "grids.geojson"
# A foreign member of the GeoJSON: the system its boundaries are drawn in.
GRID_MAP_CRS = "hotline_crs"
LIST_SEPARATOR = ";"

DEPARTMENTS = TableSpec(
    "departments", ("code", "name"), ("short_name", "contact_phone", "kind", "active")
)
CATEGORIES = TableSpec(
    "categories",
    ("code", "name"),
    (
        "parent_code",
        "default_priority",
        "default_request_type",
        "duplicate_radius_m",
        "default_department_code",
        "active",
    ),
)
CALENDARS = TableSpec("calendars", ("code", "name", "timezone"), ("periods", "round_the_clock"))
CALENDAR_DAYS = TableSpec("calendar_days", ("calendar_code", "day", "is_working", "name"))
SLA_POLICIES = TableSpec(
    "sla_policies",
    ("name",),
    (
        "request_type",
        "category_code",
        "priority",
        "calendar_code",
        "dispatch_target",
        "sign_target",
        "reply_target",
        "return_window_target",
        "warn_ratio",
        "warn_before_minutes",
        "max_extension_days",
        "enabled",
    ),
)
KEYWORDS = TableSpec("keywords", ("category_code", "keywords"), ("excluded", "weight"))
ROUTING_RULES = TableSpec(
    "routing_rules",
    ("name", "position", "target_kind"),
    (
        "enabled",
        "is_fallback",
        "category_codes",
        "request_types",
        "channels",
        "grid_codes",
        "keywords",
        "target_grid_level",
        "target_department_code",
        "assist_department_codes",
    ),
)
STAFF = TableSpec(
    "staff", ("username", "display_name", "role"), ("department_code", "grid_code", "password")
)
INTEGRATIONS = TableSpec("integrations", ("name", "channels"), ("key",))
# In the order they are loaded: what a row names is loaded before it.
TABLES = (
    DEPARTMENTS,
    CATEGORIES,
    CALENDARS,
    CALENDAR_DAYS,
    SLA_POLICIES,
    KEYWORDS,
    ROUTING_RULES,
    STAFF,
    INTEGRATIONS,
)
LIST_COLUMNS = frozenset(
    {
        "category_codes",
        "request_types",
        "channels",
        "grid_codes",
        "keywords",
        "excluded",
        "assist_department_codes",
        "periods",
    }
)


# The API's names of fields that a file spreads over columns of its own.
_COLUMN_OF = {
    "target": "target_kind",
    "target.kind": "target_kind",
    "target.grid_level": "target_grid_level",
    "target.department_code": "target_department_code",
}


class CityRejected(UnprocessableContent):
    slug, title = "city-rejected", "City folder rejected"


_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def _minutes(text: str) -> list[int]:
    found = _PERIOD.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a period like 09:00-12:00")
    hours_from, minutes_from, hours_to, minutes_to = (int(part) for part in found.groups())
    start, end = hours_from * 60 + minutes_from, hours_to * 60 + minutes_to
    if not 0 <= start < end <= 24 * 60 or minutes_from > 59 or minutes_to > 59:
        raise ValueError(f"{text!r} does not run forward within one day")
    return [start, end]


class CalendarRow(InputModel):
    code: Code
    name: Name
    timezone: str
    periods: list[str] = []
    round_the_clock: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Asia/Shanghai)") from None
        return value

    def minutes(self) -> list[list[int]]:
        spans = sorted(_minutes(period) for period in self.periods)
        for before, after in itertools.pairwise(spans):
            if after[0] < before[1]:
                raise ValueError("the working periods overlap")
        return spans


class CalendarDayRow(CalendarYearDay):
    calendar_code: Code


class StaffRow(InputModel):
    username: Username
    display_name: Name
    role: Role
    department_code: Code | None = None
    grid_code: Code | None = None
    password: Annotated[str, Field(max_length=200)] | None = None


class IntegrationRow(InputModel):
    name: Name
    channels: Annotated[list[Channel], Field(min_length=1)]
    key: str | None = None


@dataclass(frozen=True)
class Secret:
    """A password or key the loader made up: printed once, never kept in clear."""

    kind: str  # "one-time password" or "API key"
    owner: str
    value: str


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    secrets: list[Secret] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Progress = Callable[[int, int], None]


def _files(folder: Path, problems: list[Problem]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for spec in TABLES:
        candidates = [folder / f"{spec.name}.{ext}" for ext in ("csv", "xlsx")]
        present = [path for path in candidates if path.is_file()]
        if len(present) > 1:
            problems.append(
                Problem(present[1].name, None, None, f"{present[0].name} is there too: keep one")
            )
        if present:
            found[spec.name] = present[0]
    return found


def _unknown_files(folder: Path) -> list[str]:
    """Tables and maps the loader does not read: most likely a misspelt name."""
    known = {f"{spec.name}.{ext}" for spec in TABLES for ext in ("csv", "xlsx")} | {GRID_MAP}
    return sorted(
        path.name
        for path in folder.iterdir()
        if path.suffix in {".csv", ".xlsx", ".geojson", ".json"} and path.name not in known
    )


def _row_values(values: dict[str, str]) -> dict[str, Any]:
    """Blank cells are left out (the default applies); list cells are split on `;`."""
    return {
        column: (
            [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
            if column in LIST_COLUMNS
            else value
        )
        for column, value in values.items()
        if value != ""
    }


def _grid_document(path: Path, problems: list[Problem]) -> Any:
    """The map as JSON with a list of features, or None and a problem."""
    try:
        document = json.loads(path.read_bytes())
    except ValueError as error:  # not JSON, or not in UTF-8
        problems.append(Problem(path.name, None, None, f"is not a GeoJSON map: {error}"))
        return None
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        problems.append(Problem(path.name, None, None, "is not a GeoJSON FeatureCollection"))
        return None
    return document


def _problems_of(error: Exception, file: str, row: int) -> list[Problem]:
    if isinstance(error, ValidationError):
        return [
            Problem(file, row, ".".join(str(p) for p in issue["loc"]) or None, issue["msg"])
            for issue in error.errors()
        ]
    if isinstance(error, HotlineError):
        listed = error.extensions.get("errors")
        if isinstance(listed, list) and listed:
            return [Problem(file, row, item.get("field"), item["message"]) for item in listed]
        return [Problem(file, row, error.extensions.get("field"), error.detail)]
    return [Problem(file, row, None, str(error))]


class _Loader:
    def __init__(self, session: Session, editor: Editor, progress: Progress | None) -> None:
        self.session = session
        self.editor = editor
        self.progress = progress
        self.problems: list[Problem] = []
        self.result = LoadResult()
        self.done = 0
        self.total = 0

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def rows(self, table: Table, spec: TableSpec, write: Callable[[dict[str, Any]], None]) -> None:
        loaded = 0
        for number, values in table.rows:
            try:
                with self.session.begin_nested():
                    write(_row_values(values))
                loaded += 1
            except (ValidationError, HotlineError, ValueError) as error:
                self.problems.extend(
                    Problem(p.file, p.row, _COLUMN_OF.get(p.field or "", p.field), p.message)
                    for p in _problems_of(error, table.file, number)
                )
            self.tick()
        self.result.counts[spec.name] = loaded

    def grid_map(self, path: Path, document: Any) -> None:
        """Import the map; its features count on the progress bar as rows do, since
        checking a city's thousands of polygons is most of the work."""
        weight = len(document["features"])
        start = self.done

        def progress(done: int, total: int) -> None:
            self.done = start + (done * weight // total if total else weight)
            if self.progress is not None:
                self.progress(self.done, self.total)

        try:
            crs = Crs(document.get(GRID_MAP_CRS, Crs.WGS84.value))
            with self.session.begin_nested():
                imported = import_grid_map(
                    self.session,
                    document,
                    source_name=path.name,
                    crs=crs,
                    imported_by=None,
                    editor=self.editor,
                    progress=progress,
                )
            self.result.counts["grids"] = imported.added + imported.changed + imported.unchanged
        except ValueError as error:
            self.problems.append(Problem(path.name, None, GRID_MAP_CRS, str(error)))
        except GridMapRejected as error:
            for problem in error.extensions["problems"]:
                message = f"{problem['kind']}: {problem['message']}"
                self.problems.append(Problem(path.name, None, problem["code"], message))
        self.done = start + weight

    def department(self, values: dict[str, Any]) -> None:
        units.create_department(self.session, DepartmentCreate.model_validate(values), self.editor)

    def category(self, values: dict[str, Any]) -> None:
        categories.create_category(self.session, CategoryCreate.model_validate(values), self.editor)

    def calendar(self, values: dict[str, Any]) -> None:
        row = CalendarRow.model_validate(values)
        periods = row.minutes()
        if not periods and not row.round_the_clock:
            raise UnprocessableContent("A calendar needs working periods.", field="periods")
        calendar = self.session.scalars(
            select(WorkCalendar).where(WorkCalendar.code == row.code)
        ).one_or_none()
        now = utc_now()
        before = None if calendar is None else fields_of(calendar)
        if calendar is None:
            calendar = WorkCalendar(code=row.code, created_at=now)
            self.session.add(calendar)
        calendar.name, calendar.timezone = row.name, row.timezone
        calendar.periods, calendar.round_the_clock = periods, row.round_the_clock
        calendar.updated_at = now
        self.session.flush()
        action = "create" if before is None else "update"
        self.editor.record(
            self.session, AuditKind.CALENDAR, action, row.code, before, fields_of(calendar)
        )

    def calendar_day(self, values: dict[str, Any]) -> None:
        row = CalendarDayRow.model_validate(values)
        calendar = self.session.scalars(
            select(WorkCalendar).where(WorkCalendar.code == row.calendar_code)
        ).one_or_none()
        if calendar is None:
            raise UnknownReference(
                f"No calendar has code {row.calendar_code!r}.", field="calendar_code"
            )
        sla.set_day(
            self.session,
            calendar,
            row.day,
            CalendarDayWrite(is_working=row.is_working, name=row.name),
            self.editor,
        )

    def sla_policy(self, values: dict[str, Any]) -> None:
        body = SlaPolicyWrite.model_validate(values)
        policy = self.session.scalars(
            select(SlaPolicy).where(SlaPolicy.name == body.name)
        ).one_or_none()
        if policy is None:
            sla.create_policy(self.session, body, self.editor)
        else:  # the defaults that `hotline migrate` made are set as the folder says
            sla.update_policy(self.session, policy, body, self.editor)

    def keywords(self, values: dict[str, Any]) -> None:
        body = CategoryKeywordWrite.model_validate(values)
        routing.save_keywords(self.session, body, self.editor)

    def routing_rule(self, values: dict[str, Any]) -> None:
        target = {
            "kind": values.pop("target_kind", None),
            "grid_level": values.pop("target_grid_level", None),
            "department_code": values.pop("target_department_code", None),
        }
        values["target"] = {key: value for key, value in target.items() if value is not None}
        routing.create_rule(self.session, RoutingRuleWrite.model_validate(values), self.editor)

    def staff(self, values: dict[str, Any]) -> None:
        row = StaffRow.model_validate(values)
        password, one_time = row.password, row.password is None
        if password is None:
            password = secrets.token_urlsafe(12)
        auth.create_user(
            self.session,
            editor=self.editor,
            username=row.username,
            display_name=row.display_name,
            password=password,
            role=row.role,
            department_code=row.department_code,
            grid_code=row.grid_code,
            must_change_password=one_time,
        )
        if one_time:
            self.result.secrets.append(Secret("one-time password", row.username, password))

    def integration(self, values: dict[str, Any]) -> None:
        row = IntegrationRow.model_validate(values)
        if row.key is not None and api_key_prefix(row.key) is None:
            raise UnprocessableContent(
                "A key reads hlk_<8 characters>_<secret>; leave it empty for a new one.",
                field="key",
            )
        created = auth.create_client(
            self.session, row.name, [str(c) for c in row.channels], editor=self.editor, key=row.key
        )
        if row.key is None:
            self.result.secrets.append(Secret("API key", row.name, created.key))


def load_city(
    session: Session, folder: Path, *, editor: Editor, progress: Progress | None = None
) -> LoadResult:
    """Load every file of `folder` in the session's transaction. Raises CityRejected with
    every problem (file, row, field) when any file or row is refused; the caller then
    rolls the transaction back, so nothing of the folder is kept."""
    problems: list[Problem] = []
    if not folder.is_dir():
        raise CityRejected(f"{folder} is not a folder.", problems=[])
    paths = _files(folder, problems)
    tables = {
        name: read_table(path, spec, problems)
        for spec in TABLES
        if (name := spec.name) in paths
        for path in [paths[name]]
    }
    grid_map = folder / GRID_MAP
    grid_document = _grid_document(grid_map, problems) if grid_map.is_file() else None
    loader = _Loader(session, editor, progress)
    loader.problems = problems
    loader.total = sum(len(table.rows) for table in tables.values())
    loader.total += len(grid_document["features"]) if grid_document else 0
    for table in tables.values():
        loader.result.notes.extend(table.notes)
    loader.result.notes.extend(
        f"{name}: not one of the folder's files (README.md lists them); not read"
        for name in _unknown_files(folder)
    )
    if not tables and not grid_map.is_file():
        problems.append(
            Problem(
                folder.name,
                None,
                None,
                f"holds none of the files: {GRID_MAP}, "
                + ", ".join(f"{spec.name}.csv" for spec in TABLES),
            )
        )
    writers: dict[str, Callable[[dict[str, Any]], None]] = {
        DEPARTMENTS.name: loader.department,
        CATEGORIES.name: loader.category,
        CALENDARS.name: loader.calendar,
        CALENDAR_DAYS.name: loader.calendar_day,
        SLA_POLICIES.name: loader.sla_policy,
        KEYWORDS.name: loader.keywords,
        ROUTING_RULES.name: loader.routing_rule,
        STAFF.name: loader.staff,
        INTEGRATIONS.name: loader.integration,
    }
    for spec in TABLES:
        if spec is CATEGORIES and grid_document is not None:
            loader.grid_map(grid_map, grid_document)  # after the units, before what names grids
        if spec.name in tables:
            loader.rows(tables[spec.name], spec, writers[spec.name])
    if loader.problems:
        raise CityRejected(
            f"{folder.name} has {len(loader.problems)} problem(s); nothing was written.",
            problems=[problem.__dict__ for problem in loader.problems],
        )
    return loader.result


# --- Export ---


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_text(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _period(span: list[int]) -> str:
    start, end = span
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _codes(session: Session, model: type[Department | Grid | Category]) -> dict[int, str]:
    return {row.id: row.code for row in session.execute(select(model.id, model.code))}


def _grid_map(session: Session) -> dict[str, Any]:
    parent = aliased(Grid)
    rows = session.execute(
        select(Grid, parent.code)
        .outerjoin(parent, Grid.parent_id == parent.id)
        .where(Grid.retired_at.is_(None))
        .order_by(Grid.level, Grid.code)
    )
    version = session.scalars(
        select(GridMapVersion).order_by(GridMapVersion.id.desc()).limit(1)
    ).first()
    return {
        "type": "FeatureCollection",
        GRID_MAP_CRS: version.crs if version else Crs.WGS84.value,
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "level": grid.level,
                    "parent_code": parent_code,
                },
                "geometry": grid.boundary,
            }
            for grid, parent_code in rows
        ],
    }


def _export_rows(session: Session) -> Iterator[tuple[TableSpec, list[dict[str, str]]]]:
    departments = _codes(session, Department)
    grids = _codes(session, Grid)
    categories = _codes(session, Category)
    yield (
        DEPARTMENTS,
        [
            {
                "code": d.code,
                "name": d.name,
                "short_name": _text(d.short_name),
                "contact_phone": _text(d.contact_phone),
                "kind": d.kind,
                "active": _text(d.retired_at is None),
            }
            for d in session.scalars(select(Department).order_by(Department.id))
        ],
    )
    yield (
        CATEGORIES,
        [
            {
                "code": c.code,
                "name": c.name,
                "parent_code": categories.get(c.parent_id or 0, ""),
                "default_priority": c.default_priority,
                "default_request_type": _text(c.default_request_type),
                "duplicate_radius_m": _text(c.duplicate_radius_m),
                "default_department_code": departments.get(c.department_id or 0, ""),
                "active": _text(c.retired_at is None),
            }
            # Groups first: a category's group is loaded before it.
            for c in session.scalars(
                select(Category).order_by(Category.parent_id.is_not(None), Category.code)
            )
        ],
    )
    calendars = list(session.scalars(select(WorkCalendar).order_by(WorkCalendar.id)))
    calendar_codes = {calendar.id: calendar.code for calendar in calendars}
    yield (
        CALENDARS,
        [
            {
                "code": calendar.code,
                "name": calendar.name,
                "timezone": calendar.timezone,
                "periods": LIST_SEPARATOR.join(_period(span) for span in calendar.periods),
                "round_the_clock": _text(calendar.round_the_clock),
            }
            for calendar in calendars
        ],
    )
    yield (
        CALENDAR_DAYS,
        [
            {
                "calendar_code": calendar_codes[day.calendar_id],
                "day": day.day.isoformat(),
                "is_working": _text(day.is_working),
                "name": day.name,
            }
            for day in session.scalars(
                select(CalendarDay).order_by(CalendarDay.calendar_id, CalendarDay.day)
            )
        ],
    )
    yield (
        SLA_POLICIES,
        [
            {
                "name": p.name,
                "request_type": _text(p.request_type),
                "category_code": categories.get(p.category_id or 0, ""),
                "priority": _text(p.priority),
                "calendar_code": calendar_codes[p.calendar_id],
                "dispatch_target": _text(p.dispatch_target),
                "sign_target": _text(p.sign_target),
                "reply_target": _text(p.reply_target),
                "return_window_target": _text(p.return_window_target),
                "warn_ratio": _text(p.warn_ratio),
                "warn_before_minutes": _text(p.warn_before_minutes),
                "max_extension_days": _text(p.max_extension_days),
                "enabled": _text(p.enabled),
            }
            for p in session.scalars(select(SlaPolicy).order_by(SlaPolicy.id))
        ],
    )
    yield (
        KEYWORDS,
        [
            {
                "category_code": k.category_code,
                "keywords": _text(k.keywords),
                "excluded": _text(k.excluded),
                "weight": _text(k.weight),
            }
            for k in session.scalars(select(CategoryKeyword).order_by(CategoryKeyword.id))
        ],
    )
    yield (
        ROUTING_RULES,
        [
            {
                "name": r.name,
                "position": _text(r.position),
                "enabled": _text(r.enabled),
                "is_fallback": _text(r.is_fallback),
                "category_codes": _text(r.category_codes),
                "request_types": _text(r.request_types),
                "channels": _text(r.channels),
                "grid_codes": _text(r.grid_codes),
                "keywords": _text(r.keywords),
                "target_kind": r.target_kind,
                "target_grid_level": _text(r.target_grid_level),
                "target_department_code": _text(r.target_department_code),
                "assist_department_codes": _text(r.assist_department_codes),
            }
            for r in session.scalars(
                select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
            )
        ],
    )
    # Passwords and keys are never exported: loading the folder makes new ones, shown once.
    yield (
        STAFF,
        [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "department_code": departments.get(u.department_id or 0, ""),
                "grid_code": grids.get(u.grid_id or 0, ""),
                "password": "",
            }
            for u in session.scalars(
                select(StaffUser).where(StaffUser.disabled_at.is_(None)).order_by(StaffUser.id)
            )
        ],
    )
    yield (
        INTEGRATIONS,
        [
            {"name": c.name, "channels": _text(c.channels), "key": ""}
            for c in session.scalars(
                select(IntegrationClient)
                .where(IntegrationClient.revoked_at.is_(None))
                .order_by(IntegrationClient.id)
            )
        ],
    )


def export_city(session: Session, folder: Path) -> dict[str, int]:
    """Write the city's set-up to `folder` as load_city reads it; rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    document = _grid_map(session)
    (folder / GRID_MAP).write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    counts = {GRID_MAP: len(document["features"])}
    for spec, rows in _export_rows(session):
        write_csv(folder / f"{spec.name}.csv", spec, rows)
        counts[f"{spec.name}.csv"] = len(rows)
    return counts
