"""What each kind of viewer must NOT see (app/tickets/scoping.py): a ticket outside one's
scope is absent from the list and its pages, and every request on it, the detail and each
action, is answered as for a number never given out.

The access matrix (tests/auth) shows what each demo account does see; here each kind of
viewer meets the tickets just outside its scope: a department beside the one it assists,
a street beside its own, a unit handler placed nowhere.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import StaffUser
from app.auth.tokens import issue_access_token
from app.clock import utc_now
from app.demo.people import demo_users
from app.identity.roles import Role
from app.tickets.models import Ticket, TicketAssistingUnit
from app.units.models import Department, Grid
from tests import factories
from tests.conftest import JWT_SECRET

TICKETS = "/api/v1/tickets"
NEVER_FILED = "19990101-000001"
DEMO_STAFF = {user.username: user for user in demo_users(factories.CITY)}


def _grid_of(username: str) -> str:
    code = DEMO_STAFF[username].grid_code
    assert code is not None
    return code


def _other_grid(level: int, parent: str | None, other_than: str) -> str:
    return next(
        grid.code
        for grid in factories.CITY.grids
        if grid.level == level and grid.parent_code == parent and grid.code != other_than
    )


UNIT_GRID = _grid_of("gridworker")
COMMUNITY = _grid_of("community")
STREET = _grid_of("street")
SIBLING_UNIT_GRID = _other_grid(3, COMMUNITY, UNIT_GRID)
SIBLING_COMMUNITY = _other_grid(2, STREET, COMMUNITY)
OTHER_STREET = _other_grid(1, None, STREET)
OTHER_STREET_COMMUNITY = _other_grid(2, OTHER_STREET, "")
OTHER_STREET_UNIT_GRID = _other_grid(3, OTHER_STREET_COMMUNITY, "")


@dataclass(frozen=True)
class Placement:
    """Where a ticket sits: its lead department or grid, the departments assisting it,
    and the unit grid it was reported in."""

    department: str | None = None
    grid: str | None = None
    assisting: tuple[str, ...] = ()
    located_in: str | None = None


PLACEMENTS = {
    "urban": Placement(department="urban_management"),
    "assisted by urban": Placement(department="public_security", assisting=("urban_management",)),
    "assisted by housing": Placement(
        department="public_security", assisting=("housing_construction",)
    ),
    "public security": Placement(department="public_security"),
    "street": Placement(grid=STREET),
    "community": Placement(grid=COMMUNITY),
    "unit grid": Placement(grid=UNIT_GRID),
    "sibling unit grid": Placement(grid=SIBLING_UNIT_GRID),
    "sibling community": Placement(grid=SIBLING_COMMUNITY),
    "other street": Placement(grid=OTHER_STREET),
    "other street's community": Placement(grid=OTHER_STREET_COMMUNITY),
    "other street's unit grid": Placement(grid=OTHER_STREET_UNIT_GRID),
    # Reported in the grid worker's grid, handled by another street.
    "reported here, handled elsewhere": Placement(grid=OTHER_STREET, located_in=UNIT_GRID),
    "nowhere": Placement(),
}
STREET_SUBTREE = {"street", "community", "unit grid", "sibling unit grid", "sibling community"}
VISIBLE: dict[str, set[str]] = {
    "supervisor": set(PLACEMENTS),
    "urban": {"urban", "assisted by urban"},
    "street": STREET_SUBTREE,
    "community": {"community", "unit grid", "sibling unit grid"},
    "gridworker": {"unit grid", "reported here, handled elsewhere"},
    "placed nowhere": set(),
}
PLACED_NOWHERE = "placed nowhere"
# The tickets just outside each viewer's scope, on which every request is tried.
NEAR_MISSES: dict[str, set[str]] = {
    "urban": {"assisted by housing", "public security", "unit grid"},
    "street": {
        "other street",
        "other street's community",
        "other street's unit grid",
        "reported here, handled elsewhere",
    },
    "community": {"street", "sibling community"},
    "gridworker": {"sibling unit grid", "other street's unit grid", "community"},
    PLACED_NOWHERE: {"urban", "unit grid", "nowhere"},
}

# A valid body for each request on one ticket: the answer must come from the lookup of
# the ticket, not from the body's validation.
REASON = {"reason": "核实"}
LEAD = {"lead": {"kind": "department", "code": "urban_management"}}
BODIES: dict[str, dict[str, Any] | None] = {
    "GET ": None,
    "GET /duplicates": None,
    "POST /reporter/reveal": REASON,
    "POST /route": {"by_rules": True} | REASON,
    "PUT /category": {"category_code": "0102"} | REASON,
    "POST /merge": {"parent_number": NEVER_FILED} | REASON,
    "POST /unmerge": REASON,
    "POST /dispatch": LEAD,
    "POST /sign": {},
    "POST /return": REASON,
    "POST /transfer": LEAD | REASON,
    "POST /escalate": REASON,
    "POST /joint-handling": LEAD | {"assist_department_codes": ["justice"]} | REASON,
    "POST /reply": {"reply": "已修复"},
    "POST /return-visit": {"satisfaction": "satisfied", "solved": True},
    "POST /close": {},
    "POST /reopen": REASON,
    "POST /request-extension": {"working_days": 2} | REASON,
    "POST /decide-extension": {"approve": True},
    "POST /suspend": REASON,
    "POST /resume": {},
    "POST /urge": {"note": "请尽快办理"},
    "POST /supervise": {"note": "请尽快办理"},
    "POST /invalidate": {"reason": "harassment"},
    "POST /answer-at-once": {"reply": "已答复"},
    "POST /notes": {"text": "已到现场查看"},
}


class Viewers:
    """Request headers of each kind of viewer: the demo accounts, and a unit handler with
    neither a department nor a grid, made inside the test's transaction."""

    def __init__(self, session: Session, auth: dict[str, dict[str, str]]) -> None:
        self.headers = dict(auth)
        nobody = StaffUser(
            username=factories.unique("placed-nowhere"),
            display_name="Placed nowhere",
            password_hash="never-logs-in",
            role=Role.UNIT_HANDLER,
            created_at=utc_now(),
        )
        session.add(nobody)
        session.commit()
        token = issue_access_token(nobody.id, JWT_SECRET, utc_now(), timedelta(hours=1))
        self.headers[PLACED_NOWHERE] = {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tickets(client: TestClient, session: Session) -> dict[str, str]:
    """A ticket in each placement, by placement: filed by the dispatcher, then placed by
    updating its row."""
    numbers = {name: _file(client, session, placement) for name, placement in PLACEMENTS.items()}
    session.commit()
    return numbers


@pytest.fixture
def viewers(session: Session, auth: dict[str, dict[str, str]]) -> Viewers:
    return Viewers(session, auth)


def _file(client: TestClient, session: Session, placement: Placement) -> str:
    if placement.located_in is not None:
        body = factories.grid_patrol(grid_code=placement.located_in)
    else:
        body = factories.hotline_12345()
    response = client.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    department_id = _id(session, Department, placement.department)
    grid_id = _id(session, Grid, placement.grid)
    values: dict[str, Any] = {
        "assigned_department_id": department_id,
        "assigned_grid_id": grid_id,
        "status": "dispatched" if department_id or grid_id else "new",
    }
    if placement.located_in is None:
        values["grid_id"] = None
    session.execute(update(Ticket).where(Ticket.number == number).values(**values))
    ticket_id = session.scalars(select(Ticket.id).where(Ticket.number == number)).one()
    for code in placement.assisting:
        session.add(
            TicketAssistingUnit(
                ticket_id=ticket_id,
                department_id=_id(session, Department, code),
                created_at=utc_now(),
            )
        )
    return number


def _id(session: Session, model: type[Department] | type[Grid], code: str | None) -> int | None:
    if code is None:
        return None
    found: int = session.scalars(select(model.id).where(model.code == code)).one()
    return found


def _listed(
    client: TestClient, headers: dict[str, str], params: dict[str, Any]
) -> tuple[list[str], str | None]:
    response = client.get(TICKETS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    page = response.json()
    return [item["number"] for item in page["items"]], page["next_cursor"]


def _cursors(client: TestClient, headers: dict[str, str]) -> Iterator[tuple[list[str], str]]:
    """Each page of one ticket, with the cursor that led to it."""
    numbers, cursor = _listed(client, headers, {"limit": 1})
    while cursor is not None:
        given = cursor
        numbers, cursor = _listed(client, headers, {"limit": 1, "cursor": given})
        yield numbers, given


def test_the_list_and_its_pages_hold_nothing_outside_the_scope(
    client: TestClient, tickets: dict[str, str], viewers: Viewers
) -> None:
    # Cursors made for someone who sees everything.
    everything = [cursor for _, cursor in _cursors(client, viewers.headers["dispatcher"])]
    for viewer, visible in VISIBLE.items():
        headers = viewers.headers[viewer]
        expected = sorted(tickets[name] for name in visible)
        listed, next_cursor = _listed(client, headers, {})
        assert (sorted(listed), next_cursor) == (expected, None), viewer
        first, _ = _listed(client, headers, {"limit": 1})
        paged = first + [number for numbers, _ in _cursors(client, headers) for number in numbers]
        assert paged == listed, viewer
        # Such a cursor shows the viewer nothing more.
        for cursor in everything:
            page, _ = _listed(client, headers, {"cursor": cursor, "limit": 50})
            assert set(page) <= set(expected), f"{viewer} with the cursor {cursor}"


def _answer(
    client: TestClient, headers: dict[str, str], endpoint: str, number: str
) -> tuple[int, Any]:
    method, _, suffix = endpoint.partition(" ")
    response: httpx.Response = client.request(
        method, f"{TICKETS}/{number}{suffix}", json=BODIES[endpoint], headers=headers
    )
    body = response.json()
    if isinstance(body, dict) and "detail" in body:
        body["detail"] = body["detail"].replace(number, "<number>")
    return response.status_code, body


def test_every_request_on_a_ticket_outside_the_scope_is_answered_as_for_none(
    client: TestClient, tickets: dict[str, str], viewers: Viewers
) -> None:
    for viewer, near_misses in NEAR_MISSES.items():
        headers = viewers.headers[viewer]
        assert not VISIBLE[viewer] & near_misses, viewer
        for endpoint in BODIES:
            never = _answer(client, headers, endpoint, NEVER_FILED)
            if never[0] == 403:  # refused for the role before any ticket is looked up
                continue
            assert never[0] == 404, f"{viewer}: {endpoint}: {never}"
            for name in sorted(near_misses):
                answer = _answer(client, headers, endpoint, tickets[name])
                assert answer == never, f"{viewer}: {endpoint} on the {name!r} ticket"


def test_every_request_on_one_ticket_is_listed(client: TestClient) -> None:
    """A new request on a ticket must join BODIES, and so the test above."""
    served = {
        f"{method} {route.path.removeprefix(f'{TICKETS}/{{number}}')}"
        for route in iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
        if (route.path or "").startswith(f"{TICKETS}/{{number}}")
        for method in route.methods or ()
    }
    assert served == set(BODIES)
