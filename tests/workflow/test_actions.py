"""The ticket's life over HTTP: what each action does to the status, the clocks and the
timeline, the refusals a user meets, and the deadlines that moving a ticket about cannot
reset. Who may call each action is the access matrix's job (tests/auth)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock, utc_now
from app.config import Settings
from app.demo.people import demo_users
from app.main import create_app
from app.sla.business_time import WorkingCalendar
from app.sla.catalogue import load_catalogue
from app.sla.defaults import STANDARD
from app.sla.models import WorkCalendar
from tests import factories
from tests.apps import in_test_transaction
from tests.workflow.helpers import (
    LIVE,
    PROBLEM_JSON,
    TICKETS,
    Auth,
    Json,
    act,
    clocks_of,
    department_ticket,
    done,
    events,
    file_ticket,
    instant,
    kinds,
    live_clock,
    live_kinds,
    move_clock,
    read,
    unrouted_ticket,
)

GRIDWORKER = next(user for user in demo_users(factories.CITY) if user.username == "gridworker")
REPLY = {"reply": "路灯已修复，经现场核实恢复照明。"}
REASON = {"reason": "不属于本单位职责"}
NOTE = {"note": "请尽快办理"}
TO_PUBLIC_SECURITY = {"lead": {"kind": "department", "code": "public_security"}}
# An unrouted ticket has no category yet: its dispatch names one.
DISPATCH_UNROUTED = TO_PUBLIC_SECURITY | {"category_code": "0103"}


@pytest.fixture
def ticket(client: TestClient) -> Json:
    """Dispatched to urban management at intake."""
    return department_ticket(client)


@pytest.fixture
def signed(client: TestClient, auth: Auth, ticket: Json) -> Json:
    return done(client, ticket["number"], "sign", {}, auth["urban"])


def _without_remaining(clocks: list[Json]) -> list[Json]:
    """Clocks as stored: the business time left changes by the second."""
    return [{k: v for k, v in clock.items() if k != "remaining_seconds"} for clock in clocks]


def _state(ticket: Json, kind: str, cycle: int = 1) -> str:
    [clock] = [c for c in clocks_of(ticket, kind) if c["cycle"] == cycle]
    state: str = clock["state"]
    return state


# The main road ---------------------------------------------------------------------------


def test_the_main_road_through_a_reopened_second_cycle(
    client: TestClient, auth: Auth, ticket: Json
) -> None:
    number, urban = ticket["number"], auth["urban"]
    assert {c["clock"]: c["state"] for c in ticket["clocks"]} == {
        "reply": "running",
        "sign": "running",
        "return_window": "running",
    }
    assert read(client, number, urban)["allowed_actions"][:2] == ["sign", "return"]
    assert "sign" not in ticket["allowed_actions"]  # the dispatcher's view

    signed = done(client, number, "sign", {"note": "已接单"}, urban)
    assert signed["status"] == "signed"
    assert _state(signed, "sign") == "met"
    assert clocks_of(signed, "sign")[0]["stopped_at"] is not None
    assert _state(signed, "reply") == "running"
    assert signed["deadlines"]["sign_due_at"] is None
    assert events(signed, "signed")[0]["payload"]["note"] == "已接单"
    assert {"reply", "request-extension", "suspend"} <= set(signed["allowed_actions"])
    assert "sign" not in signed["allowed_actions"]

    replied = done(client, number, "reply", REPLY, urban)
    assert replied["status"] == "replied"
    assert replied["reply"] == REPLY["reply"]
    assert _state(replied, "reply") == "met"
    assert _state(replied, "return_window") == "cancelled"
    assert live_kinds(replied) == set()
    assert events(replied, "replied")[0]["payload"]["reply"] == REPLY["reply"]
    assert read(client, number)["allowed_actions"] == [
        "return-visit",
        "close",
        "reopen",
        "supervise",
        "notes",
    ]

    visit = {"satisfaction": "dissatisfied", "solved": False, "note": "路灯仍不亮"}
    visited = done(client, number, "return-visit", visit)
    assert visited["status"] == "visited"
    assert events(visited, "visited")[0]["payload"] == visit

    reopened = done(client, number, "reopen", {"reason": "市民反映仍未修好"})
    assert reopened["status"] == "dispatched"
    assert reopened["cycle"] == 2
    assert reopened["assigned_unit"]["code"] == "urban_management"
    assert events(reopened, "reopened")[0]["payload"]["cycle"] == 2
    second = {c["clock"]: c for c in reopened["clocks"] if c["cycle"] == 2}
    assert {kind: c["state"] for kind, c in second.items()} == {
        "sign": "running",
        "return_window": "running",
        "reply": "running",
    }
    assert all(c["state"] not in LIVE for c in reopened["clocks"] if c["cycle"] == 1)
    first_reply = clocks_of(reopened, "reply")[0]
    assert instant(second["reply"]["started_at"]) >= instant(first_reply["stopped_at"])
    assert reopened["deadlines"]["reply_due_at"] == second["reply"]["due_at"]

    done(client, number, "sign", {}, urban)
    second_reply = {"reply": "已更换灯泡，市民确认恢复照明。"}
    replied = done(client, number, "reply", second_reply, urban)
    assert replied["reply"] == second_reply["reply"]
    assert _state(replied, "sign", cycle=2) == "met"
    assert _state(replied, "reply", cycle=2) == "met"
    done(client, number, "return-visit", {"satisfaction": "satisfied", "solved": True})
    closed = done(client, number, "close", {})
    assert closed["status"] == "closed"
    assert live_kinds(closed) == set()
    assert closed["allowed_actions"] == ["reopen"]
    assert read(client, number, urban)["allowed_actions"] == []
    road = [
        kind
        for kind in kinds(closed)
        if kind in {"routed", "signed", "replied", "visited", "reopened", "closed"}
    ]
    assert road == [
        "routed",
        "signed",
        "replied",
        "visited",
        "reopened",
        "signed",
        "replied",
        "visited",
        "closed",
    ]


# Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "action", "body", "signed_first"),
    [
        pytest.param("urban", "reply", REPLY, False, id="reply-before-signing"),
        pytest.param("urban", "sign", {}, True, id="sign-twice"),
        pytest.param("dispatcher", "close", {"note": "结案"}, True, id="close-while-handled"),
        pytest.param("dispatcher", "dispatch", TO_PUBLIC_SECURITY, False, id="dispatch-again"),
        pytest.param("dispatcher", "resume", {}, True, id="resume-unsuspended"),
    ],
)
def test_a_move_the_state_does_not_allow_is_a_409_that_changes_nothing(
    client: TestClient,
    auth: Auth,
    ticket: Json,
    who: str,
    action: str,
    body: Json,
    signed_first: bool,
) -> None:
    number = ticket["number"]
    if signed_first:
        done(client, number, "sign", {}, auth["urban"])
    before = read(client, number, auth[who])
    response = act(client, number, action, body, auth[who])
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == 409
    assert problem["ticket_status"] == before["status"]
    assert problem["allowed_actions"] == before["allowed_actions"]
    assert before["status"] in problem["detail"]
    assert all(allowed in problem["detail"] for allowed in before["allowed_actions"])
    after = read(client, number, auth[who])
    assert after["version"] == before["version"]
    assert after["timeline"] == before["timeline"]
    assert _without_remaining(after["clocks"]) == _without_remaining(before["clocks"])


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        pytest.param("return", {}, "body.reason", id="return-without-reason"),
        pytest.param("reply", {}, "body.reply", id="reply-without-text"),
        pytest.param(
            "invalidate",
            {"reason": "spam"},
            "body.reason",
            id="invalidate-unknown-reason",
        ),
        pytest.param(
            "request-extension",
            {"working_days": 0, "reason": "等待配件"},
            "body.working_days",
            id="extension-of-no-days",
        ),
        pytest.param(
            "return-visit",
            {"satisfaction": "so-so", "solved": True},
            "body.satisfaction",
            id="unknown-satisfaction",
        ),
    ],
)
def test_a_body_missing_what_the_action_needs_is_a_422_naming_the_field(
    client: TestClient, auth: Auth, ticket: Json, action: str, body: Json, field: str
) -> None:
    number = ticket["number"]
    who = "dispatcher" if action in {"invalidate", "return-visit"} else "urban"
    response = act(client, number, action, body, auth[who])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert field in [error["field"] for error in response.json()["errors"]]
    assert read(client, number)["version"] == ticket["version"]


def test_closing_without_a_return_visit_needs_a_note(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    number = signed["number"]
    done(client, number, "reply", REPLY, auth["urban"])
    silent = act(client, number, "close", {})
    assert silent.status_code == 409, silent.text
    assert silent.json()["allowed_actions"] == ["return-visit", "reopen"]
    assert read(client, number)["status"] == "replied"
    closed = done(client, number, "close", {"note": "三次回访均无人接听"})
    assert closed["status"] == "closed"
    assert events(closed, "closed")[0]["payload"]["note"] == "三次回访均无人接听"


# Moving a ticket about: the citizen's reply clock never restarts --------------------------


def test_a_return_goes_back_to_the_centre_and_keeps_the_citizens_deadline(
    client: TestClient, auth: Auth, ticket: Json
) -> None:
    number = ticket["number"]
    reply_due = live_clock(ticket, "reply")["due_at"]
    returned = done(client, number, "return", REASON, auth["urban"])
    assert returned["status"] == "returned"
    assert returned["assigned_unit"] is None
    assert returned["allowed_actions"] == []  # the unit no longer has it
    assert events(returned, "returned")[0]["payload"]["reason"] == REASON["reason"]
    assert [c["state"] for c in clocks_of(returned, "sign")] == ["cancelled"]
    assert live_clock(returned, "dispatch")["state"] == "running"
    assert live_clock(returned, "reply")["due_at"] == reply_due
    assert returned["deadlines"]["reply_due_at"] == reply_due
    assert returned["deadlines"]["dispatch_due_at"] == live_clock(returned, "dispatch")["due_at"]
    assert client.get(f"{TICKETS}/{number}", headers=auth["urban"]).status_code == 404

    moved = done(client, number, "dispatch", TO_PUBLIC_SECURITY)
    assert moved["status"] == "dispatched"
    assert moved["assigned_unit"]["code"] == "public_security"
    assert [c["state"] for c in clocks_of(moved, "dispatch")] == ["met"]
    first_sign, second_sign = clocks_of(moved, "sign")
    assert first_sign["state"] == "cancelled"
    assert second_sign["state"] == "running"
    assert instant(second_sign["started_at"]) > instant(first_sign["started_at"])
    assert live_clock(moved, "return_window")["started_at"] == second_sign["started_at"]
    assert live_clock(moved, "reply")["due_at"] == reply_due
    assert moved["deadlines"]["reply_due_at"] == reply_due


def test_a_signed_ticket_may_be_returned_too(client: TestClient, auth: Auth, signed: Json) -> None:
    returned = done(client, signed["number"], "return", REASON, auth["urban"])
    assert returned["status"] == "returned"
    assert [c["state"] for c in clocks_of(returned, "sign")] == ["met"]
    assert live_clock(returned, "reply")["due_at"] == live_clock(signed, "reply")["due_at"]


def test_no_return_once_the_return_window_closed(
    client: TestClient, session: Session, auth: Auth, signed: Json
) -> None:
    number = signed["number"]
    move_clock(session, number, "return_window", due_at=utc_now() - timedelta(minutes=1))
    before = read(client, number)
    response = act(client, number, "return", REASON, auth["urban"])
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "return window closed" in response.json()["detail"]
    after = read(client, number)
    assert after["status"] == "signed"
    assert after["assigned_unit"]["code"] == "urban_management"
    assert after["version"] == before["version"]
    assert after["timeline"] == before["timeline"]


def test_a_transfer_moves_the_sign_clock_but_not_the_citizens_deadline(
    client: TestClient, signed: Json
) -> None:
    number = signed["number"]
    reply_due = live_clock(signed, "reply")["due_at"]
    body = TO_PUBLIC_SECURITY | {"reason": "涉及治安，转公安分局"}
    moved = done(client, number, "transfer", body)
    assert moved["status"] == "dispatched"
    assert moved["assigned_unit"]["code"] == "public_security"
    event = events(moved, "transferred")[0]["payload"]
    assert event["previous"] == {"kind": "department", "code": "urban_management"}
    assert event["lead"] == {"kind": "department", "code": "public_security"}
    first_sign, second_sign = clocks_of(moved, "sign")
    assert (first_sign["state"], second_sign["state"]) == ("met", "running")
    assert [c["state"] for c in clocks_of(moved, "return_window")] == ["cancelled", "running"]
    assert live_clock(moved, "reply")["due_at"] == reply_due
    assert moved["deadlines"]["reply_due_at"] == reply_due
    assert moved["deadlines"]["sign_due_at"] == second_sign["due_at"]


def test_a_unit_grid_ticket_escalates_to_its_community(client: TestClient, auth: Auth) -> None:
    ticket = file_ticket(client, factories.grid_patrol(category_code="0102"))
    assert ticket["assigned_unit"]["code"] == GRIDWORKER.grid_code
    unit_grid = next(g for g in factories.CITY.grids if g.code == GRIDWORKER.grid_code)
    community = next(g for g in factories.CITY.grids if g.code == unit_grid.parent_code)
    escalated = done(
        client, ticket["number"], "escalate", {"reason": "需社区协调"}, auth["gridworker"]
    )
    assert escalated["status"] == "dispatched"
    assert escalated["assigned_unit"] == {
        "kind": "grid",
        "code": community.code,
        "name": community.name,
    }
    assert [c["state"] for c in clocks_of(escalated, "sign")] == ["cancelled", "running"]
    assert live_clock(escalated, "reply")["due_at"] == live_clock(ticket, "reply")["due_at"]
    assert events(escalated, "escalated")[0]["payload"]["reason"] == "需社区协调"


def test_a_department_ticket_escalates_to_the_district_office(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    escalated = done(client, signed["number"], "escalate", {"reason": "职责不清"}, auth["urban"])
    assert escalated["status"] == "dispatched"
    assert escalated["assigned_unit"]["code"] == "district_office"
    assert live_clock(escalated, "reply")["due_at"] == live_clock(signed, "reply")["due_at"]
    assert live_clock(escalated, "sign")["state"] == "running"


def test_joint_handling_lets_the_assisting_department_see_the_ticket(
    client: TestClient, auth: Auth
) -> None:
    ticket = unrouted_ticket(client)
    number = ticket["number"]
    assert client.get(f"{TICKETS}/{number}", headers=auth["urban"]).status_code == 404
    body = {
        "lead": {"kind": "department", "code": "housing_construction"},
        "assist_department_codes": ["urban_management", "public_security"],
        "reason": "危房排查需多部门联合处置",
    }
    joint = done(client, number, "joint-handling", body)
    assert joint["status"] == "dispatched"
    assert joint["assigned_unit"]["code"] == "housing_construction"
    assert [u["code"] for u in joint["assisting_units"]] == ["urban_management", "public_security"]
    assert events(joint, "joint_handling")[0]["payload"]["reason"] == body["reason"]
    assert live_clock(joint, "sign")["state"] == "running"
    assert [c["state"] for c in clocks_of(joint, "dispatch")] == ["met"]
    seen = read(client, number, auth["urban"])
    assert seen["assigned_unit"]["code"] == "housing_construction"
    # It assists: the lead signs and replies, it records its part.
    assert seen["allowed_actions"] == ["notes"]
    listed = client.get(TICKETS, headers=auth["urban"]).json()["items"]
    assert number in [item["number"] for item in listed]


def test_joint_handling_on_a_signed_ticket_keeps_it_signed(
    client: TestClient, signed: Json
) -> None:
    body = {
        "lead": {"kind": "department", "code": "urban_management"},
        "assist_department_codes": ["public_security"],
        "reason": "需公安配合",
    }
    joint = done(client, signed["number"], "joint-handling", body)
    assert joint["status"] == "signed"
    assert [u["code"] for u in joint["assisting_units"]] == ["public_security"]
    assert _without_remaining(joint["clocks"]) == _without_remaining(signed["clocks"])


# Suspending and extending ------------------------------------------------------------------

WORKING_DAY_SECONDS = 7.5 * 3600  # 09:00-12:00 and 13:30-18:00
EXTENSION = {"working_days": 3, "reason": "等待配件到货"}


def _office_hours(session: Session) -> WorkingCalendar:
    calendar_id = session.scalars(
        select(WorkCalendar.id).where(WorkCalendar.code == STANDARD)
    ).one()
    return load_catalogue(session).calendars[calendar_id]


def test_suspend_stops_the_reply_clock_and_resume_gives_its_time_back(
    clock: FrozenClock, client: TestClient, session: Session, auth: Auth, signed: Json
) -> None:
    # The clock stands still but for the hour suspended: business time is compared exactly.
    number, urban = signed["number"], auth["urban"]
    running = live_clock(read(client, number, urban), "reply")
    suspended_at = clock.now
    suspended = done(client, number, "suspend", {"reason": "等待供电公司停电检修"}, urban)
    assert suspended["status"] == "suspended"
    paused = live_clock(suspended, "reply")
    assert (paused["state"], paused["paused"], paused["due_at"]) == ("paused", True, None)
    assert suspended["deadlines"]["reply_due_at"] is None
    assert paused["remaining_seconds"] == running["remaining_seconds"]
    assert events(suspended, "clock_paused")[0]["payload"]["clocks"][0]["clock"] == "reply"
    assert events(suspended, "suspended")[0]["payload"]["reason"] == "等待供电公司停电检修"
    resumed_at = clock.advance(timedelta(hours=1))
    still = live_clock(read(client, number), "reply")
    assert still["remaining_seconds"] == paused["remaining_seconds"]  # it does not tick
    assert suspended["allowed_actions"] == ["request-extension", "resume", "notes"]

    resumed = done(client, number, "resume", {"note": "已恢复供电"}, urban)
    assert resumed["status"] == "signed"
    again = live_clock(resumed, "reply")
    assert (again["state"], again["paused"]) == ("running", False)
    assert again["remaining_seconds"] == paused["remaining_seconds"]
    # The deadline moves by the business time of the hour suspended, and by nothing else.
    office = _office_hours(session)
    later_by = office.between(instant(running["due_at"]), instant(again["due_at"]))
    assert later_by == office.between(suspended_at, resumed_at)
    assert resumed["deadlines"]["reply_due_at"] == again["due_at"]
    assert {"suspended", "clock_paused", "resumed", "clock_resumed"} <= set(kinds(resumed))


def test_an_approved_extension_moves_the_deadline_by_working_days(
    clock: FrozenClock, client: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    before = live_clock(read(client, number, urban), "reply")
    requested = done(client, number, "request-extension", EXTENSION, urban)
    assert live_clock(requested, "reply")["due_at"] == before["due_at"]
    assert events(requested, "extension_requested")[0]["payload"] == EXTENSION
    approved = done(client, number, "decide-extension", {"approve": True, "note": "同意"})
    extended = live_clock(approved, "reply")
    assert extended["extended_days"] == 3
    assert instant(extended["due_at"]) - instant(before["due_at"]) >= timedelta(days=3)
    gained = extended["remaining_seconds"] - before["remaining_seconds"]
    assert gained == 3 * WORKING_DAY_SECONDS
    assert approved["deadlines"]["reply_due_at"] == extended["due_at"]
    [moved] = events(approved, "clock_extended")
    assert moved["payload"]["previous_due_at"] == before["due_at"].replace("Z", "+00:00")
    assert events(approved, "extension_approved")[0]["payload"]["working_days"] == 3


def test_extensions_stop_at_ten_working_days_in_all(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    done(client, number, "request-extension", EXTENSION, urban)
    done(client, number, "decide-extension", {"approve": True})
    too_many = act(
        client, number, "request-extension", {"working_days": 8, "reason": "再延"}, urban
    )
    assert too_many.status_code == 409, too_many.text
    assert too_many.json()["max_extension_days"] == 10
    assert "3 already given" in too_many.json()["detail"]
    done(client, number, "request-extension", {"working_days": 7, "reason": "再延"}, urban)
    approved = done(client, number, "decide-extension", {"approve": True})
    assert live_clock(approved, "reply")["extended_days"] == 10
    one_more = act(
        client, number, "request-extension", {"working_days": 1, "reason": "再延"}, urban
    )
    assert one_more.status_code == 409, one_more.text


def test_one_request_at_a_time_and_a_rejection_leaves_the_deadline(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    due = live_clock(signed, "reply")["due_at"]
    done(client, number, "request-extension", EXTENSION, urban)
    second = act(client, number, "request-extension", EXTENSION, urban)
    assert second.status_code == 409, second.text
    assert "already waiting" in second.json()["detail"]
    rejected = done(client, number, "decide-extension", {"approve": False, "note": "理由不足"})
    assert live_clock(rejected, "reply")["due_at"] == due
    assert live_clock(rejected, "reply")["extended_days"] == 0
    assert events(rejected, "extension_rejected")[0]["payload"]["note"] == "理由不足"
    assert "clock_extended" not in kinds(rejected)
    nothing_waiting = act(client, number, "decide-extension", {"approve": True})
    assert nothing_waiting.status_code == 409, nothing_waiting.text
    done(client, number, "request-extension", EXTENSION, urban)  # may ask again


def test_a_decision_on_an_extension_is_offered_only_while_one_is_pending(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    assert "decide-extension" not in read(client, number)["allowed_actions"]

    asked = done(client, number, "request-extension", EXTENSION, urban)
    assert "decide-extension" not in asked["allowed_actions"]  # the unit does not decide
    assert "decide-extension" in read(client, number)["allowed_actions"]

    decided = done(client, number, "decide-extension", {"approve": False})
    assert "decide-extension" not in decided["allowed_actions"]


def test_no_extension_once_the_deadline_passed(
    client: TestClient, session: Session, auth: Auth, signed: Json
) -> None:
    number = signed["number"]
    move_clock(session, number, "reply", due_at=utc_now() - timedelta(minutes=5))
    before = read(client, number)
    late = act(client, number, "request-extension", EXTENSION, auth["urban"])
    assert late.status_code == 409, late.text
    assert "deadline passed" in late.json()["detail"]
    assert read(client, number)["version"] == before["version"]


def test_an_extension_approved_while_suspended_adds_to_the_time_left(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    paused = live_clock(done(client, number, "suspend", {"reason": "等待鉴定"}, urban), "reply")
    done(client, number, "request-extension", {"working_days": 2, "reason": "鉴定需时"}, urban)
    approved = done(client, number, "decide-extension", {"approve": True})
    clock = live_clock(approved, "reply")
    assert clock["state"] == "paused"
    assert clock["extended_days"] == 2
    gained = clock["remaining_seconds"] - paused["remaining_seconds"]
    assert gained == pytest.approx(2 * WORKING_DAY_SECONDS, abs=0.001)


# Pressing the unit ---------------------------------------------------------------------------


def test_urging_counts_and_supervising_happens_once(
    client: TestClient, auth: Auth, ticket: Json
) -> None:
    number, supervisor = ticket["number"], auth["supervisor"]
    done(client, number, "urge", NOTE, supervisor)
    urged = done(client, number, "urge", {"note": "再次催办"}, supervisor)
    assert urged["urge_count"] == 2
    assert [e["payload"] for e in events(urged, "urged")] == [
        {"note": NOTE["note"], "count": 1},
        {"note": "再次催办", "count": 2},
    ]
    assert urged["status"] == "dispatched"
    supervised = done(client, number, "supervise", {"note": "列入督办"}, supervisor)
    assert supervised["supervised"] is True
    assert events(supervised, "supervised")[0]["payload"]["note"] == "列入督办"
    again = act(client, number, "supervise", {"note": "再次督办"}, supervisor)
    assert again.status_code == 409, again.text
    assert again.headers["content-type"] == PROBLEM_JSON
    after = read(client, number)
    assert after["version"] == supervised["version"]
    assert len(events(after, "supervised")) == 1


# Ending without a unit -------------------------------------------------------------------------


def test_invalidating_cancels_every_clock(client: TestClient) -> None:
    ticket = file_ticket(
        client, factories.hotline_12345(category_code="0702", description="闻到燃气味")
    )
    assert ticket["assisting_units"]
    assert live_kinds(ticket) == {"reply", "sign", "return_window"}
    body = {"reason": "harassment", "note": "同一号码当日第五次骚扰来电"}
    invalid = done(client, ticket["number"], "invalidate", body)
    assert invalid["status"] == "invalid"
    assert {c["state"] for c in invalid["clocks"]} == {"cancelled"}
    assert set(invalid["deadlines"].values()) == {None}
    assert invalid["assisting_units"] == []
    assert invalid["allowed_actions"] == []
    assert events(invalid, "invalidated")[0]["payload"] == body


def test_the_call_centre_answers_a_consultation_at_once(client: TestClient, auth: Auth) -> None:
    ticket = unrouted_ticket(client)
    number = ticket["number"]
    assert live_kinds(ticket) == {"dispatch", "reply"}
    answer = {"reply": "办理居住证需携带身份证和租房合同到社区服务中心。"}
    answered = done(client, number, "answer-at-once", answer, auth["call_centre"])
    assert answered["status"] == "replied"
    assert answered["reply"] == answer["reply"]
    assert answered["assigned_unit"] is None
    assert {c["clock"]: c["state"] for c in answered["clocks"]} == {
        "dispatch": "met",
        "reply": "met",
    }
    [event] = events(read(client, number), "answered_at_once")
    assert event["actor"]["kind"] == "client"
    assert event["channel"] == "hotline_12345"
    assert event["payload"]["reply"] == answer["reply"]
    no_unit = act(client, number, "reopen", {"reason": "市民不满意"})
    assert no_unit.status_code == 409, no_unit.text
    assert "without a unit" in no_unit.json()["detail"]


# Optimistic concurrency: If-Match -------------------------------------------------------------


def test_if_match_refuses_a_stale_version_and_accepts_the_current_one(
    client: TestClient, ticket: Json
) -> None:
    number = ticket["number"]
    got = client.get(f"{TICKETS}/{number}")
    version = got.json()["version"]
    assert got.headers["ETag"] == f'"{version}"'
    current = {"If-Match": f'"{version}"'}
    urged = act(client, number, "urge", NOTE, current)
    assert urged.status_code == 200, urged.text
    assert urged.headers["ETag"] == f'"{version + 1}"'
    assert urged.json()["version"] == version + 1

    stale = act(client, number, "urge", NOTE, current)
    assert stale.status_code == 412, stale.text
    assert stale.headers["content-type"] == PROBLEM_JSON
    assert stale.json()["current_version"] == version + 1
    after = read(client, number)
    assert (after["version"], after["urge_count"]) == (version + 1, 1)
    assert len(events(after, "urged")) == 1

    assert act(client, number, "urge", NOTE, {"If-Match": "*"}).status_code == 200


def test_a_weak_if_match_never_matches(client: TestClient, ticket: Json) -> None:
    """RFC 9110: If-Match compares strongly, so even the current version's weak tag fails."""
    number = ticket["number"]
    version = read(client, number)["version"]

    weak = act(client, number, "urge", NOTE, {"If-Match": f'W/"{version}"'})

    assert weak.status_code == 412, weak.text
    assert weak.headers["content-type"] == PROBLEM_JSON
    assert "weak" in weak.json()["detail"]
    assert read(client, number)["urge_count"] == 0


def test_if_match_from_a_units_read_guards_its_sign_for(
    client: TestClient, auth: Auth, ticket: Json
) -> None:
    number = ticket["number"]
    got = client.get(f"{TICKETS}/{number}", headers=auth["urban"])
    signed = act(client, number, "sign", {}, auth["urban"] | {"If-Match": got.headers["ETag"]})
    assert signed.status_code == 200, signed.text
    assert signed.headers["ETag"] == f'"{got.json()["version"] + 1}"'


@pytest.mark.parametrize("header", ["abc", '"1.5"'])
def test_a_malformed_if_match_is_a_422(client: TestClient, ticket: Json, header: str) -> None:
    response = act(client, ticket["number"], "urge", NOTE, {"If-Match": header})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert read(client, ticket["number"])["urge_count"] == 0


# Known bugs: each test says what a user should see, and fails until app/ is fixed -------------


@pytest.fixture
def lenient_client(
    settings: Settings, session_factory: sessionmaker[Session], auth: Auth
) -> Iterator[TestClient]:
    """The dispatcher's client, answering a server error as the 500 a user gets."""
    app = create_app(settings)
    in_test_transaction(app, session_factory)
    with TestClient(app, headers=auth["dispatcher"], raise_server_exceptions=False) as lenient:
        yield lenient


def test_an_assisting_department_named_twice_counts_once(lenient_client: TestClient) -> None:
    number = unrouted_ticket(lenient_client)["number"]
    body = DISPATCH_UNROUTED | {
        "assist_department_codes": ["urban_management", "urban_management", "public_security"]
    }
    response = act(lenient_client, number, "dispatch", body)
    assert response.status_code == 200, response.text
    # Named twice counts once; the lead does not assist itself.
    assert [unit["code"] for unit in response.json()["assisting_units"]] == ["urban_management"]


def test_a_late_return_names_only_actions_the_ticket_allows(
    client: TestClient, session: Session, auth: Auth, ticket: Json
) -> None:
    number, urban = ticket["number"], auth["urban"]
    move_clock(session, number, "return_window", due_at=utc_now() - timedelta(minutes=1))
    offered = read(client, number, urban)["allowed_actions"]
    late = act(client, number, "return", REASON, urban)
    assert late.status_code == 409, late.text
    named = late.json()["allowed_actions"]
    assert named
    assert set(named) <= set(offered) - {"return"}


def test_a_department_is_not_offered_a_transfer_it_would_be_refused(
    client: TestClient, auth: Auth, ticket: Json
) -> None:
    number, urban = ticket["number"], auth["urban"]
    refused = act(client, number, "transfer", TO_PUBLIC_SECURITY | REASON, urban)
    assert refused.status_code == 403, refused.text
    assert "transfer" not in read(client, number, urban)["allowed_actions"]


def test_a_request_left_pending_at_reply_does_not_block_the_next_cycle(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    done(client, number, "request-extension", EXTENSION, urban)
    done(client, number, "reply", REPLY, urban)
    done(client, number, "reopen", {"reason": "市民不满意"})
    done(client, number, "sign", {}, urban)
    again = act(client, number, "request-extension", EXTENSION, urban)
    assert again.status_code == 200, again.text


def test_suspending_after_the_deadline_does_not_open_the_way_to_an_extension(
    client: TestClient, session: Session, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    move_clock(session, number, "reply", due_at=utc_now() - timedelta(minutes=5))
    assert act(client, number, "request-extension", EXTENSION, urban).status_code == 409
    done(client, number, "suspend", {"reason": "等待配件"}, urban)
    late = act(client, number, "request-extension", EXTENSION, urban)
    assert late.status_code == 409, late.text


@pytest.mark.parametrize("action", ["dispatch", "invalidate"])
def test_each_action_is_one_new_version(client: TestClient, action: str) -> None:
    """However much an action changes (units, clocks, events), it is one version more."""
    ticket = unrouted_ticket(client)
    body = DISPATCH_UNROUTED if action == "dispatch" else {"reason": "harassment"}
    done_ = act(client, ticket["number"], action, body)
    assert done_.status_code == 200, done_.text
    assert done_.json()["version"] == ticket["version"] + 1
    assert done_.headers["ETag"] == f'"{ticket["version"] + 1}"'
