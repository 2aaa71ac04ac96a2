"""Who may call what: every endpoint of the API against every kind of caller.

`EXPECTED` has one row per endpoint and one column per caller; a route under /api/v1 that
is missing from it fails `test_every_api_route_is_in_the_matrix`, so a new endpoint cannot
slip in untested. The tables after it go deeper where the answer depends on more than the
caller's role: which tickets a unit sees (one by one, in lists and across pages), who may
file for which channel, whose photos a unit may open and who may see a reporter.

Tickets are filed over HTTP by the dispatcher, then placed (assigned to a department or a
grid) by updating their row inside the test's transaction.
"""

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.service import SYSTEM_EDITOR
from app.auth import service as auth_service
from app.auth.models import StaffUser
from app.auth.tokens import issue_access_token
from app.clock import utc_now
from app.config import Settings
from app.demo.city import build_demo_city
from app.demo.people import demo_users
from app.demo.seed import demo_grid_map
from app.identity.principal import StaffPrincipal
from app.identity.roles import Role
from app.kb import service as kb_service
from app.kb.schemas import ArticleCreate
from app.main import create_app
from app.ratelimit.limiter import RATE_LIMITER, MemoryRateLimiter
from app.routing.models import CategoryKeyword, RoutingRule
from app.tickets.models import Ticket
from app.units.models import Department, Grid
from app.webhooks.models import WebhookDelivery
from tests import factories
from tests.apps import in_test_transaction, set_resource
from tests.conftest import JWT_SECRET

API = "/api/v1"
TICKETS = f"{API}/tickets"
PHOTOS = f"{API}/photos"
FILES = f"{API}/files"
CLIENTS = f"{API}/integration-clients"
USERS = f"{API}/users"
PROBLEM_JSON = "application/problem+json"
REVEAL = {"reason": "回访"}
REPORTER = {"name": "张三", "phone": "13812341234"}  # as factories.hotline_12345 files it
NEVER_FILED = "19990101-000001"

# Callers. Staff are the demo accounts, keys the demo integration keys (tests/conftest.py).
NO_CREDENTIALS = "no_credentials"
WRONG_KEY = "wrong_key"
MALFORMED_TOKEN = "malformed_token"
EXPIRED_TOKEN = "expired_token"
WITHOUT_VALID_CREDENTIALS = (NO_CREDENTIALS, WRONG_KEY, MALFORMED_TOKEN, EXPIRED_TOKEN)
STAFF = ("admin", "dispatcher", "supervisor", "urban", "street", "community", "gridworker")
KEYS = ("call_centre", "citizen_app", "grid_app")
IDENTITIES = (*WITHOUT_VALID_CREDENTIALS, *STAFF, *KEYS)
# A 401 to these carries a Bearer challenge, so a client knows to log in (or refresh).
BEARER_CHALLENGED = frozenset({NO_CREDENTIALS, MALFORMED_TOKEN, EXPIRED_TOKEN})

DEMO_STAFF = {user.username: user for user in demo_users(factories.CITY)}
ROLE_OF = {username: str(user.role) for username, user in DEMO_STAFF.items()}


def _grid_of(username: str) -> str:
    code = DEMO_STAFF[username].grid_code
    assert code is not None
    return code


def _grid_code(level: int, *, parent: str | None = None, other_than: str = "") -> str:
    return next(
        grid.code
        for grid in factories.CITY.grids
        if grid.level == level
        and (parent is None or grid.parent_code == parent)
        and grid.code != other_than
    )


STREET = _grid_of("street")
COMMUNITY = _grid_of("community")
UNIT_GRID = _grid_of("gridworker")
SIBLING_UNIT_GRID = _grid_code(3, parent=COMMUNITY, other_than=UNIT_GRID)
SIBLING_COMMUNITY = _grid_code(2, parent=STREET, other_than=COMMUNITY)
OTHER_STREET = _grid_code(1, other_than=STREET)
OTHER_STREET_UNIT_GRID = _grid_code(3, parent=_grid_code(2, parent=OTHER_STREET))

# Accounts made here get a cheap argon2 hash: the app's verifier reads the cost from the
# hash itself, so logging one in costs microseconds, not the ~0.2 s of a real hash.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
SPARE_PASSWORD = "spare-account-password"


@dataclass(frozen=True)
class Placement:
    """Where a test ticket sits: assigned to a department or a grid (status dispatched),
    filed as a patrol report located in a unit grid, or neither (status new)."""

    department: str | None = None
    assigned_grid: str | None = None
    located_in: str | None = None
    confidential: bool = False

    @property
    def assigned(self) -> bool:
        return self.department is not None or self.assigned_grid is not None


PLACEMENTS: dict[str, Placement] = {
    "urban_management": Placement(department="urban_management"),
    "urban_management_confidential": Placement(department="urban_management", confidential=True),
    "public_security": Placement(department="public_security"),
    "street": Placement(assigned_grid=STREET),
    "community": Placement(assigned_grid=COMMUNITY),
    "unit_grid": Placement(assigned_grid=UNIT_GRID),
    "sibling_unit_grid": Placement(assigned_grid=SIBLING_UNIT_GRID),
    "sibling_community": Placement(assigned_grid=SIBLING_COMMUNITY),
    "other_street": Placement(assigned_grid=OTHER_STREET),
    "other_street_unit_grid": Placement(assigned_grid=OTHER_STREET_UNIT_GRID),
    "patrol_in_unit_grid": Placement(located_in=UNIT_GRID),
    "patrol_in_unit_grid_to_urban": Placement(located_in=UNIT_GRID, department="urban_management"),
    "unassigned": Placement(),
}
EVERYTHING = frozenset(PLACEMENTS)
ASSIGNED = frozenset(name for name, placement in PLACEMENTS.items() if placement.assigned)
VISIBLE: dict[str, frozenset[str]] = {
    "admin": EVERYTHING,
    "dispatcher": EVERYTHING,
    "supervisor": EVERYTHING,
    "urban": frozenset(
        {"urban_management", "urban_management_confidential", "patrol_in_unit_grid_to_urban"}
    ),
    "street": frozenset(
        {"street", "community", "unit_grid", "sibling_unit_grid", "sibling_community"}
    ),
    "community": frozenset({"community", "unit_grid", "sibling_unit_grid"}),
    "gridworker": frozenset({"unit_grid", "patrol_in_unit_grid", "patrol_in_unit_grid_to_urban"}),
}


@dataclass(frozen=True)
class Call:
    path: str
    json: Any = None
    data: dict[str, str] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    params: dict[str, Any] | None = None


def photo_files(variant: int = 0) -> list[tuple[str, tuple[str, bytes, str]]]:
    """A JPEG upload; each variant has other bytes, so another photo id."""
    return [
        ("files", ("photo.jpg", factories.jpeg_bytes(colour=(variant % 256, 40, 40)), "image/jpeg"))
    ]


def file_files(variant: int = 0) -> list[tuple[str, tuple[str, bytes, str]]]:
    """A PDF upload, as a unit sends its inspection report; each variant another file."""
    pdf = factories.pdf_bytes(colour=(variant % 256, 250, 250))
    return [("files", ("report.pdf", pdf, "application/pdf"))]


class Scene:
    """What the cases act on, made on first use inside the test's transaction."""

    def __init__(self, api: TestClient, session: Session, headers: dict[str, dict[str, str]]):
        self.api = api
        self.session = session
        self.headers = headers
        self._tickets: dict[str, dict[str, Any]] = {}
        self._photos: dict[str, str] = {}
        self._photo_variants = itertools.count(1)
        self._spare_account: StaffUser | None = None

    def send(self, identity: str, method: str, call: Call) -> httpx.Response:
        response: httpx.Response = self.api.request(
            method,
            call.path,
            params=call.params,
            json=call.json,
            data=call.data,
            files=call.files,
            headers=self.headers[identity],
        )
        return response

    def _post_as_dispatcher(self, call: Call) -> Any:
        response = self.send("dispatcher", "POST", call)
        assert response.status_code == 201, response.text
        return response.json()

    def file(self, placement: Placement, photo_ids: tuple[str, ...] = ()) -> dict[str, Any]:
        """File a ticket as the dispatcher and place it; the dispatcher's answer."""
        if placement.located_in is not None:
            # The worker files it for a passer-by, who leaves a name and number.
            body = factories.grid_patrol(
                grid_code=placement.located_in, photos_before=list(photo_ids), reporter=REPORTER
            )
        elif photo_ids:
            body = factories.photo_report(list(photo_ids), confidential=placement.confidential)
        else:
            body = factories.hotline_12345(confidential=placement.confidential)
        answer: dict[str, Any] = self._post_as_dispatcher(Call(TICKETS, json=body))
        # Intake routes the ticket itself; the scene puts it exactly where it should be.
        department_id = grid_id = None
        if placement.department is not None:
            department = select(Department.id).where(Department.code == placement.department)
            department_id = self.session.scalar(department)
        if placement.assigned_grid is not None:
            grid = select(Grid.id).where(Grid.code == placement.assigned_grid)
            grid_id = self.session.scalar(grid)
        located = {} if placement.located_in is not None else {"grid_id": None}
        self.place(
            answer["number"],
            assigned_department_id=department_id,
            assigned_grid_id=grid_id,
            status="dispatched" if department_id or grid_id else "new",
            **located,
        )
        return answer

    def place(self, number: str, **values: Any) -> None:
        """Update the ticket's row: dispatched, unless another status is given."""
        if "status" not in values:
            values["status"] = "dispatched"
        self.session.execute(update(Ticket).where(Ticket.number == number).values(**values))
        self.session.commit()

    def ticket(self, placement: str) -> str:
        """The number of this scene's ticket placed so."""
        if placement not in self._tickets:
            self._tickets[placement] = self.file(PLACEMENTS[placement])
        number: str = self._tickets[placement]["number"]
        return number

    def every_ticket(self) -> dict[str, str]:
        return {placement: self.ticket(placement) for placement in PLACEMENTS}

    def upload_photo(self) -> str:
        call = Call(PHOTOS, files=photo_files(next(self._photo_variants)))
        photo_id: str = self._post_as_dispatcher(call)[0]["id"]
        return photo_id

    def photo_on(self, placement: str) -> str:
        """A photo attached to one ticket only, placed so."""
        if placement not in self._photos:
            self._photos[placement] = self.upload_photo()
            self.file(PLACEMENTS[placement], (self._photos[placement],))
        return self._photos[placement]

    def file_on(self, placement: str, *, public: bool = False) -> str:
        """A file the dispatcher attached to this scene's ticket placed so, with a note."""
        call = Call(FILES, files=file_files(next(self._photo_variants)))
        [uploaded] = self._post_as_dispatcher(call)
        note = {"text": "现场检查报告", "public": public, "files": [uploaded["id"]]}
        call = Call(f"{TICKETS}/{self.ticket(placement)}/notes", json=note)
        assert_answer(self.send("dispatcher", "POST", call), 200, "dispatcher")
        file_id: str = uploaded["id"]
        return file_id

    def citizen_proof(self, *, replied: bool = False) -> dict[str, str]:
        """What the citizen holds for a new ticket: its number and tracking code."""
        answer = self.file(Placement())
        if replied:
            self.place(answer["number"], status="replied")
        return {"number": answer["number"], "tracking_code": answer["tracking_code"]}

    def spare_account(self) -> StaffUser:
        """A dispatcher account of this test only, cheap to log in and safe to disable."""
        if self._spare_account is None:
            self._spare_account = StaffUser(
                username=factories.unique("spare"),
                display_name="Spare",
                password_hash=CHEAP_HASHER.hash(SPARE_PASSWORD),
                role=Role.DISPATCHER,
                created_at=utc_now(),
            )
            self.session.add(self._spare_account)
            self.session.commit()
        return self._spare_account

    def login_form(self) -> dict[str, str]:
        return {"username": self.spare_account().username, "password": SPARE_PASSWORD}

    def refresh_token(self) -> str:
        lifetime = timedelta(days=1)
        token = auth_service.issue_refresh_token(
            self.session, self.spare_account(), lifetime, auth_service.new_login()
        )
        self.session.commit()
        return token

    def spare_client_id(self) -> int:
        created = auth_service.create_client(
            self.session, factories.unique("spare"), ["web"], editor=SYSTEM_EDITOR
        )
        self.session.commit()
        return created.client.id


@pytest.fixture(scope="module")
def module_app(settings: Settings) -> FastAPI:
    """One app per backend for the module: building one per case costs more than the case."""
    return create_app(settings)


@pytest.fixture(scope="module")
def module_client(module_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(module_app) as test_client:
        yield test_client


@pytest.fixture
def scene(
    module_app: FastAPI,
    module_client: TestClient,
    session_factory: sessionmaker[Session],
    session: Session,
    auth: dict[str, dict[str, str]],
) -> Scene:
    # As in the `anonymous` fixture, the app works inside the test's transaction; and it
    # gets a fresh rate limiter, so no case inherits another's counts.
    in_test_transaction(module_app, session_factory)
    set_resource(module_app, RATE_LIMITER, MemoryRateLimiter())
    dispatcher_id = session.scalars(
        select(StaffUser.id).where(StaffUser.username == "dispatcher")
    ).one()
    expired = issue_access_token(
        dispatcher_id, JWT_SECRET, utc_now() - timedelta(hours=1), timedelta(minutes=15)
    )
    headers = {
        **auth,
        NO_CREDENTIALS: {},
        WRONG_KEY: {"X-API-Key": "hlk_deadbeef_wrong"},
        MALFORMED_TOKEN: {"Authorization": "Bearer this-is-not-a-jwt"},
        EXPIRED_TOKEN: {"Authorization": f"Bearer {expired}"},
    }
    return Scene(module_client, session, headers)


def assert_answer(response: httpx.Response, expected: int, identity: str) -> None:
    assert response.status_code == expected, f"{identity}: {response.text}"
    if expected < 400:
        return
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == expected
    if expected == 401 and identity in BEARER_CHALLENGED:
        assert response.headers["www-authenticate"] == "Bearer"


def _columns(statuses: str, columns: tuple[str, ...]) -> dict[str, int]:
    codes = [int(code) for code in statuses.split()]
    return dict(zip(columns, codes, strict=True))


# The access policy. The first column, `bad`, is every caller without valid credentials:
# none at all, a wrong key, a malformed token, an expired token. Ticket and photo rows act
# on a ticket assigned to the gridworker's unit grid, which the street and community above
# it see too.
# fmt: off
#                                                    bad adm dsp sup urb str com  gw  cc app grd
EXPECTED: dict[str, str] = {
    "POST /tickets":                                "401 201 201 403 403 403 403 403 403 201 403",
    "GET /tickets":                                 "401 200 200 200 200 200 200 200 200 200 200",
    "GET /tickets/{number}":                        "401 200 200 200 404 200 200 200 200 404 404",
    "POST /tickets/{number}/reporter/reveal":       "401 200 200 403 404 200 200 200 403 403 403",
    "POST /photos":                                 "401 201 201 403 201 201 201 201 201 201 201",
    "GET /photos/{photo_id}":                       "401 200 200 200 404 200 200 200 404 200 404",
    "POST /files":                                  "401 201 201 403 201 201 201 201 403 403 403",
    "GET /files/{file_id}":                         "401 200 200 200 404 200 200 200 404 404 404",
    "GET /categories":                              "200 200 200 200 200 200 200 200 200 200 200",
    "GET /categories/{code}":                       "200 200 200 200 200 200 200 200 200 200 200",
    "POST /categories":                             "401 201 403 403 403 403 403 403 403 403 403",
    "PUT /categories/{code}":                       "401 200 403 403 403 403 403 403 403 403 403",
    "POST /categories/{code}/retire":               "401 200 403 403 403 403 403 403 403 403 403",
    "GET /grids":                                   "200 200 200 200 200 200 200 200 200 200 200",
    "GET /grids/{code}":                            "200 200 200 200 200 200 200 200 200 200 200",
    "GET /departments":                             "200 200 200 200 200 200 200 200 200 200 200",
    "GET /departments/{code}":                      "200 200 200 200 200 200 200 200 200 200 200",
    "POST /departments":                            "401 201 403 403 403 403 403 403 403 403 403",
    "PUT /departments/{code}":                      "401 200 403 403 403 403 403 403 403 403 403",
    "POST /departments/{code}/retire":              "401 200 403 403 403 403 403 403 403 403 403",
    "POST /auth/token":                             "200 200 200 200 200 200 200 200 200 200 200",
    "POST /auth/refresh":                           "200 200 200 200 200 200 200 200 200 200 200",
    "GET /auth/me":                                 "401 200 200 200 200 200 200 200 403 403 403",
    "POST /auth/logout":                            "401 204 204 204 204 204 204 204 403 403 403",
    "POST /integration-clients":                    "401 201 403 403 403 403 403 403 403 403 403",
    "GET /integration-clients":                     "401 200 403 403 403 403 403 403 403 403 403",
    "POST /integration-clients/{client_id}/revoke": "401 200 403 403 403 403 403 403 403 403 403",
    "POST /integration-clients/{client_id}/rotate": "401 200 403 403 403 403 403 403 403 403 403",
    "PATCH /integration-clients/{client_id}":       "401 200 403 403 403 403 403 403 403 403 403",
    "POST /users":                                  "401 201 403 403 403 403 403 403 403 403 403",
    "GET /users":                                   "401 200 403 403 403 403 403 403 403 403 403",
    "POST /users/{user_id}/disable":                "401 200 403 403 403 403 403 403 403 403 403",
    "POST /users/{user_id}/enable":                 "401 200 403 403 403 403 403 403 403 403 403",
    "PATCH /users/{user_id}":                       "401 200 403 403 403 403 403 403 403 403 403",
    "POST /users/{user_id}/password":               "401 200 403 403 403 403 403 403 403 403 403",
    "POST /auth/password":                          "401 422 422 422 422 422 422 422 403 403 403",
    "POST /public/tickets/lookup":                  "200 200 200 200 200 200 200 200 200 200 200",
    "POST /public/tickets/evaluation":              "200 200 200 200 200 200 200 200 200 200 200",
    "POST /public/tickets/similar":                 "200 200 200 200 200 200 200 200 200 200 200",
    "POST /public/tickets/me-too":                  "200 200 200 200 200 200 200 200 200 200 200",
    "GET /public/photos/{photo_id}":                "200 200 200 200 200 200 200 200 200 200 200",
    "GET /public/files/{file_id}":                  "200 200 200 200 200 200 200 200 200 200 200",
    "POST /tickets/{number}/route":                 "401 200 200 403 403 403 403 403 403 403 403",
    "PUT /tickets/{number}/category":               "401 200 200 403 403 403 403 403 403 403 403",
    "GET /routing/rules":                           "401 200 200 200 403 403 403 403 403 403 403",
    "POST /routing/rules":                          "401 201 403 403 403 403 403 403 403 403 403",
    "PUT /routing/rules/{rule_id}":                 "401 200 403 403 403 403 403 403 403 403 403",
    "DELETE /routing/rules/{rule_id}":              "401 204 403 403 403 403 403 403 403 403 403",
    "GET /routing/keywords":                        "401 200 200 200 403 403 403 403 403 403 403",
    "POST /routing/keywords":                       "401 201 403 403 403 403 403 403 403 403 403",
    "PUT /routing/keywords/{keyword_id}":           "401 200 403 403 403 403 403 403 403 403 403",
    "DELETE /routing/keywords/{keyword_id}":        "401 204 403 403 403 403 403 403 403 403 403",
    "POST /routing/dry-run":                        "401 200 200 200 403 403 403 403 403 403 403",
    "POST /grids/import":                           "401 200 403 403 403 403 403 403 403 403 403",
    "GET /grids/map-versions":                      "401 200 200 200 200 200 200 200 403 403 403",
    # Workflow actions, each on the unit-grid ticket in a state that allows the action.
    "POST /tickets/{number}/dispatch":              "401 200 200 403 404 403 403 403 403 404 404",
    "POST /tickets/{number}/sign":                  "401 403 403 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/return":                "401 403 403 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/transfer":              "401 200 200 403 404 200 200 403 403 404 404",
    "POST /tickets/{number}/escalate":              "401 403 403 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/joint-handling":        "401 200 200 403 404 200 200 403 403 404 404",
    "POST /tickets/{number}/reply":                 "401 403 403 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/return-visit":          "401 200 200 403 404 403 403 403 403 404 404",
    "POST /tickets/{number}/close":                 "401 200 200 403 404 403 403 403 403 404 404",
    "POST /tickets/{number}/reopen":                "401 200 200 403 404 403 403 403 403 404 404",
    "POST /tickets/{number}/request-extension":     "401 403 403 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/decide-extension":      "401 200 200 403 404 403 403 403 403 404 404",
    "POST /tickets/{number}/suspend":               "401 200 200 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/resume":                "401 200 200 403 404 200 200 200 403 404 404",
    "POST /tickets/{number}/urge":                  "401 200 200 200 404 403 403 403 403 404 404",
    "POST /tickets/{number}/supervise":             "401 200 200 200 404 403 403 403 403 404 404",
    "POST /tickets/{number}/invalidate":            "401 200 200 403 404 403 403 403 403 404 404",
    "POST /tickets/{number}/answer-at-once":        "401 200 200 403 404 403 403 403 200 404 404",
    "POST /tickets/{number}/notes":                 "401 200 200 403 404 200 200 200 403 404 404",
    "GET /calendars":                               "401 200 200 200 403 403 403 403 403 403 403",
    "GET /calendars/{code}":                        "401 200 200 200 403 403 403 403 403 403 403",
    "PUT /calendars/{code}/years/{year}":           "401 200 403 403 403 403 403 403 403 403 403",
    "PUT /calendars/{code}/days/{day}":             "401 200 403 403 403 403 403 403 403 403 403",
    "DELETE /calendars/{code}/days/{day}":          "401 204 403 403 403 403 403 403 403 403 403",
    "GET /sla-policies":                            "401 200 200 200 403 403 403 403 403 403 403",
    "GET /audit":                                   "401 200 403 403 403 403 403 403 403 403 403",
    "GET /audit/export":                            "401 200 403 403 403 403 403 403 403 403 403",
    "POST /sla-policies":                           "401 201 403 403 403 403 403 403 403 403 403",
    "PUT /sla-policies/{policy_id}":                "401 200 403 403 403 403 403 403 403 403 403",
    "DELETE /sla-policies/{policy_id}":             "401 204 403 403 403 403 403 403 403 403 403",
    "GET /tickets/{number}/duplicates":             "401 200 200 200 404 200 200 200 403 403 403",
    "POST /tickets/{number}/merge":                 "401 200 200 403 403 403 403 403 403 403 403",
    "POST /tickets/{number}/unmerge":               "401 200 200 403 403 403 403 403 403 403 403",
    # The feed: everyone with credentials, each their own scope.
    "GET /events":                                  "401 200 200 200 200 200 200 200 200 200 200",
    # Webhooks: admins and keys subscribe; the row's subscription is the admin's.
    "POST /webhook-subscriptions":                  "401 201 403 403 403 403 403 403 201 201 201",
    "GET /webhook-subscriptions":                   "401 200 403 403 403 403 403 403 200 200 200",
    "GET /webhook-subscriptions/{subscription_id}": "401 200 403 403 403 403 403 403 404 404 404",
    "DELETE /webhook-subscriptions/{subscription_id}": "401 204 403 403 403 403 403 403 404 404 404",  # noqa: E501
    "POST /webhook-subscriptions/{subscription_id}/rotate-secret": "401 200 403 403 403 403 403 403 404 404 404",  # noqa: E501
    "POST /webhook-subscriptions/{subscription_id}/enable": "401 200 403 403 403 403 403 403 404 404 404",  # noqa: E501
    "GET /webhook-subscriptions/{subscription_id}/deliveries": "401 200 403 403 403 403 403 403 404 404 404",  # noqa: E501
    "POST /webhook-subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver": "401 202 403 403 403 403 403 403 404 404 404",  # noqa: E501
    "POST /webhook-subscriptions/{subscription_id}/replay": "401 202 403 403 403 403 403 403 404 404 404",  # noqa: E501
    # The knowledge base: staff read; the unit that keeps an article (urban) and admins write.
    "GET /tickets/export":                          "401 200 200 200 200 200 200 200 200 200 200",
    "GET /stats/report":                            "401 200 200 200 200 200 200 200 403 403 403",
    "GET /stats/report/export":                     "401 200 200 200 200 200 200 200 403 403 403",
    "GET /stats/rankings":                          "401 200 200 200 200 200 200 200 403 403 403",
    "GET /stats/rankings/export":                   "401 200 200 200 200 200 200 200 403 403 403",
    "GET /stats/monthly.xlsx":                      "401 200 200 200 200 200 200 200 403 403 403",
    "GET /stats/hotspots":                          "401 200 200 200 403 403 403 403 403 403 403",
    "GET /stats/hotspots/grids.geojson":            "401 200 200 200 403 403 403 403 403 403 403",
    "GET /stats/settings":                          "401 200 200 200 200 200 200 200 403 403 403",
    "PUT /stats/settings":                          "401 200 403 403 403 403 403 403 403 403 403",
    "GET /kb/search":                               "401 200 200 200 200 200 200 200 403 403 403",
    "GET /kb/articles":                             "401 200 200 200 200 200 200 200 403 403 403",
    "GET /kb/articles/{article_id}":                "401 200 200 200 200 200 200 200 403 403 403",
    "POST /kb/articles":                            "401 201 403 403 201 403 403 403 403 403 403",
    "PUT /kb/articles/{article_id}":                "401 200 403 403 200 403 403 403 403 403 403",
    "POST /kb/articles/{article_id}/retire":        "401 200 403 403 200 403 403 403 403 403 403",
}
# fmt: on

RULE = {
    "name": "路灯先由街道处置",
    "position": 5,
    "category_codes": ["0101"],
    "target": {"kind": "grid_level", "grid_level": 1},
}
KEYWORDS = {"category_code": "0101", "keywords": ["灯杆歪斜"]}


def _first_id(scene: "Scene", model: type[RoutingRule] | type[CategoryKeyword]) -> int:
    found: int = scene.session.scalars(select(model.id).order_by(model.id).limit(1)).one()
    return found


def _public_photo(scene: Scene) -> str:
    """A photo the dispatch centre showed the citizen with a public note."""
    photo_id = scene.upload_photo()
    note = {"text": "已派员处置", "public": True, "photos": [photo_id]}
    number = scene.ticket("unit_grid")
    call = Call(f"{TICKETS}/{number}/notes", json=note)
    assert_answer(scene.send("dispatcher", "POST", call), 200, "dispatcher")
    return photo_id


CODES = itertools.count(50)  # new category codes under the demo group 01
CODES = itertools.count(50)  # new category codes under the demo group 01
REQUESTS: dict[str, Callable[[Scene], Call]] = {
    "POST /tickets": lambda _: Call(TICKETS, json=factories.web()),
    "GET /tickets": lambda _: Call(TICKETS),
    "GET /tickets/{number}": lambda scene: Call(f"{TICKETS}/{scene.ticket('unit_grid')}"),
    "POST /tickets/{number}/reporter/reveal": lambda scene: Call(
        f"{TICKETS}/{scene.ticket('unit_grid')}/reporter/reveal", json=REVEAL
    ),
    "POST /photos": lambda _: Call(PHOTOS, files=photo_files()),
    "GET /photos/{photo_id}": lambda scene: Call(f"{PHOTOS}/{scene.photo_on('unit_grid')}"),
    "GET /public/photos/{photo_id}": lambda scene: Call(
        f"{API}/public/photos/{_public_photo(scene)}"
    ),
    "POST /files": lambda _: Call(FILES, files=file_files()),
    "GET /files/{file_id}": lambda scene: Call(f"{FILES}/{scene.file_on('unit_grid')}"),
    "GET /public/files/{file_id}": lambda scene: Call(
        f"{API}/public/files/{scene.file_on('unit_grid', public=True)}"
    ),
    "GET /categories": lambda _: Call(f"{API}/categories"),
    "GET /categories/{code}": lambda _: Call(f"{API}/categories/01"),
    "POST /categories": lambda _: Call(
        f"{API}/categories", json={"code": f"01{next(CODES)}", "name": "新类", "parent_code": "01"}
    ),
    "PUT /categories/{code}": lambda _: Call(f"{API}/categories/0101", json={"name": "路灯"}),
    "POST /categories/{code}/retire": lambda _: Call(f"{API}/categories/0102/retire"),
    "GET /grids": lambda _: Call(f"{API}/grids", params={"parent": STREET}),
    "GET /grids/{code}": lambda _: Call(f"{API}/grids/{STREET}"),
    "GET /departments": lambda _: Call(f"{API}/departments"),
    "GET /departments/{code}": lambda _: Call(f"{API}/departments/water"),
    "POST /departments": lambda _: Call(
        f"{API}/departments", json={"code": factories.unique("unit"), "name": "新单位"}
    ),
    "PUT /departments/{code}": lambda _: Call(f"{API}/departments/water", json={"name": "水务局"}),
    "POST /departments/{code}/retire": lambda _: Call(f"{API}/departments/water/retire"),
    "POST /auth/token": lambda scene: Call(f"{API}/auth/token", data=scene.login_form()),
    "POST /auth/refresh": lambda scene: Call(
        f"{API}/auth/refresh", json={"refresh_token": scene.refresh_token()}
    ),
    "GET /auth/me": lambda _: Call(f"{API}/auth/me"),
    "POST /auth/logout": lambda _: Call(f"{API}/auth/logout"),
    "POST /integration-clients": lambda _: Call(
        CLIENTS, json={"name": factories.unique("client"), "channels": ["web"]}
    ),
    "GET /integration-clients": lambda _: Call(CLIENTS),
    "POST /integration-clients/{client_id}/revoke": lambda scene: Call(
        f"{CLIENTS}/{scene.spare_client_id()}/revoke"
    ),
    "POST /integration-clients/{client_id}/rotate": lambda scene: Call(
        f"{CLIENTS}/{scene.spare_client_id()}/rotate", json={"grace_minutes": 60}
    ),
    "PATCH /integration-clients/{client_id}": lambda scene: Call(
        f"{CLIENTS}/{scene.spare_client_id()}", json={"channels": ["web", "qr_code"]}
    ),
    "POST /users": lambda _: Call(
        USERS,
        json={
            "username": factories.unique("new-user"),
            "display_name": "New",
            "password": "a-long-enough-password",
            "role": "supervisor",
        },
    ),
    "GET /users": lambda _: Call(USERS),
    "POST /users/{user_id}/disable": lambda scene: Call(
        f"{USERS}/{scene.spare_account().id}/disable"
    ),
    "POST /users/{user_id}/enable": lambda scene: Call(
        f"{USERS}/{scene.spare_account().id}/enable"
    ),
    "PATCH /users/{user_id}": lambda scene: Call(
        f"{USERS}/{scene.spare_account().id}", json={"display_name": "Renamed"}
    ),
    "POST /users/{user_id}/password": lambda scene: Call(
        f"{USERS}/{scene.spare_account().id}/password", json={"password": "one-time-8812-pass"}
    ),
    # A wrong old password: staff get as far as the check of it.
    "POST /auth/password": lambda _: Call(
        f"{API}/auth/password",
        json={"old_password": "not-my-password", "new_password": "tea-by-the-min-river"},
    ),
    "POST /public/tickets/lookup": lambda scene: Call(
        f"{API}/public/tickets/lookup", json=scene.citizen_proof()
    ),
    "POST /public/tickets/evaluation": lambda scene: Call(
        f"{API}/public/tickets/evaluation",
        json=scene.citizen_proof(replied=True) | {"satisfaction": "satisfied", "solved": True},
    ),
    "POST /public/tickets/similar": lambda _: Call(
        f"{API}/public/tickets/similar",
        json={"location": {"lat": 27.33, "lon": 118.12}, "description": "路灯不亮"},
    ),
    "POST /public/tickets/me-too": lambda scene: Call(
        f"{API}/public/tickets/me-too",
        json={"number": scene.citizen_proof()["number"], "phone": "13900002222"},
    ),
    "POST /tickets/{number}/route": lambda scene: Call(
        f"{TICKETS}/{scene.ticket('unit_grid')}/route", json={"by_rules": True, "reason": "复核"}
    ),
    "PUT /tickets/{number}/category": lambda scene: Call(
        f"{TICKETS}/{scene.ticket('unit_grid')}/category",
        json={"category_code": "0102", "reason": "更正"},
    ),
    "GET /routing/rules": lambda _: Call(f"{API}/routing/rules"),
    "POST /routing/rules": lambda _: Call(f"{API}/routing/rules", json=RULE),
    "PUT /routing/rules/{rule_id}": lambda scene: Call(
        f"{API}/routing/rules/{_first_id(scene, RoutingRule)}", json=RULE
    ),
    "DELETE /routing/rules/{rule_id}": lambda scene: Call(
        f"{API}/routing/rules/{_first_id(scene, RoutingRule)}"
    ),
    "GET /routing/keywords": lambda _: Call(f"{API}/routing/keywords"),
    "POST /routing/keywords": lambda _: Call(f"{API}/routing/keywords", json=KEYWORDS),
    "PUT /routing/keywords/{keyword_id}": lambda scene: Call(
        f"{API}/routing/keywords/{_first_id(scene, CategoryKeyword)}", json=KEYWORDS
    ),
    "DELETE /routing/keywords/{keyword_id}": lambda scene: Call(
        f"{API}/routing/keywords/{_first_id(scene, CategoryKeyword)}"
    ),
    "POST /routing/dry-run": lambda _: Call(f"{API}/routing/dry-run", json=factories.web()),
    "POST /grids/import": lambda _: Call(
        f"{API}/grids/import", json=demo_grid_map(factories.CITY), params={"dry_run": "true"}
    ),
    "GET /grids/map-versions": lambda _: Call(f"{API}/grids/map-versions"),
}


def _act(status: str, action: str, body: dict[str, Any]) -> Callable[[Scene], Call]:
    """The action on the unit-grid ticket, put in `status` first."""

    def call(scene: Scene) -> Call:
        number = scene.ticket("unit_grid")
        scene.place(number, status=status)
        return Call(f"{TICKETS}/{number}/{action}", json=body)

    return call


def _pending_extension(scene: Scene) -> Call:
    call = _act("signed", "request-extension", EXTENSION)(scene)
    assert_answer(scene.send("gridworker", "POST", call), 200, "gridworker")
    return Call(call.path.replace("request-extension", "decide-extension"), json={"approve": True})


UNIT_GRID_LEAD = {"lead": {"kind": "grid", "code": UNIT_GRID}}
EXTENSION = {"working_days": 2, "reason": "等待配件"}
REASON = {"reason": "核实"}
NOTE = {"note": "请尽快办理"}
REPLY = {"reply": "已修复"}
WORKFLOW_REQUESTS: dict[str, Callable[[Scene], Call]] = {
    "dispatch": _act("new", "dispatch", UNIT_GRID_LEAD),
    "sign": _act("dispatched", "sign", {}),
    "return": _act("dispatched", "return", REASON),
    "transfer": _act(
        "dispatched",
        "transfer",
        {"lead": {"kind": "grid", "code": SIBLING_UNIT_GRID}} | REASON,
    ),
    "escalate": _act("signed", "escalate", REASON),
    "joint-handling": _act(
        "dispatched",
        "joint-handling",
        UNIT_GRID_LEAD | {"assist_department_codes": ["urban_management"]} | REASON,
    ),
    "reply": _act("signed", "reply", REPLY),
    "return-visit": _act("replied", "return-visit", {"satisfaction": "satisfied", "solved": True}),
    "close": _act("visited", "close", {}),
    "reopen": _act("closed", "reopen", REASON),
    "request-extension": _act("signed", "request-extension", EXTENSION),
    "decide-extension": _pending_extension,
    "suspend": _act("signed", "suspend", REASON),
    "resume": _act("suspended", "resume", {}),
    "urge": _act("dispatched", "urge", NOTE),
    "supervise": _act("dispatched", "supervise", NOTE),
    "invalidate": _act("dispatched", "invalidate", {"reason": "harassment"}),
    "answer-at-once": _act("new", "answer-at-once", REPLY),
    "notes": _act("dispatched", "notes", {"text": "已到现场查看"}),
}
REQUESTS |= {
    f"POST /tickets/{{number}}/{action}": request for action, request in WORKFLOW_REQUESTS.items()
}

CALENDARS = f"{API}/calendars"
POLICY = {"name": "路灯", "category_code": "0101", "reply_target": "3wd"}


def _spare_policy(scene: Scene) -> int:
    """A policy no clock has used yet (so it may be deleted)."""
    response = scene.send("admin", "POST", Call(f"{API}/sla-policies", json=POLICY))
    assert_answer(response, 201, "admin")
    policy_id: int = response.json()["id"]
    return policy_id


def _merged(scene: Scene) -> Call:
    """The unit-grid ticket, merged by the dispatcher into the community's."""
    number = scene.ticket("unit_grid")
    merge = Call(
        f"{TICKETS}/{number}/merge",
        json={"parent_number": scene.ticket("community"), "reason": "同一问题"},
    )
    assert_answer(scene.send("dispatcher", "POST", merge), 200, "dispatcher")
    return Call(f"{TICKETS}/{number}/unmerge", json={"reason": "不是同一问题"})


WEBHOOKS = f"{API}/webhook-subscriptions"
PUBLIC_URL = "https://93.184.215.14/hooks"


def _subscription(scene: Scene) -> str:
    """The path of a new subscription of the admin's (for the whole city)."""
    response = scene.send("admin", "POST", Call(WEBHOOKS, json={"url": PUBLIC_URL}))
    assert_answer(response, 201, "admin")
    return f"{WEBHOOKS}/{response.json()['id']}"


def _delivery(scene: Scene) -> Call:
    """Redelivering a delivery of a new subscription of the admin's."""
    path = _subscription(scene)
    delivery = WebhookDelivery(
        subscription_id=int(path.rsplit("/", 1)[1]),
        event_position=1,
        ticket_id=1,
        event_type="ticket.created",
        status="delivered",
        attempts=1,
        created_at=utc_now(),
    )
    scene.session.add(delivery)
    scene.session.commit()
    return Call(f"{path}/deliveries/{delivery.id}/redeliver")


KB = f"{API}/kb"
KB_ARTICLE = {
    "question": "路灯晚上不亮，找谁来修？",
    "answer": "城市道路的路灯由区城管局路灯管理所维护。",
    "owner_department": "urban_management",
}


def _kb_article(scene: Scene) -> str:
    """An article the urban management bureau keeps, written as its admin would."""
    admin = StaffPrincipal(user_id=0, username="admin", role=Role.ADMIN)
    article = kb_service.create_article(
        scene.session, admin, ArticleCreate(**KB_ARTICLE), date(2026, 12, 7)
    )
    scene.session.commit()
    return f"{KB}/articles/{article.id}"


def _set_day(scene: Scene) -> Call:
    day = Call(f"{CALENDARS}/standard/days/2030-05-06", json={"is_working": False, "name": "调休"})
    assert_answer(scene.send("admin", "PUT", day), 200, "admin")
    return Call(day.path)


STATS = f"{API}/stats"
ASSESSMENT = {
    "weights": {"response": 0.2, "resolution": 0.4, "satisfaction": 0.4},
    "basically_satisfied_weight": 0.8,
    "min_tickets": 5,
}
REQUESTS |= {
    "GET /tickets/export": lambda _: Call(f"{TICKETS}/export"),
    "GET /stats/report": lambda _: Call(f"{STATS}/report"),
    "GET /stats/report/export": lambda _: Call(f"{STATS}/report/export"),
    "GET /stats/rankings": lambda _: Call(f"{STATS}/rankings"),
    "GET /stats/rankings/export": lambda _: Call(f"{STATS}/rankings/export"),
    "GET /stats/monthly.xlsx": lambda _: Call(f"{STATS}/monthly.xlsx"),
    "GET /stats/hotspots": lambda _: Call(f"{STATS}/hotspots"),
    "GET /stats/hotspots/grids.geojson": lambda _: Call(f"{STATS}/hotspots/grids.geojson"),
    "GET /stats/settings": lambda _: Call(f"{STATS}/settings"),
    "PUT /stats/settings": lambda _: Call(f"{STATS}/settings", json=ASSESSMENT),
}
REQUESTS |= {
    "GET /kb/search": lambda _: Call(f"{KB}/search", params={"q": "路灯不亮"}),
    "GET /kb/articles": lambda _: Call(f"{KB}/articles", params={"due_for_review": "true"}),
    "GET /kb/articles/{article_id}": lambda scene: Call(_kb_article(scene)),
    "POST /kb/articles": lambda _: Call(f"{KB}/articles", json=KB_ARTICLE),
    "PUT /kb/articles/{article_id}": lambda scene: Call(
        _kb_article(scene), json={"review_date": "2027-12-01"}
    ),
    "POST /kb/articles/{article_id}/retire": lambda scene: Call(f"{_kb_article(scene)}/retire"),
}
REQUESTS |= {
    "GET /calendars": lambda _: Call(CALENDARS),
    "GET /calendars/{code}": lambda _: Call(f"{CALENDARS}/standard", params={"year": 2026}),
    "PUT /calendars/{code}/years/{year}": lambda _: Call(
        f"{CALENDARS}/standard/years/2031",
        json={"days": [{"day": "2031-01-01", "is_working": False, "name": "元旦"}]},
    ),
    "PUT /calendars/{code}/days/{day}": lambda _: Call(
        f"{CALENDARS}/standard/days/2030-05-06", json={"is_working": False, "name": "调休"}
    ),
    "DELETE /calendars/{code}/days/{day}": _set_day,
    "GET /sla-policies": lambda _: Call(f"{API}/sla-policies"),
    "GET /audit": lambda _: Call(f"{API}/audit", params={"kind": "department"}),
    "GET /audit/export": lambda _: Call(f"{API}/audit/export", params={"kind": "category"}),
    "POST /sla-policies": lambda _: Call(f"{API}/sla-policies", json=POLICY),
    "PUT /sla-policies/{policy_id}": lambda scene: Call(
        f"{API}/sla-policies/{_spare_policy(scene)}", json=POLICY | {"reply_target": "2wd"}
    ),
    "DELETE /sla-policies/{policy_id}": lambda scene: Call(
        f"{API}/sla-policies/{_spare_policy(scene)}"
    ),
    "GET /tickets/{number}/duplicates": lambda scene: Call(
        f"{TICKETS}/{scene.ticket('unit_grid')}/duplicates"
    ),
    "POST /tickets/{number}/merge": lambda scene: Call(
        f"{TICKETS}/{scene.ticket('unit_grid')}/merge",
        json={"parent_number": scene.ticket("community"), "reason": "同一问题"},
    ),
    "POST /tickets/{number}/unmerge": _merged,
    "GET /events": lambda _: Call(f"{API}/events"),
    "POST /webhook-subscriptions": lambda _: Call(WEBHOOKS, json={"url": PUBLIC_URL}),
    "GET /webhook-subscriptions": lambda _: Call(WEBHOOKS),
    "GET /webhook-subscriptions/{subscription_id}": lambda scene: Call(_subscription(scene)),
    "DELETE /webhook-subscriptions/{subscription_id}": lambda scene: Call(_subscription(scene)),
    "POST /webhook-subscriptions/{subscription_id}/rotate-secret": lambda scene: Call(
        f"{_subscription(scene)}/rotate-secret", json={}
    ),
    "POST /webhook-subscriptions/{subscription_id}/enable": lambda scene: Call(
        f"{_subscription(scene)}/enable"
    ),
    "GET /webhook-subscriptions/{subscription_id}/deliveries": lambda scene: Call(
        f"{_subscription(scene)}/deliveries"
    ),
    "POST /webhook-subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver": _delivery,
    "POST /webhook-subscriptions/{subscription_id}/replay": lambda scene: Call(
        f"{_subscription(scene)}/replay", json={"after": "0"}
    ),
}


def _matrix() -> list[Any]:
    cases = []
    for endpoint, statuses in EXPECTED.items():
        columns = _columns(statuses, ("bad", *STAFF, *KEYS))
        for identity in IDENTITIES:
            expected = columns["bad" if identity in WITHOUT_VALID_CREDENTIALS else identity]
            cases.append(pytest.param(endpoint, identity, expected, id=f"{endpoint} {identity}"))
    return cases


@pytest.mark.parametrize(("endpoint", "identity", "expected"), _matrix())
def test_access(scene: Scene, endpoint: str, identity: str, expected: int) -> None:
    method, _route = endpoint.split(" ")
    response = scene.send(identity, method, REQUESTS[endpoint](scene))
    assert_answer(response, expected, identity)


def test_every_api_route_is_in_the_matrix(module_app: FastAPI) -> None:
    served: set[str] = set()
    outside_api: set[str] = set()
    for route in iter_route_contexts(module_app.routes):
        path = route.path or ""
        if path.startswith(f"{API}/"):
            served |= {f"{method} {path.removeprefix(API)}" for method in route.methods or ()}
        else:
            outside_api.add(path)
    assert served == set(EXPECTED)
    assert set(REQUESTS) == set(EXPECTED)
    # Outside the API only the docs (with their scripts) and the probes, which need no
    # credentials; /metrics, guarded by its own settings (tests/observability); and Open311,
    # whose reads are public and whose POST takes its own api_key (tests/open311).
    assert outside_api == {
        "/openapi.json",
        "/docs",
        "/docs/assets",
        "/docs/oauth2-redirect",
        "/redoc",
        "/healthz",
        "/readyz",
        "/metrics",
        "/open311/v2/discovery.{fmt}",
        "/open311/v2/services.{fmt}",
        "/open311/v2/services/{service_code}.{fmt}",
        "/open311/v2/requests.{fmt}",
        "/open311/v2/requests/{service_request_id}.{fmt}",
        "/open311/v2/tokens/{token}.{fmt}",
    }


# --- Scope: a ticket outside one's scope does not exist, in reads, lists and pages. ---


@pytest.mark.parametrize(
    ("identity", "placement", "expected"),
    [
        pytest.param(
            identity,
            placement,
            200 if placement in VISIBLE[identity] else 404,
            id=f"{identity} on {placement}",
        )
        for identity in STAFF
        for placement in PLACEMENTS
    ],
)
def test_a_ticket_outside_the_scope_is_not_found(
    scene: Scene, identity: str, placement: str, expected: int
) -> None:
    number = scene.ticket(placement)
    response = scene.send(identity, "GET", Call(f"{TICKETS}/{number}"))
    assert_answer(response, expected, identity)
    if expected == 200:
        assert response.json()["number"] == number
    else:  # the same answer as for a number never given out
        never = scene.send(identity, "GET", Call(f"{TICKETS}/{NEVER_FILED}")).json()
        assert response.json() == never | {"detail": never["detail"].replace(NEVER_FILED, number)}


def _list(scene: Scene, identity: str, params: dict[str, Any]) -> tuple[list[str], str | None]:
    response = scene.send(identity, "GET", Call(TICKETS, params=params))
    assert response.status_code == 200, response.text
    page = response.json()
    return [item["number"] for item in page["items"]], page["next_cursor"]


def _pages(scene: Scene, identity: str, limit: int) -> list[tuple[list[str], str | None]]:
    pages = [_list(scene, identity, {"limit": limit})]
    while (cursor := pages[-1][1]) is not None:
        pages.append(_list(scene, identity, {"limit": limit, "cursor": cursor}))
    return pages


LIST_QUERIES: dict[str, tuple[dict[str, str], frozenset[str]]] = {
    "no filter": ({}, EVERYTHING),
    "status=dispatched": ({"status": "dispatched"}, ASSIGNED),
    "status=new": ({"status": "new"}, EVERYTHING - ASSIGNED),
    "assigned to public_security": (
        {"assigned_department": "public_security"},
        frozenset({"public_security"}),
    ),
    "assigned to another street": ({"assigned_grid": OTHER_STREET}, frozenset({"other_street"})),
    "located in the street": (
        {"grid": STREET},
        frozenset({"patrol_in_unit_grid", "patrol_in_unit_grid_to_urban"}),
    ),
}


@pytest.mark.parametrize("identity", STAFF)
def test_lists_hold_exactly_the_visible_tickets(scene: Scene, identity: str) -> None:
    numbers = scene.every_ticket()
    for query, (params, matching) in LIST_QUERIES.items():
        listed, next_cursor = _list(scene, identity, params)
        expected = {numbers[placement] for placement in VISIBLE[identity] & matching}
        assert sorted(listed) == sorted(expected), query
        assert next_cursor is None, query


@pytest.mark.parametrize("identity", STAFF)
def test_pages_hold_the_visible_tickets_and_end_with_them(scene: Scene, identity: str) -> None:
    scene.every_ticket()
    visible, _ = _list(scene, identity, {})
    assert len(visible) == len(VISIBLE[identity])
    for limit in (1, 2):
        pages = _pages(scene, identity, limit)
        assert [number for numbers, _ in pages for number in numbers] == visible
        # No trailing empty page that would hint at tickets beyond the scope.
        assert len(pages) == math.ceil(len(visible) / limit)
    if VISIBLE[identity] == EVERYTHING:
        return
    # A cursor handed to someone who sees more shows nothing more.
    for _, cursor in _pages(scene, "dispatcher", 1)[:-1]:
        listed, _ = _list(scene, identity, {"cursor": cursor})
        assert set(listed) <= set(visible)


# --- Intake: integrations post for their channels; staff by role and grid. ---

INTAKE_BODIES: dict[str, Callable[[Scene], dict[str, Any]]] = {
    "hotline_12345": lambda _: factories.hotline_12345(),
    "minsheng_110": lambda _: factories.minsheng_110(),
    "photo_report": lambda scene: factories.photo_report([scene.upload_photo()]),
    "qr_code": lambda _: factories.qr_code(),
    "web": lambda _: factories.web(),
    "grid_patrol, the worker's grid": lambda _: factories.grid_patrol(grid_code=UNIT_GRID),
    "grid_patrol, another grid": lambda _: factories.grid_patrol(grid_code=SIBLING_UNIT_GRID),
}
# fmt: off
#                                             adm dsp sup urb str com  gw  cc app grd
INTAKE: dict[str, str] = {
    "hotline_12345":                         "201 201 403 403 403 403 403 201 403 403",
    "minsheng_110":                          "201 201 403 403 403 403 403 201 403 403",
    "photo_report":                          "201 201 403 403 403 403 403 403 201 403",
    "qr_code":                               "201 201 403 403 403 403 403 403 201 403",
    "web":                                   "201 201 403 403 403 403 403 403 201 403",
    "grid_patrol, the worker's grid":        "201 201 403 403 403 403 201 403 403 201",
    "grid_patrol, another grid":             "201 201 403 403 403 403 403 403 403 201",
}
# fmt: on


@pytest.mark.parametrize(
    ("intake", "identity", "expected"),
    [
        pytest.param(intake, identity, expected, id=f"{intake} by {identity}")
        for intake, statuses in INTAKE.items()
        for identity, expected in _columns(statuses, (*STAFF, *KEYS)).items()
    ],
)
def test_who_may_file_for_which_channel(
    scene: Scene, intake: str, identity: str, expected: int
) -> None:
    response = scene.send(identity, "POST", Call(TICKETS, json=INTAKE_BODIES[intake](scene)))
    assert_answer(response, expected, identity)


def test_the_citizen_app_files_a_photo_report_with_its_own_upload(scene: Scene) -> None:
    upload = scene.send("citizen_app", "POST", Call(PHOTOS, files=photo_files(99)))
    assert upload.status_code == 201, upload.text
    body = factories.photo_report([upload.json()[0]["id"]])
    response = scene.send("citizen_app", "POST", Call(TICKETS, json=body))
    assert response.status_code == 201, response.text
    assert [photo["photo_id"] for photo in response.json()["photos"]] == [upload.json()[0]["id"]]


# --- Photos: staff and integrations open the photos of the tickets they see, no others. ---


@pytest.mark.parametrize(
    ("identity", "placement", "expected"),
    [
        ("urban", "urban_management", 200),
        ("urban", "public_security", 404),
        ("street", "community", 200),
        ("street", "other_street", 404),
        ("community", "unit_grid", 200),
        ("community", "street", 404),
        ("gridworker", "patrol_in_unit_grid", 200),
        ("gridworker", "sibling_unit_grid", 404),
        ("supervisor", "public_security", 200),
        # An integration: the photos of the tickets its channels filed (a photo report here).
        ("citizen_app", "public_security", 200),
        ("call_centre", "public_security", 404),
        ("grid_app", "public_security", 404),
    ],
)
def test_a_photo_is_served_to_those_who_see_its_ticket(
    scene: Scene, identity: str, placement: str, expected: int
) -> None:
    response = scene.send(identity, "GET", Call(f"{PHOTOS}/{scene.photo_on(placement)}"))
    assert_answer(response, expected, identity)
    if expected == 200:
        assert response.headers["content-type"] == "image/jpeg"


def test_a_photo_on_a_visible_and_a_hidden_ticket_is_served(scene: Scene) -> None:
    photo_id = scene.upload_photo()
    scene.file(PLACEMENTS["public_security"], (photo_id,))
    assert scene.send("urban", "GET", Call(f"{PHOTOS}/{photo_id}")).status_code == 404
    scene.file(PLACEMENTS["urban_management"], (photo_id,))
    assert scene.send("urban", "GET", Call(f"{PHOTOS}/{photo_id}")).status_code == 200


def test_an_integration_reads_the_evidence_staff_made_public_and_no_other(scene: Scene) -> None:
    """The call centre reads back its ticket as the citizen would: the report's own photos
    and what staff made public, not their internal photos and files."""
    internal, public = scene.file_on("unit_grid"), scene.file_on("unit_grid", public=True)
    internal_photo = scene.upload_photo()
    note = Call(
        f"{TICKETS}/{scene.ticket('unit_grid')}/notes",
        json={"text": "内部照片", "photos": [internal_photo]},
    )
    assert_answer(scene.send("dispatcher", "POST", note), 200, "dispatcher")
    ticket = Call(f"{TICKETS}/{scene.ticket('unit_grid')}")

    as_key = scene.send("call_centre", "GET", ticket).json()
    as_staff = scene.send("dispatcher", "GET", ticket).json()

    assert [f["file_id"] for f in as_key["files"]] == [public]
    assert as_key["photos"] == []
    assert {f["file_id"] for f in as_staff["files"]} == {internal, public}
    assert [p["photo_id"] for p in as_staff["photos"]] == [internal_photo]
    for upload, expected in ((f"{FILES}/{internal}", 404), (f"{FILES}/{public}", 200)):
        assert_answer(scene.send("call_centre", "GET", Call(upload)), expected, "call_centre")
    assert_answer(
        scene.send("call_centre", "GET", Call(f"{PHOTOS}/{internal_photo}")), 404, "call_centre"
    )


# --- Reporters: the full identity takes an audited reveal, by whoever needs it. ---


@pytest.mark.parametrize(
    ("identity", "placement", "expected"),
    [
        ("dispatcher", "urban_management", 200),
        ("admin", "urban_management", 200),
        ("urban", "urban_management", 200),
        ("dispatcher", "urban_management_confidential", 200),
        ("admin", "urban_management_confidential", 200),
        ("urban", "urban_management_confidential", 403),
        ("supervisor", "urban_management", 403),
        ("supervisor", "urban_management_confidential", 403),
        ("street", "urban_management", 404),
        ("urban", "public_security", 404),
        ("call_centre", "urban_management", 403),
        ("citizen_app", "urban_management", 403),
        ("grid_app", "urban_management", 403),
        ("gridworker", "unit_grid", 200),
        ("urban", "patrol_in_unit_grid_to_urban", 200),
        # A grid worker sees a ticket located in its grid, but does not handle it.
        ("gridworker", "patrol_in_unit_grid_to_urban", 403),
    ],
)
def test_who_may_reveal_a_reporter(
    scene: Scene, identity: str, placement: str, expected: int
) -> None:
    path = f"{TICKETS}/{scene.ticket(placement)}/reporter/reveal"
    response = scene.send(identity, "POST", Call(path, json=REVEAL))
    assert_answer(response, expected, identity)
    if expected == 200:
        assert response.json() == REPORTER


def test_a_reveal_is_on_the_timeline_for_admins_only(scene: Scene) -> None:
    number = scene.ticket("urban_management")
    reveal = Call(f"{TICKETS}/{number}/reporter/reveal", json=REVEAL)
    assert scene.send("urban", "POST", reveal).status_code == 200

    def reveals_seen_by(identity: str) -> list[dict[str, Any]]:
        detail = scene.send(identity, "GET", Call(f"{TICKETS}/{number}")).json()
        return [event for event in detail["timeline"] if event["kind"] == "reporter_revealed"]

    [seen] = reveals_seen_by("admin")
    assert seen["payload"] == {"reason": "回访", "username": "urban", "role": "unit_handler"}
    assert reveals_seen_by("urban") == []
    assert reveals_seen_by("dispatcher") == []


# --- Who one is, and why one is refused. ---


@pytest.mark.parametrize("identity", STAFF)
def test_me_names_the_account_and_its_role(scene: Scene, identity: str) -> None:
    response = scene.send(identity, "GET", Call(f"{API}/auth/me"))
    assert response.status_code == 200
    assert response.json()["username"] == identity
    assert response.json()["role"] == ROLE_OF[identity]


@pytest.mark.parametrize("identity", STAFF)
def test_me_names_the_department_and_grid_by_their_codes(scene: Scene, identity: str) -> None:
    user = next(user for user in demo_users(build_demo_city()) if user.username == identity)

    me = scene.send(identity, "GET", Call(f"{API}/auth/me")).json()

    assert (me["department_code"], me["grid_code"]) == (user.department_code, user.grid_code)
    assert "grid_id" not in me
    assert "department_id" not in me


@pytest.mark.parametrize("identity", [username for username in STAFF if username != "admin"])
def test_a_refused_role_is_told_which_roles_may(scene: Scene, identity: str) -> None:
    response = scene.send(identity, "GET", Call(USERS))
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"This needs one of the roles: admin; you are {ROLE_OF[identity]}."
    )


@pytest.mark.parametrize("identity", KEYS)
def test_a_key_is_told_the_map_versions_need_a_staff_account(scene: Scene, identity: str) -> None:
    response = scene.send(identity, "GET", Call(f"{API}/grids/map-versions"))
    assert response.status_code == 403
    assert "staff account" in response.json()["detail"]
