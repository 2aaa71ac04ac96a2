"""The rollups kept by following the event feed, pass after pass, equal those counted again
from the event log; the per-unit rollups are the full buckets summed; a ticket merged or
found invalid stops counting; a server's follower counts without being asked."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FrozenClock
from app.stats import follower, rollup
from app.stats.models import stat_day, stat_place, stat_unit_day, stat_unit_month
from app.stats.tally import COUNTERS
from tests import factories
from tests.workflow.helpers import VAGUE, Auth, Json, file_ticket

STREET_CODE = next(grid.code for grid in factories.CITY.grids if grid.level == 1)
UNITS = (
    {"kind": "department", "code": "urban_management"},
    {"kind": "department", "code": "public_security"},
    {"kind": "grid", "code": STREET_CODE},
)
# The ticket's main road is walked more often than its side paths.
MAIN_ROAD = {"dispatch": 4, "sign": 6, "reply": 6, "return-visit": 6, "close": 2}
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")


def figures(session: Session) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Every rollup row (units' and places') with a count other than zero, by its bucket."""
    found = {}
    tables = (
        (stat_day, len(COUNTERS)),
        (stat_unit_day, len(COUNTERS)),
        (stat_unit_month, len(COUNTERS)),
        (stat_place, 1),
    )
    for table, counts in tables:
        key = len(table.c) - counts
        for row in session.execute(select(table)):
            if any(row[key:]):
                found[(table.name, *row[:key])] = tuple(row[key:])
    return found


def _body(action: str, rng: random.Random, others: list[str]) -> Json:
    reason = {"reason": f"理由{rng.randint(1, 9)}"}
    if action == "dispatch":  # naming a category, which an unrouted consultation lacks
        return {"lead": rng.choice(UNITS), "category_code": "0101"}
    if action == "transfer":
        return {"lead": rng.choice(UNITS)} | reason
    if action == "joint-handling":
        return {
            "lead": rng.choice(UNITS[:1] + UNITS[2:]),
            "assist_department_codes": ["public_security"],
        } | reason
    if action in ("reply", "answer-at-once"):
        return {"reply": "已处理完毕，感谢反映。"}
    if action == "return-visit":
        return {"satisfaction": rng.choice(SATISFACTION), "solved": rng.random() < 0.7}
    if action in ("sign", "close", "urge", "supervise", "resume"):
        return {"note": "请跟进"}
    if action == "request-extension":
        return {"working_days": 2} | reason
    if action == "decide-extension":
        return {"approve": rng.random() < 0.7}
    if action == "invalidate":
        return {"reason": "harassment"}
    if action == "merge":
        return {"parent_number": rng.choice(others)} | reason
    return reason


def _bodies() -> list[Json]:
    """Nine tickets: to a department, unrouted consultations, a grid's, the web's."""
    return [
        body
        for _ in range(2)
        for body in (
            factories.hotline_12345(),
            factories.hotline_12345(
                category_code=None, request_type="consultation", description=VAGUE, location=None
            ),
            factories.grid_patrol(),
            factories.web(),
        )
    ] + [factories.minsheng_110()]


def _someone_who_may_act(
    client: TestClient, auth: Auth, number: str, rng: random.Random
) -> tuple[dict[str, str], list[str], str]:
    """The centre, or the staff of the ticket's unit: who acts, what they may do now, and
    the ticket's status."""
    ticket = client.get(f"/api/v1/tickets/{number}", headers=auth["dispatcher"]).json()
    unit = ticket["assigned_unit"] or {}
    name = {"urban_management": "urban", STREET_CODE: "street"}.get(unit.get("code", ""))
    if name is None or rng.random() < 0.3:
        return auth["dispatcher"], ticket["allowed_actions"], ticket["status"]
    mine = client.get(f"/api/v1/tickets/{number}", headers=auth[name]).json()
    return auth[name], mine["allowed_actions"], ticket["status"]


def _live_the_main_road(
    client: TestClient, auth: Auth, number: str, rng: random.Random
) -> list[str]:
    """Take one ticket from dispatch to its return visit, by whichever of the centre and the
    units may take each step, so the main road's counts are in the figures whatever the
    random walk does."""
    taken = []
    for action in ("dispatch", "sign", "reply", "return-visit"):
        answers = [
            client.post(
                f"/api/v1/tickets/{number}/{action}",
                json=_body(action, rng, []),
                headers=auth[name],
            ).status_code
            for name in ("dispatcher", "urban", "street")
        ]
        if 200 in answers:
            taken.append(action)
        else:  # intake may have dispatched it already; every later step must be taken
            assert action == "dispatch", (action, answers)
    return taken


def _per_unit(
    found: dict[tuple[Any, ...], tuple[int, ...]], table: str, period: Any
) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The full buckets' counts summed per unit and `period` of their day."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for (name, day, kind, code, *_), values in found.items():
        if name == "stat_day":
            total = totals.setdefault((table, period(day), kind, code), [0] * len(values))
            for index, value in enumerate(values):
                total[index] += value
    return {key: tuple(values) for key, values in totals.items() if any(values)}


def test_rebuilt_figures_equal_the_ones_kept_pass_by_pass(
    client: TestClient, auth: Auth, session: Session, clock: FrozenClock
) -> None:
    rng = random.Random(23)
    clock.set(
        datetime(2026, 11, 2, 1, tzinfo=UTC)
    )  # a Monday, 09:00 in the city: any day, the same walk
    numbers = [file_ticket(client, body)["number"] for body in _bodies()]
    taken = _live_the_main_road(client, auth, numbers[0], rng)
    for _ in range(65):
        clock.advance(timedelta(hours=rng.choice((0, 1, 5, 20, 60))))
        number = rng.choice(numbers)
        actor, allowed, status = _someone_who_may_act(client, auth, number, rng)
        if status in ("new", "dispatched") and rng.random() < 0.1:
            allowed = [*allowed, "merge"]
        if not allowed:
            continue
        action = rng.choices(allowed, [MAIN_ROAD.get(name, 1) for name in allowed])[0]
        others = [other for other in numbers if other != number]
        response = client.post(
            f"/api/v1/tickets/{number}/{action}",
            json=_body(action, rng, others),
            headers=actor,
        )
        if response.status_code == 200:
            taken.append(action)
        if rng.random() < 0.3:  # the follower's passes fall anywhere, of any size
            follower.catch_up(session, batch=rng.choice((1, 2, 5, 1000)))
    follower.catch_up(session)

    assert len(taken) >= 25, "the random walk took too few actions to mean anything"
    assert {"sign", "reply", "return-visit", "dispatch"} <= set(taken), taken
    kept = figures(session)
    assert kept, "the actions counted for nothing"
    by_unit = {key: values for key, values in kept.items() if key[0].startswith("stat_unit")}
    assert by_unit == _per_unit(kept, "stat_unit_day", lambda day: day) | _per_unit(
        kept, "stat_unit_month", lambda day: day.replace(day=1)
    )

    rebuilt = rollup.rebuild(session)

    assert rebuilt.tickets == len(numbers)
    assert figures(session) == kept


def test_a_merged_ticket_withdraws_its_figures_and_unmerge_restores_them(
    client: TestClient, session: Session
) -> None:
    parent = file_ticket(client, factories.hotline_12345())["number"]
    child = file_ticket(client, factories.web(description="另一处问题，与前者无关"))["number"]
    received = COUNTERS.index("received")

    def taken_in() -> int:
        follower.catch_up(session)
        rows = figures(session).items()
        return sum(values[received] for key, values in rows if key[0] == "stat_day")

    total_received = taken_in()
    assert total_received >= 2

    merged = client.post(
        f"/api/v1/tickets/{child}/merge", json={"parent_number": parent, "reason": "同一问题"}
    )
    assert merged.status_code == 200, merged.text
    assert taken_in() == total_received - 1

    unmerged = client.post(f"/api/v1/tickets/{child}/unmerge", json={"reason": "并错了"})
    assert unmerged.status_code == 200, unmerged.text
    assert taken_in() == total_received
