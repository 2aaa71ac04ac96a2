"""Admins build and change the two-level taxonomy; intake refuses a retired category."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.categories.models import Category
from tests import factories

CATEGORIES = "/api/v1/categories"
TICKETS = "/api/v1/tickets"
Auth = dict[str, dict[str, str]]
GROUP = {"code": "90", "name": "供水服务", "default_priority": "urgent"}
BURST_MAIN = {"code": "9001", "name": "水管爆裂", "parent_code": "90"}
IN_FIRST_UNIT_GRID = {"lat": 27.33, "lon": 118.12, "crs": "wgs84"}


def _post(client: TestClient, auth: Auth, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(CATEGORIES, json=body, headers=auth["admin"])
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _audit(session: Session, code: str) -> list[str]:
    query = select(AuditEntry.action).where(
        AuditEntry.kind == "category", AuditEntry.object_code == code
    )
    return list(session.scalars(query.order_by(AuditEntry.id)))


def test_an_admin_adds_a_group_and_its_categories(
    client: TestClient, auth: Auth, session: Session
) -> None:
    _post(client, auth, GROUP)
    created = _post(
        client,
        auth,
        BURST_MAIN
        | {
            "default_request_type": "help",
            "duplicate_radius_m": 400,
            "default_department_code": "water",
        },
    )

    assert created == {
        "code": "9001",
        "name": "水管爆裂",
        "default_priority": "urgent",  # the group's
        "default_request_type": "help",
        "duplicate_radius_m": 400,
        "default_department_code": "water",
        "active": True,
        "retired_at": None,
        "replacement_code": None,
        "children": [],
    }
    group = next(g for g in client.get(CATEGORIES).json() if g["code"] == "90")
    assert [child["code"] for child in group["children"]] == ["9001"]
    assert client.get(f"{CATEGORIES}/90").json()["children"][0]["name"] == "水管爆裂"
    assert _audit(session, "90") == ["create"]
    assert _audit(session, "9001") == ["create"]


def test_a_new_category_routes_to_its_default_department_with_its_request_type(
    client: TestClient, auth: Auth
) -> None:
    _post(client, auth, GROUP)
    _post(
        client,
        auth,
        BURST_MAIN | {"default_request_type": "help", "default_department_code": "water"},
    )
    body = factories.web(
        category_code="9001", description="路口水管爆了", location=IN_FIRST_UNIT_GRID
    )
    del body["request_type"]

    ticket = client.post(TICKETS, json=body).json()

    assert ticket["assigned_unit"]["code"] == "water"
    assert ticket["request_type"] == "help"
    assert ticket["priority"] == "urgent"
    sent = client.post(TICKETS, json=body | {"request_type": "complaint"}).json()
    assert sent["request_type"] == "complaint"  # what the channel says wins
    # The category's default wins over the channel's (a QR report's is "report").
    qr = client.post(TICKETS, json=factories.qr_code(category_code="9001")).json()
    assert qr["request_type"] == "help"


def test_every_problem_with_the_codes_is_named_in_one_answer(
    client: TestClient, auth: Auth, session: Session
) -> None:
    client.post("/api/v1/departments/water/retire", headers=auth["admin"])
    cases = [
        (
            {"code": "9901", "name": "x", "parent_code": "99", "default_department_code": "nobody"},
            ["No category group has code '99'.", "No department has code 'nobody'."],
        ),
        (
            {
                "code": "0201x",
                "name": "x",
                "parent_code": "0101",
                "default_department_code": "water",
            },
            [
                "'0101' is a category, not a group: categories have two levels, so a "
                "category's parent is a group.",
                "The department 'water' was retired on",
            ],
        ),
        (
            {"code": "0299", "name": "x", "parent_code": "01"},
            [
                "A category's code starts with its group's and is longer: "
                "'0299' does not extend '01'."
            ],
        ),
        ({"code": "0", "name": "x"}, ["The group code '0' and the group '01'"]),
    ]
    for body, messages in cases:
        response = client.post(CATEGORIES, json=body, headers=auth["admin"])
        assert response.status_code == 422, body
        found = [error["message"] for error in response.json()["errors"]]
        assert len(found) >= len(messages), found
        for message, expected in zip(found, messages, strict=False):
            assert message.startswith(expected), (message, expected)
    assert session.scalar(select(Category).where(Category.name == "x")) is None


def test_a_taken_code_is_a_conflict_and_only_admins_edit(client: TestClient, auth: Auth) -> None:
    taken = client.post(CATEGORIES, json={"code": "01", "name": "又一组"}, headers=auth["admin"])
    assert taken.status_code == 409
    for who in ("dispatcher", "supervisor", "call_centre"):
        assert client.post(CATEGORIES, json=GROUP, headers=auth[who]).status_code == 403


def test_a_retired_category_is_refused_at_intake_naming_its_replacement(
    client: TestClient, auth: Auth, session: Session
) -> None:
    response = client.post(
        f"{CATEGORIES}/0101/retire", json={"replacement_code": "0102"}, headers=auth["admin"]
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["category"]["active"] is False
    assert answer["category"]["replacement_code"] == "0102"
    assert answer["routing_rules"]  # the urban management rule names 0101
    assert answer["keyword_rules"]
    refused = client.post(TICKETS, json=factories.hotline_12345())
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["field"] == "category_code"
    assert problem["replacement_code"] == "0102"
    assert "'0101' was retired" in problem["detail"]
    assert "use '0102' (垃圾清运) instead" in problem["detail"]
    ticket = client.post(TICKETS, json=factories.hotline_12345(category_code="0102")).json()
    corrected = client.put(
        f"{TICKETS}/{ticket['number']}/category", json={"category_code": "0101", "reason": "x"}
    )
    assert corrected.status_code == 422
    listed = [c["code"] for g in client.get(CATEGORIES).json() for c in g["children"]]
    assert "0101" not in listed
    everything = client.get(CATEGORIES, params={"include_retired": True}).json()
    assert "0101" in [c["code"] for g in everything for c in g["children"]]
    assert _audit(session, "0101") == ["retire"]


def test_retiring_a_group_retires_its_categories(
    client: TestClient, auth: Auth, session: Session
) -> None:
    response = client.post(f"{CATEGORIES}/01/retire", headers=auth["admin"])

    retired = response.json()
    assert retired["retired_with_it"][:2] == ["0101", "0102"]
    refused = client.post(TICKETS, json=factories.hotline_12345()).json()
    assert refused["detail"].endswith("choose another category.")
    back = client.put(f"{CATEGORIES}/0101", json={"active": True}, headers=auth["admin"])
    assert back.status_code == 422
    assert "bring the group back first" in back.json()["detail"]
    assert client.put(f"{CATEGORIES}/01", json={"active": True}, headers=auth["admin"]).json()[
        "active"
    ]
    assert _audit(session, "01") == ["retire", "reactivate"]


def test_put_changes_only_the_fields_sent(client: TestClient, auth: Auth) -> None:
    response = client.put(
        f"{CATEGORIES}/0101",
        json={"name": "路灯不亮", "duplicate_radius_m": 100},
        headers=auth["admin"],
    )

    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["name"], changed["duplicate_radius_m"]) == ("路灯不亮", 100)
    assert changed["default_department_code"] == "urban_management"
    for bad in ({"name": None}, {"code": "0199"}, {"replacement_code": "0101"}):
        refused = client.put(f"{CATEGORIES}/0101", json=bad, headers=auth["admin"])
        assert refused.status_code == 422, bad
