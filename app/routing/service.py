"""Routing a ticket to the one unit responsible, with the reasons why.

Locate (the channel's grid, else the point in the grid map, else a street or community
named in the address), classify (the category given, else keyword rules when confident),
then the admins' ordered rules name the lead unit and any assisting units. What the rules,
keywords and reference data say is kept per process and reloaded when they change.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.grids.locator import GridIndex, GridLocator, LocatedGrid
from app.resources import ResourceKey
from app.routing.classifier import Classification, KeywordClassifier, KeywordRule
from app.routing.engine import Decision, Rule, TargetKind, TicketFacts, decide
from app.routing.models import CategoryKeyword, RoutingRule
from app.snapshots import ReloadingSnapshot
from app.units.models import Department

DEFAULT_CONFIDENCE_THRESHOLD = 0.6


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    name: str
    default_priority: str
    group_code: str | None
    group_id: int | None = None
    duplicate_radius_m: int | None = None
    # Its default department, else its group's: where it goes when no ordinary rule matches.
    department_code: str | None = None
    default_request_type: str | None = None
    # Retired: intake refuses it, naming the replacement (code, name) when one is set.
    retired_at: datetime | None = None
    replacement: tuple[str, str] | None = None


@dataclass(frozen=True)
class RoutingSnapshot:
    """Rules, keywords and the reference data they name, as of one moment."""

    rules: tuple[Rule, ...]
    classifier: KeywordClassifier
    categories: dict[str, CategoryInfo]
    departments: dict[str, tuple[int, str]]  # code -> (id, name), units that take tickets
    retired_departments: frozenset[str] = frozenset()

    @cached_property
    def categories_by_id(self) -> dict[int, CategoryInfo]:
        return {info.id: info for info in self.categories.values()}


def _version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a rule, a keyword rule, a category or a department changes."""
    row = session.execute(
        select(
            select(func.count(RoutingRule.id)).scalar_subquery(),
            select(func.max(RoutingRule.updated_at)).scalar_subquery(),
            select(func.count(CategoryKeyword.id)).scalar_subquery(),
            select(func.max(CategoryKeyword.updated_at)).scalar_subquery(),
            select(func.count(Category.id)).scalar_subquery(),
            select(func.max(Category.updated_at)).scalar_subquery(),
            select(func.count(Department.id)).scalar_subquery(),
            select(func.max(Department.updated_at)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def _rule(row: RoutingRule) -> Rule:
    return Rule(
        id=row.id,
        name=row.name,
        category_codes=frozenset(row.category_codes),
        request_types=frozenset(row.request_types),
        channels=frozenset(row.channels),
        grid_codes=frozenset(row.grid_codes),
        keywords=tuple(row.keywords),
        target_grid_level=row.target_grid_level if row.target_kind == "grid_level" else None,
        target_department_code=(
            row.target_department_code if row.target_kind == "department" else None
        ),
        assist_department_codes=tuple(row.assist_department_codes),
        is_fallback=row.is_fallback,
    )


def load_snapshot(session: Session) -> RoutingSnapshot:
    rules = session.scalars(
        select(RoutingRule)
        .where(RoutingRule.enabled)
        .order_by(RoutingRule.position, RoutingRule.id)
    )
    retired_codes = set(
        session.scalars(select(Category.code).where(Category.retired_at.is_not(None)))
    )
    # Text is never classified into a retired category.
    keyword_rules = [
        KeywordRule(row.category_code, tuple(row.keywords), row.weight, tuple(row.excluded))
        for row in session.scalars(select(CategoryKeyword).order_by(CategoryKeyword.id))
        if row.category_code not in retired_codes
    ]
    all_departments = list(session.scalars(select(Department)))
    department_code = {department.id: department.code for department in all_departments}
    all_categories = list(session.scalars(select(Category)))
    by_id = {category.id: category for category in all_categories}

    def default_department(category: Category) -> str | None:
        group = by_id.get(category.parent_id) if category.parent_id else None
        department_id = category.department_id or (group.department_id if group else None)
        return department_code.get(department_id) if department_id else None

    categories = {
        category.code: CategoryInfo(
            category.id,
            category.code,
            category.name,
            category.default_priority,
            by_id[category.parent_id].code if category.parent_id else None,
            category.parent_id,
            category.duplicate_radius_m,
            default_department(category),
            category.default_request_type,
            category.retired_at,
            _named(by_id.get(category.replacement_id)) if category.replacement_id else None,
        )
        for category in all_categories
    }
    return RoutingSnapshot(
        tuple(_rule(row) for row in rules),
        KeywordClassifier(keyword_rules),
        categories,
        {d.code: (d.id, d.name) for d in all_departments if d.retired_at is None},
        frozenset(d.code for d in all_departments if d.retired_at is not None),
    )


def _named(category: Category | None) -> tuple[str, str] | None:
    return (category.code, category.name) if category else None


class RoutingState:
    """The process's routing snapshot and grid index, reloaded when the database changed."""

    def __init__(self, locator: GridLocator, check_every: float = 2.0) -> None:
        self.locator = locator
        self._snapshot = ReloadingSnapshot(load_snapshot, _version, check_every)

    def snapshot(self, session: Session) -> RoutingSnapshot:
        return self._snapshot.get(session)

    def forget(self) -> None:
        self._snapshot.forget()
        self.locator.forget()


# Routing's state in the app's resources: `resources[ROUTING]`.
ROUTING: ResourceKey[RoutingState] = ResourceKey("routing")


@dataclass(frozen=True)
class TicketToRoute:
    """What intake (or a dispatcher's re-route) knows of a ticket before routing."""

    channel: str
    request_type: str
    text: str
    address: str | None
    category_code: str | None
    grid_path: str | None  # the channel's own grid (QR poster, patrol), if any
    lat: float | None  # WGS-84
    lon: float | None


@dataclass(frozen=True)
class RoutingOutcome:
    decision: Decision
    snapshot: RoutingSnapshot
    index: GridIndex | None
    grid: LocatedGrid | None
    category: CategoryInfo | None
    classification: Classification | None
    map_version_id: int | None
    lead_department_id: int | None
    lead_grid_id: int | None
    assisting: tuple[tuple[str, int], ...]  # ("department" | "grid", id)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def event_payload(self) -> dict[str, Any]:
        decision = self.decision
        return {
            "rule": decision.rule_name,
            "rule_id": decision.rule_id,
            "fallback": decision.fallback,
            "lead": (
                {"kind": decision.lead.kind, "code": decision.lead.code} if decision.lead else None
            ),
            "assisting": [target.code for target in decision.assisting],
            "grid": self.grid.code if self.grid else None,
            "category": self.category.code if self.category else None,
            "confidence": (
                round(self.classification.confidence, 3) if self.classification else None
            ),
            "map_version": self.map_version_id,
            "reasons": list(decision.reasons),
        }


def _locate(ticket: TicketToRoute, index: GridIndex | None) -> tuple[LocatedGrid | None, str]:
    if index is None:
        return None, "no grid map loaded"
    if ticket.grid_path is not None:
        grid_id = int(ticket.grid_path.strip("/").split("/")[-1])
        grid = index.by_id.get(grid_id)
        return grid, f"grid {grid.code if grid else grid_id} given by the {ticket.channel} channel"
    if ticket.lat is not None and ticket.lon is not None:
        location = index.locate_wgs84(ticket.lat, ticket.lon)
        if location is None:
            return None, "the point lies outside every grid"
        lat, lon = location.layer_point
        return location.grid, (
            f"point in grid {location.grid.code} (located as {lat:.6f}, {lon:.6f} "
            f"{location.layer_crs}, map version {location.map_version_id})"
        )
    if ticket.address:
        grid = index.match_address(ticket.address)
        if grid is not None:
            return grid, f"address names {grid.name} ({grid.code})"
        return None, "no point, and the address names no street or community"
    return None, "no point and no address"


def _classify(
    ticket: TicketToRoute, snapshot: RoutingSnapshot, threshold: float
) -> tuple[CategoryInfo | None, Classification | None, str]:
    if ticket.category_code is not None:
        category = snapshot.categories.get(ticket.category_code)
        return category, None, f"category {ticket.category_code} given"
    result = snapshot.classifier.classify(ticket.text)
    if result.category_code is None:
        return None, result, "no keyword matched the text"
    if result.confidence < threshold:
        return (
            None,
            result,
            (
                f"classified {result.category_code} with confidence {result.confidence:.2f} "
                f"< {threshold}: left for a person"
            ),
        )
    category = snapshot.categories.get(result.category_code)
    return (
        category,
        result,
        (
            f"classified {result.category_code} from {', '.join(result.matched)} "
            f"(confidence {result.confidence:.2f})"
        ),
    )


def route(
    session: Session,
    state: RoutingState,
    ticket: TicketToRoute,
    *,
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
) -> RoutingOutcome:
    """Where the ticket goes and why. Writes nothing: intake, the dry run and re-routing
    all call this and apply the outcome themselves."""
    snapshot = state.snapshot(session)
    index = state.locator.index(session)
    grid, location_note = _locate(ticket, index)
    category, classification, category_note = _classify(ticket, snapshot, threshold)
    facts = TicketFacts(
        category_code=category.code if category else None,
        category_group_code=category.group_code if category else None,
        request_type=ticket.request_type,
        channel=ticket.channel,
        grid_codes=index.lineage(grid.path) if index and grid else {},
        text=ticket.text,
        category_department_code=category.department_code if category else None,
    )
    decision = decide(
        snapshot.rules,
        facts,
        given=(location_note, category_note),
        retired=snapshot.retired_departments,
    )
    lead_department_id = lead_grid_id = None
    if decision.lead is not None and decision.lead.kind is TargetKind.DEPARTMENT:
        lead_department = snapshot.departments.get(decision.lead.code)
        lead_department_id = lead_department[0] if lead_department else None
    elif decision.lead is not None and index is not None:
        lead = index.by_code.get(decision.lead.code)
        lead_grid_id = lead.grid_id if lead else None
    assisting = tuple(
        ("department", snapshot.departments[target.code][0])
        for target in decision.assisting
        if target.code in snapshot.departments
    )
    return RoutingOutcome(
        decision=decision,
        snapshot=snapshot,
        index=index,
        grid=grid,
        category=category,
        classification=classification,
        map_version_id=index.map_version_id if index else None,
        lead_department_id=lead_department_id,
        lead_grid_id=lead_grid_id,
        assisting=assisting,
    )
