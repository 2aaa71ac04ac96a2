"""A few months of the demo city's life, so that every report shows something on first run
(`hotline seed-demo --history`).

Every ticket goes through the real service, over HTTP in-process, with the app's clock set
to the moment each step happens: intake, sign-for (now and then late), reply, the return
visit with the citizen's verdict, close; some returned, some consultations answered during
the call. So the timelines, and the statistics kept from them, are the service's own."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.auth.models import StaffUser
from app.auth.tokens import issue_access_token
from app.clock import FrozenClock, frozen_clock, utc_now
from app.config import Settings
from app.db import session_scope
from app.demo.city import build_demo_city
from app.main import create_app
from app.resources import Resources
from app.stats import follower

API = "/api/v1"
URBAN_CATEGORIES = ("0101", "0102", "0103", "0105")
PATROL_CATEGORIES = ("0105", "0102", "0103")
COMPLAINTS = (
    "小区门口路灯不亮已经三天了，晚上出行很不方便",
    "楼下垃圾几天没人清运，气味很大",
    "有人在绿化带里违章搭建棚子",
    "人行道上井盖缺失，很危险",
    "路口的路灯白天也一直亮着，浪费电",
    "垃圾桶满了溢出来，没人管",
)
PATROLS = ("巡查发现井盖缺失", "巡查发现垃圾堆放", "巡查发现违章搭建", "巡查发现路面积水")
CONSULTATION = "你好，我想咨询一下相关办事流程"
REPLY = "经现场核实已处理完毕，感谢您的反映。"
STEPS_PER_DAY_HOURS = (9, 10, 11, 14, 15, 16)


@dataclass(frozen=True)
class History:
    tickets: int
    days: int


class _Demo:
    """The demo's staff, logged in, and the clock they act by."""

    def __init__(
        self, client: TestClient, resources: Resources, clock: FrozenClock, lasting: timedelta
    ) -> None:
        self.client = client
        self.clock = clock
        # Tokens for the whole history: the clock jumps by hours and days between steps.
        with resources.database.session_factory() as session:
            ids = dict(
                session.execute(
                    select(StaffUser.username, StaffUser.id).where(
                        StaffUser.username.in_(("dispatcher", "urban", "street"))
                    )
                ).all()
            )
        self.headers = {
            name: {
                "Authorization": "Bearer "
                + issue_access_token(user_id, resources.jwt_secret, clock.now, lasting)
            }
            for name, user_id in ids.items()
        }

    def file(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.client.post(f"{API}/tickets", json=body, headers=self.headers["dispatcher"])
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"the demo's ticket was refused: {answer.text}")
        ticket: dict[str, Any] = answer.json()
        return ticket

    def act(self, number: str, action: str, body: dict[str, Any], who: str) -> bool:
        answer = self.client.post(
            f"{API}/tickets/{number}/{action}", json=body, headers=self.headers[who]
        )
        accepted: bool = answer.status_code == 200
        return accepted


def _call(phone: str, at: datetime) -> dict[str, Any]:
    return {
        "caller_number": phone,
        "agent_id": "agent-01",
        "started_at": (at - timedelta(minutes=4)).isoformat(),
        "recording_ref": f"rec/demo/{at:%Y%m%d%H%M}.wav",
    }


# The demo's unit accounts, by the unit they act for.
_STAFF = {"urban_management": "urban"}


def _life(
    demo: _Demo, rng: random.Random, ticket: dict[str, Any], lead: dict[str, str], until: datetime
) -> None:
    """The ticket's steps after intake, each at its moment, while that moment is past: by
    the unit it went to (the urban management bureau, or the demo street's staff for its
    grids), dispatched to `lead` by the centre when intake left it waiting."""
    number = ticket["number"]
    clock = demo.clock
    assigned = ticket["assigned_unit"] or lead
    unit = _STAFF.get(assigned["code"], "street" if assigned["kind"] == "grid" else "")
    if not unit:
        return  # a department without a demo account: the ticket stays with it

    def at(hours: float) -> bool:
        clock.advance(timedelta(hours=hours))
        return clock.now < until

    if ticket["status"] == "new" and not demo.act(number, "dispatch", {"lead": lead}, "dispatcher"):
        return
    if rng.random() < 0.06 and at(rng.uniform(0.5, 3)):
        demo.act(number, "return", {"reason": "不属于本单位职责范围"}, unit)
        if at(1):
            demo.act(number, "dispatch", {"lead": lead}, "dispatcher")
    late = rng.random() < 0.12
    if not at(rng.uniform(5, 30) if late else rng.uniform(0.2, 3)):
        return
    demo.act(number, "sign", {}, unit)
    if rng.random() < 0.05 and at(24):
        demo.act(number, "request-extension", {"working_days": 3, "reason": "需协调多部门"}, unit)
        demo.act(number, "decide-extension", {"approve": True}, "dispatcher")
    if not at(rng.uniform(4, 24 * (12 if late else 6))):
        return
    demo.act(number, "reply", {"reply": REPLY}, unit)
    if not at(rng.uniform(2, 30)):
        return
    verdict = rng.random()
    satisfaction = (
        "satisfied"
        if verdict < 0.78
        else "basically_satisfied"
        if verdict < 0.9
        else "dissatisfied"
    )
    solved = rng.random() < (0.95 if satisfaction != "dissatisfied" else 0.4)
    visit = {"satisfaction": satisfaction, "solved": solved}
    demo.act(number, "return-visit", visit, "dispatcher")
    if satisfaction == "dissatisfied" and rng.random() < 0.5:
        demo.act(number, "reopen", {"reason": "市民不满意，发回重办"}, "dispatcher")
        return
    if at(1):
        demo.act(number, "close", {}, "dispatcher")


def seed_history(
    settings: Settings,
    days: int = 90,
    per_day: int = 6,
    seed: int = 23,
    progress: Callable[[int, int], None] | None = None,
) -> History:
    """`days` of tickets before now, `per_day` a day, lived through the service."""
    city = build_demo_city()
    street = next(grid for grid in city.grids if grid.level == 1)
    communities = {grid.code for grid in city.grids if grid.parent_code == street.code}
    unit_grids = [grid.code for grid in city.grids if grid.parent_code in communities]
    rng = random.Random(seed)
    quiet = settings.model_copy(
        update={"sla_sweep_seconds": 0, "webhook_poll_seconds": 0, "stats_poll_seconds": 0}
    )
    until = utc_now()
    start = until - timedelta(days=days)
    filed = 0
    app = create_app(quiet)
    resources: Resources = app.state.resources
    with frozen_clock() as clock, TestClient(app) as client:
        clock.set(start)
        demo = _Demo(client, resources, clock, timedelta(days=days + 1))
        for day in range(days):
            for index in range(per_day):
                hour = STEPS_PER_DAY_HOURS[index % len(STEPS_PER_DAY_HOURS)]
                clock.set(start + timedelta(days=day, hours=hour - 8, minutes=rng.randint(0, 50)))
                if clock.now >= until:
                    break
                kind = rng.random()
                phone = f"139{rng.randint(10_000_000, 99_999_999)}"
                if kind < 0.15:
                    ticket = demo.file(
                        {
                            "channel": "hotline_12345",
                            "external_id": f"demo-call-{day}-{index}",
                            "call": _call(phone, clock.now),
                            "request_type": "consultation",
                            "description": CONSULTATION,
                        }
                    )
                    demo.act(ticket["number"], "answer-at-once", {"reply": REPLY}, "dispatcher")
                elif kind < 0.6:
                    ticket = demo.file(
                        {
                            "channel": rng.choice(("hotline_12345", "minsheng_110")),
                            "external_id": f"demo-call-{day}-{index}",
                            "call": _call(phone, clock.now),
                            "request_type": "complaint",
                            "category_code": rng.choice(URBAN_CATEGORIES),
                            "description": f"{rng.choice(COMPLAINTS)}（{day}-{index}）",
                        }
                    )
                    lead = {"kind": "department", "code": "urban_management"}
                    _life(demo, rng, ticket, lead, until)
                else:
                    grid = rng.choice(unit_grids)
                    ticket = demo.file(
                        {
                            "channel": "grid_patrol",
                            "external_id": f"demo-patrol-{day}-{index}",
                            "worker_id": "gw-0042",
                            "grid_code": grid,
                            "category_code": rng.choice(PATROL_CATEGORIES),
                            "description": f"{rng.choice(PATROLS)}（{day}-{index}）",
                        }
                    )
                    _life(demo, rng, ticket, {"kind": "grid", "code": grid}, until)
                filed += 1
            if progress is not None:
                progress(day + 1, days)
    # The figures of the whole history, counted now rather than by a server's follower.
    for session in session_scope(resources.database.session_factory):
        follower.catch_up(session)
    return History(tickets=filed, days=days)
