"""HTTP for working-day calendars and SLA policies: administrators edit, the dispatch
centre and supervisors read."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import ReaderDep
from app.auth.editors import AdminEditorDep
from app.dependencies import ResourcesDep, SessionDep
from app.resources import Resources
from app.sla import service
from app.sla.catalogue import SLA
from app.sla.models import SlaPolicy, WorkCalendar
from app.sla.schemas import (
    CalendarDayRead,
    CalendarDaySet,
    CalendarDayWrite,
    CalendarRead,
    CalendarYearWrite,
    SlaPolicyRead,
    SlaPolicyWrite,
    YearPublished,
)

router = APIRouter(tags=["sla"])
Year = Annotated[int, Query(ge=2000, le=2100)]


def _calendar(session: Session, calendar: WorkCalendar, year: int | None) -> CalendarRead:
    return CalendarRead(
        code=calendar.code,
        name=calendar.name,
        timezone=calendar.timezone,
        periods=calendar.periods,
        round_the_clock=calendar.round_the_clock,
        covered_years=service.years_of(session, calendar),
        days=[
            CalendarDayRead.model_validate(day) for day in service.days_of(session, calendar, year)
        ],
        provisional_clocks=service.provisional_clocks(session, calendar),
    )


def _changed(resources: Resources) -> None:
    # This process at once; the others within their check interval (a version stamp).
    resources[SLA].forget()


@router.get("/calendars", summary="Working-day calendars, with the years they cover")
def list_calendars(
    session: SessionDep, _staff: ReaderDep, year: Year | None = None
) -> list[CalendarRead]:
    """`year` limits the listed days to one year."""
    return [_calendar(session, calendar, year) for calendar in service.list_calendars(session)]


@router.get("/calendars/{code}", summary="One calendar: hours, holidays, moved working days")
def get_calendar(
    code: str, session: SessionDep, _staff: ReaderDep, year: Year | None = None
) -> CalendarRead:
    return _calendar(session, service.get_calendar(session, code), year)


@router.put(
    "/calendars/{code}/years/{year}",
    summary="Publish a year's holiday notice (the State Council's, or the city's own)",
)
def publish_year(
    code: str,
    year: int,
    body: CalendarYearWrite,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> YearPublished:
    """Replaces the year's holidays and moved working days, marks the year covered, and
    recounts every running or paused clock the notice moves, and every provisional one
    (each with a `clock_recomputed` event); `clocks_recomputed` says how many."""
    calendar = service.get_calendar(session, code)
    published = service.publish_year(session, calendar, year, body.days, editor)
    _changed(resources)
    return YearPublished(
        year=published.year, days=published.days, clocks_recomputed=published.clocks_recomputed
    )


@router.put("/calendars/{code}/days/{day}", summary="Set one holiday or moved working day")
def set_day(
    code: str,
    day: date,
    body: CalendarDayWrite,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> CalendarDaySet:
    """The running and paused clocks the change moves are recounted, each with a
    `clock_recomputed` event; `clocks_recomputed` says how many."""
    calendar = service.get_calendar(session, code)
    done = service.set_day(session, calendar, day, body, editor)
    _changed(resources)
    return CalendarDaySet(
        day=done.day.day,
        is_working=done.day.is_working,
        name=done.day.name,
        clocks_recomputed=done.clocks_recomputed,
    )


@router.delete("/calendars/{code}/days/{day}", status_code=204, summary="Back to the weekly rule")
def delete_day(
    code: str, day: date, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> Response:
    """The clocks the change moves are recounted, as when a day is set; the
    `Clocks-Recomputed` header says how many."""
    recomputed = service.delete_day(session, service.get_calendar(session, code), day, editor)
    _changed(resources)
    return Response(status_code=204, headers={"Clocks-Recomputed": str(recomputed)})


def _policy(session: Session, policy: SlaPolicy) -> SlaPolicyRead:
    calendar = session.get_one(WorkCalendar, policy.calendar_id)
    category = policy.category_id and service.category_code(session, policy.category_id)
    return SlaPolicyRead(
        id=policy.id,
        name=policy.name,
        request_type=policy.request_type,
        category_code=category or None,
        priority=policy.priority,
        calendar_code=calendar.code,
        dispatch_target=policy.dispatch_target,
        sign_target=policy.sign_target,
        reply_target=policy.reply_target,
        return_window_target=policy.return_window_target,
        warn_ratio=policy.warn_ratio,
        warn_before_minutes=policy.warn_before_minutes,
        max_extension_days=policy.max_extension_days,
        enabled=policy.enabled,
        updated_at=policy.updated_at,
    )


@router.get("/sla-policies", summary="SLA policies; the most specific enabled one applies")
def list_policies(session: SessionDep, _staff: ReaderDep) -> list[SlaPolicyRead]:
    return [_policy(session, policy) for policy in service.list_policies(session)]


@router.post("/sla-policies", status_code=201, summary="Add an SLA policy")
def create_policy(
    body: SlaPolicyWrite, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> SlaPolicyRead:
    policy = service.create_policy(session, body, editor)
    _changed(resources)
    return _policy(session, policy)


@router.put("/sla-policies/{policy_id}", summary="Change an SLA policy (new clocks follow it)")
def update_policy(
    policy_id: int,
    body: SlaPolicyWrite,
    resources: ResourcesDep,
    session: SessionDep,
    editor: AdminEditorDep,
) -> SlaPolicyRead:
    policy = service.update_policy(session, service.get_policy(session, policy_id), body, editor)
    _changed(resources)
    return _policy(session, policy)


@router.delete("/sla-policies/{policy_id}", status_code=204, summary="Delete an unused policy")
def delete_policy(
    policy_id: int, resources: ResourcesDep, session: SessionDep, editor: AdminEditorDep
) -> Response:
    service.delete_policy(session, service.get_policy(session, policy_id), editor)
    _changed(resources)
    return Response(status_code=204)
