"""Admins create, change and retire departments; a retired one receives no new tickets."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.units.models import Department
from tests import factories

DEPARTMENTS = "/api/v1/departments"
TICKETS = "/api/v1/tickets"
RULES = "/api/v1/routing/rules"
Auth = dict[str, dict[str, str]]
WATER_SUPPLY = {
    "code": "water_supply",
    "name": "自来水公司",
    "short_name": "水司",
    "contact_phone": "0599-8888 1234",
    "kind": "public_enterprise",
}


def _audit(session: Session, code: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.kind == "department", AuditEntry.object_code == code
    )
    return list(session.scalars(query.order_by(AuditEntry.id)))


def _create(client: TestClient, auth: Auth, **overrides: Any) -> dict[str, Any]:
    response = client.post(DEPARTMENTS, json=WATER_SUPPLY | overrides, headers=auth["admin"])
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_an_admin_creates_a_department_that_everyone_then_sees(
    client: TestClient, auth: Auth, session: Session
) -> None:
    created = _create(client, auth)

    assert created == WATER_SUPPLY | {"active": True, "retired_at": None}
    listed = client.get(DEPARTMENTS).json()
    assert created in listed
    assert client.get(f"{DEPARTMENTS}/water_supply").json() == created
    (entry,) = _audit(session, "water_supply")
    assert (entry.action, entry.actor_name, entry.before) == ("create", "admin", None)
    assert entry.after is not None
    assert entry.after["name"] == "自来水公司"
    assert entry.address  # the test client's address


def test_only_admins_change_departments(client: TestClient, auth: Auth) -> None:
    for who in ("dispatcher", "supervisor", "urban", "call_centre"):
        response = client.post(DEPARTMENTS, json=WATER_SUPPLY, headers=auth[who])
        assert response.status_code == 403, who
    assert client.get(f"{DEPARTMENTS}/water_supply").status_code == 404


def test_a_taken_code_is_a_conflict(client: TestClient, auth: Auth) -> None:
    response = client.post(
        DEPARTMENTS, json={"code": "urban_management", "name": "又一个"}, headers=auth["admin"]
    )

    assert response.status_code == 409
    assert "urban_management" in response.json()["detail"]


def test_every_bad_field_is_named_and_nothing_is_written(
    client: TestClient, auth: Auth, session: Session
) -> None:
    body = {"code": "水 务", "name": "", "contact_phone": "call us", "kind": "ministry"}

    response = client.post(DEPARTMENTS, json=body, headers=auth["admin"])

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.code", "body.name", "body.contact_phone", "body.kind"}
    assert session.scalar(select(Department).where(Department.name == "")) is None


def test_put_changes_only_the_fields_sent(client: TestClient, auth: Auth, session: Session) -> None:
    _create(client, auth)

    response = client.put(
        f"{DEPARTMENTS}/water_supply",
        json={"name": "城市供水集团", "contact_phone": None},
        headers=auth["admin"],
    )

    assert response.status_code == 200, response.text
    assert response.json() == WATER_SUPPLY | {
        "name": "城市供水集团",
        "contact_phone": None,
        "active": True,
        "retired_at": None,
    }
    entry = _audit(session, "water_supply")[-1]
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["name"], entry.after["name"]) == ("自来水公司", "城市供水集团")
    cleared = client.put(f"{DEPARTMENTS}/water_supply", json={"name": None}, headers=auth["admin"])
    assert cleared.status_code == 422
    unknown = client.put(f"{DEPARTMENTS}/nobody", json={"name": "x"}, headers=auth["admin"])
    assert unknown.status_code == 404


def test_a_retired_department_gets_no_new_tickets_and_its_rules_are_reported(
    client: TestClient, auth: Auth, session: Session
) -> None:
    response = client.post(f"{DEPARTMENTS}/urban_management/retire", headers=auth["admin"])

    assert response.status_code == 200, response.text
    retired = response.json()
    assert retired["department"]["active"] is False
    assert retired["department"]["retired_at"] is not None
    assert [(rule["name"], rule["role"]) for rule in retired["routing_rules"]] == [
        ("0703 联合处置", "assisting"),
        ("城市管理局承办", "lead"),
    ]
    assert "0101" in retired["default_for_categories"]
    assert [entry.action for entry in _audit(session, "urban_management")] == ["retire"]

    ticket = client.post(TICKETS, json=factories.hotline_12345()).json()
    assert ticket["assigned_unit"]["code"] == "district_office"
    timeline = client.get(f"{TICKETS}/{ticket['number']}").json()["timeline"]
    [routed] = [event for event in timeline if event["kind"] == "routed"]
    assert (
        "rule '城市管理局承办' matched but its department urban_management is retired: skipped"
        in routed["payload"]["reasons"]
    )
    again = client.post(f"{DEPARTMENTS}/urban_management/retire", headers=auth["admin"])
    assert again.status_code == 200
    assert len(_audit(session, "urban_management")) == 1  # nothing changed the second time


def test_a_retired_department_is_no_target_for_rules_or_transfers(
    client: TestClient, auth: Auth
) -> None:
    ticket = client.post(TICKETS, json=factories.hotline_12345()).json()
    client.post(f"{DEPARTMENTS}/water/retire", headers=auth["admin"])

    rule = {
        "name": "供水",
        "position": 1,
        "target": {"kind": "department", "department_code": "water"},
        "assist_department_codes": ["nobody", "water"],
        "category_codes": ["9999"],
    }
    response = client.post(RULES, json=rule, headers=auth["admin"])
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["errors"]]
    assert messages == [
        "Unknown codes in category_codes: 9999.",
        "Retired codes in target.department_code: water.",
        "Unknown codes in assist_department_codes: nobody.",
        "Retired codes in assist_department_codes: water.",
    ]
    transfer = client.post(
        f"{TICKETS}/{ticket['number']}/route",
        json={"lead": {"kind": "department", "code": "water"}, "reason": "归水利"},
    )
    assert transfer.status_code == 422
    assert "retired" in transfer.json()["detail"]


def test_a_retired_department_comes_back_when_made_active(
    client: TestClient, auth: Auth, session: Session
) -> None:
    client.post(f"{DEPARTMENTS}/urban_management/retire", headers=auth["admin"])

    response = client.put(
        f"{DEPARTMENTS}/urban_management", json={"active": True}, headers=auth["admin"]
    )

    assert response.json()["active"] is True
    ticket = client.post(TICKETS, json=factories.hotline_12345()).json()
    assert ticket["assigned_unit"]["code"] == "urban_management"
    assert [e.action for e in _audit(session, "urban_management")] == ["retire", "reactivate"]
