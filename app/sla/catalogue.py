"""The calendars and SLA policies in force, kept per process: intake and every action
look them up, and they change only when an administrator edits them."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.resources import ResourceKey
from app.sla.business_time import WorkingCalendar
from app.sla.models import CalendarDay, CalendarYear, SlaPolicy, WorkCalendar
from app.sla.targets import Target
from app.snapshots import ReloadingSnapshot
from app.vocabulary import ClockKind


@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    request_type: str | None
    category_id: int | None
    priority: str | None
    calendar_id: int
    targets: dict[ClockKind, Target]
    warn_ratio: float
    warn_before_minutes: int | None
    max_extension_days: int

    def specificity(self) -> int:
        # Priority first: an emergency runs on its own clock whatever its category.
        return (
            (8 if self.priority else 0)
            + (4 if self.category_id else 0)
            + (1 if self.request_type else 0)
        )


@dataclass(frozen=True)
class Catalogue:
    calendars: dict[int, WorkingCalendar]
    policies: tuple[Policy, ...]  # most specific first
    category_parent: dict[int, int | None]
    # The round-the-clock calendar elapsed targets ("24eh", "7cd") count on; None: the
    # city has none, and they count on their policy's calendar.
    elapsed_calendar_id: int | None = None

    def calendar_for(self, policy: "Policy", target: Target) -> int:
        """The calendar a clock with `target` of `policy` counts on."""
        if target.elapsed and self.elapsed_calendar_id is not None:
            return self.elapsed_calendar_id
        return policy.calendar_id

    def policy_for(
        self, request_type: str, category_id: int | None, priority: str
    ) -> Policy | None:
        """The most specific enabled policy that matches; a policy naming a category group
        matches every category in it (a category's own policy is more specific)."""
        group_id = self.category_parent.get(category_id) if category_id else None
        best: tuple[int, Policy] | None = None
        for policy in self.policies:
            if policy.request_type not in (None, request_type):
                continue
            if policy.priority not in (None, priority):
                continue
            score = policy.specificity()
            if policy.category_id is not None:
                if policy.category_id == category_id:
                    pass
                elif policy.category_id == group_id:
                    score -= 2  # a group is less specific than the category itself
                else:
                    continue
            if best is None or score > best[0]:
                best = (score, policy)
        return best[1] if best else None


def _policy(row: SlaPolicy) -> Policy:
    texts = {
        ClockKind.DISPATCH: row.dispatch_target,
        ClockKind.SIGN: row.sign_target,
        ClockKind.REPLY: row.reply_target,
        ClockKind.RETURN_WINDOW: row.return_window_target,
    }
    return Policy(
        id=row.id,
        name=row.name,
        request_type=row.request_type,
        category_id=row.category_id,
        priority=row.priority,
        calendar_id=row.calendar_id,
        targets={kind: Target.parse(text) for kind, text in texts.items() if text},
        warn_ratio=row.warn_ratio,
        warn_before_minutes=row.warn_before_minutes,
        max_extension_days=row.max_extension_days,
    )


def working_calendar(
    row: WorkCalendar, overrides: dict[date, bool], years: frozenset[int]
) -> WorkingCalendar:
    zone = ZoneInfo(row.timezone)
    if row.round_the_clock:
        return WorkingCalendar.twenty_four_seven(zone)
    return WorkingCalendar(
        timezone=zone,
        periods=tuple((start, end) for start, end in row.periods),
        overrides=overrides,
        covered_years=years,
    )


def load_catalogue(session: Session) -> Catalogue:
    overrides: dict[int, dict[date, bool]] = defaultdict(dict)
    for calendar_id, day, is_working in session.execute(
        select(CalendarDay.calendar_id, CalendarDay.day, CalendarDay.is_working)
    ):
        overrides[calendar_id][day] = is_working
    years: dict[int, set[int]] = defaultdict(set)
    for calendar_id, year in session.execute(select(CalendarYear.calendar_id, CalendarYear.year)):
        years[calendar_id].add(year)
    rows = list(session.scalars(select(WorkCalendar).order_by(WorkCalendar.id)))
    calendars = {
        row.id: working_calendar(row, overrides[row.id], frozenset(years[row.id])) for row in rows
    }
    elapsed = next((row.id for row in rows if row.round_the_clock), None)
    policies = sorted(
        (_policy(row) for row in session.scalars(select(SlaPolicy).where(SlaPolicy.enabled))),
        key=lambda policy: (-policy.specificity(), policy.id),
    )
    parents: dict[int, int | None] = dict(
        session.execute(select(Category.id, Category.parent_id)).all()
    )
    return Catalogue(calendars, tuple(policies), parents, elapsed)


def _version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a calendar, its days or years, a policy or a category changes."""
    return tuple(
        session.execute(
            select(
                select(func.count(WorkCalendar.id)).scalar_subquery(),
                select(func.max(WorkCalendar.updated_at)).scalar_subquery(),
                select(func.count(CalendarDay.id)).scalar_subquery(),
                select(func.max(CalendarDay.id)).scalar_subquery(),
                select(func.count(CalendarYear.id)).scalar_subquery(),
                select(func.count(SlaPolicy.id)).scalar_subquery(),
                select(func.max(SlaPolicy.updated_at)).scalar_subquery(),
                select(func.count(Category.id)).scalar_subquery(),
            )
        ).one()
    )


class SlaState:
    """The process's catalogue of calendars and policies."""

    def __init__(self, check_every: float = 2.0) -> None:
        self._catalogue = ReloadingSnapshot(load_catalogue, _version, check_every)

    def catalogue(self, session: Session) -> Catalogue:
        return self._catalogue.get(session)

    def forget(self) -> None:
        self._catalogue.forget()


# The SLA catalogue in the app's resources: `resources[SLA]`.
SLA: ResourceKey[SlaState] = ResourceKey("sla")
