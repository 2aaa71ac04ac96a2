"""Every ticket to the one unit responsible, with the reasons on its timeline."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import factories

TICKETS = "/api/v1/tickets"
RULES = "/api/v1/routing/rules"
Auth = dict[str, dict[str, str]]
# A point in the demo city's first unit grid (WGS-84), and a community's name there.
IN_FIRST_UNIT_GRID = {"lat": 27.33, "lon": 118.12, "crs": "wgs84"}


def _post(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


def _routing_event(client: TestClient, number: str) -> dict[str, Any]:
    timeline = client.get(f"{TICKETS}/{number}").json()["timeline"]
    [event] = [e for e in timeline if e["kind"] in {"routed", "routing_pending"}]
    return event


def test_a_located_street_light_goes_to_urban_management_with_reasons(
    client: TestClient,
) -> None:
    ticket = _post(client, factories.hotline_12345(location=IN_FIRST_UNIT_GRID))
    assert ticket["status"] == "dispatched"
    assert ticket["assigned_unit"]["code"] == "urban_management"
    assert ticket["grid"]["code"] == factories.UNIT_GRID_CODE
    event = _routing_event(client, ticket["number"])
    assert event["kind"] == "routed"
    assert event["actor"]["kind"] == "system"
    reasons = " | ".join(event["payload"]["reasons"])
    assert f"point in grid {factories.UNIT_GRID_CODE}" in reasons
    assert "category 0101 given" in reasons
    assert "城市管理局承办" in reasons
    assert event["payload"]["map_version"] is not None


def test_text_is_classified_when_the_channel_sends_no_category(client: TestClient) -> None:
    body = factories.hotline_12345(
        category_code=None, description="小区门口的路灯坏了，晚上一片漆黑，已经三天不亮"
    )
    ticket = _post(client, body)
    assert ticket["category"]["code"] == "0101"
    assert ticket["assigned_unit"]["code"] == "urban_management"
    payload = _routing_event(client, ticket["number"])["payload"]
    assert payload["confidence"] >= 0.6
    assert any("classified 0101" in reason for reason in payload["reasons"])


def test_vague_text_waits_for_the_dispatch_centre(client: TestClient) -> None:
    ticket = _post(client, factories.web(description="你好，我想咨询一下相关情况"))
    assert ticket["status"] == "new"
    assert ticket["assigned_unit"] is None
    event = _routing_event(client, ticket["number"])
    assert event["kind"] == "routing_pending"
    assert any("dispatch centre" in reason for reason in event["payload"]["reasons"])
    queue = client.get(TICKETS, params={"status": "new"}).json()["items"]
    assert ticket["number"] in [item["number"] for item in queue]


def test_a_neighbour_dispute_from_a_qr_poster_goes_to_its_community(client: TestClient) -> None:
    ticket = _post(client, factories.qr_code(category_code="1001", description="楼上邻居半夜吵闹"))
    assert ticket["assigned_unit"] == {
        "kind": "grid",
        "code": factories.COMMUNITY_CODE,
        "name": ticket["grid"]["name"],
    }
    reasons = _routing_event(client, ticket["number"])["payload"]["reasons"]
    assert any("given by the qr_code channel" in reason for reason in reasons)


def test_a_patrol_report_stays_in_the_workers_grid(client: TestClient) -> None:
    ticket = _post(client, factories.grid_patrol(category_code="0102"))
    assert ticket["assigned_unit"]["kind"] == "grid"
    assert ticket["assigned_unit"]["code"] == factories.UNIT_GRID_CODE


def test_an_address_without_a_point_is_found_in_the_gazetteer(client: TestClient) -> None:
    community = next(g for g in factories.CITY.grids if g.code == factories.COMMUNITY_CODE)
    body = factories.web(
        category_code="1001", description="邻居纠纷", address=f"{community.name}7号楼"
    )
    ticket = _post(client, body)
    assert ticket["grid"]["code"] == factories.COMMUNITY_CODE
    assert ticket["assigned_unit"]["code"] == factories.COMMUNITY_CODE


def test_a_gas_leak_is_handled_jointly(client: TestClient) -> None:
    ticket = _post(client, factories.hotline_12345(category_code="0702", description="闻到燃气味"))
    assert ticket["assigned_unit"]["code"] == "housing_construction"
    assert [unit["code"] for unit in ticket["assisting_units"]] == ["public_security"]
    assert ticket["priority"] == "emergency"


def test_with_no_rule_the_category_default_then_the_district_takes_the_ticket(
    client: TestClient, auth: Auth
) -> None:
    rules = client.get(RULES).json()
    urban = next(
        rule for rule in rules if rule["target"].get("department_code") == "urban_management"
    )
    assert client.delete(f"{RULES}/{urban['id']}", headers=auth["admin"]).status_code == 204
    ticket = _post(client, factories.hotline_12345())
    assert ticket["assigned_unit"]["code"] == "urban_management"
    payload = _routing_event(client, ticket["number"])["payload"]
    assert payload["fallback"] is False
    assert payload["reasons"][-2:] == [
        "no rule matched category 0101",
        "lead: department urban_management, the default of category 0101",
    ]
    for code in ("01", "0101"):  # the category's default, and its group's
        response = client.put(
            f"/api/v1/categories/{code}",
            json={"default_department_code": None},
            headers=auth["admin"],
        )
        assert response.status_code == 200, response.text
    ticket = _post(client, factories.hotline_12345())
    assert ticket["assigned_unit"]["code"] == "district_office"
    payload = _routing_event(client, ticket["number"])["payload"]
    assert payload["fallback"] is True


def test_the_dry_run_says_where_without_writing(client: TestClient) -> None:
    before = len(client.get(TICKETS).json()["items"])
    preview = client.post("/api/v1/routing/dry-run", json=factories.hotline_12345())
    assert preview.status_code == 200, preview.text
    assert preview.json()["lead"] == {"kind": "department", "code": "urban_management"}
    assert preview.json()["reasons"]
    assert len(client.get(TICKETS).json()["items"]) == before


def test_a_dispatcher_reroutes_by_hand_with_a_reason(client: TestClient, auth: Auth) -> None:
    ticket = _post(client, factories.hotline_12345())
    body = {
        "lead": {"kind": "department", "code": "housing_construction"},
        "assist_department_codes": ["urban_management"],
        "reason": "路灯归住建局代管",
    }
    response = client.post(f"{TICKETS}/{ticket['number']}/route", json=body)
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["assigned_unit"]["code"] == "housing_construction"
    assert [u["code"] for u in moved["assisting_units"]] == ["urban_management"]
    assert moved["version"] == ticket["version"] + 1
    event = next(e for e in reversed(moved["timeline"]) if e["kind"] != "clock_started")
    assert event["kind"] == "clock_stopped"  # the first unit's sign-for clock is cancelled
    event = next(e for e in reversed(moved["timeline"]) if e["kind"] == "rerouted")
    assert event["payload"]["reason"] == "路灯归住建局代管"
    assert event["payload"]["previous"] == {"kind": "department", "code": "urban_management"}
    assert event["actor"]["kind"] == "user"
    refused = client.post(f"{TICKETS}/{ticket['number']}/route", json=body, headers=auth["urban"])
    assert refused.status_code == 403


def test_correcting_the_category_reroutes(client: TestClient) -> None:
    ticket = _post(client, factories.hotline_12345())
    response = client.put(
        f"{TICKETS}/{ticket['number']}/category",
        json={"category_code": "0201", "reason": "实为施工噪音"},
    )
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert corrected["category"]["code"] == "0201"
    assert corrected["assigned_unit"]["code"] == "ecology_environment"
    kinds = [event["kind"] for event in corrected["timeline"]]
    assert kinds[-4:] == ["category_corrected", "routed", "clock_stopped", "clock_started"]


def test_a_signed_ticket_is_not_rerouted(client: TestClient, session: Any) -> None:
    from sqlalchemy import update

    from app.tickets.models import Ticket

    ticket = _post(client, factories.hotline_12345())
    session.execute(update(Ticket).where(Ticket.number == ticket["number"]).values(status="signed"))
    session.commit()
    response = client.post(
        f"{TICKETS}/{ticket['number']}/route", json={"by_rules": True, "reason": "x"}
    )
    assert response.status_code == 409
    assert "transfer" in response.json()["detail"]


def test_admins_edit_rules_and_keywords(client: TestClient, auth: Auth) -> None:
    admin = auth["admin"]
    bad = {
        "name": "x",
        "position": 1,
        "target": {"kind": "department", "department_code": "nobody"},
    }
    assert client.post(RULES, json=bad, headers=admin).status_code == 422
    rule = {
        "name": "路灯先由街道处置",
        "position": 1,
        "category_codes": ["01"],
        "grid_codes": [factories.COMMUNITY_CODE[:9]],
        "target": {"kind": "grid_level", "grid_level": 1},
    }
    assert client.post(RULES, json=rule, headers=auth["dispatcher"]).status_code == 403
    created = client.post(RULES, json=rule, headers=admin)
    assert created.status_code == 201, created.text
    ticket = _post(client, factories.hotline_12345(location=IN_FIRST_UNIT_GRID))
    assert ticket["assigned_unit"] == {
        "kind": "grid",
        "code": factories.COMMUNITY_CODE[:9],
        "name": ticket["assigned_unit"]["name"],
    }
    keywords = {"category_code": "0101", "keywords": ["灯杆歪斜"], "weight": 2}
    assert client.post("/api/v1/routing/keywords", json=keywords, headers=admin).status_code == 201
    classified = _post(
        client, factories.web(description="灯杆歪斜快倒了", location=IN_FIRST_UNIT_GRID)
    )
    assert classified["category"]["code"] == "0101"


@pytest.mark.parametrize(
    "target", [{"kind": "grid_level"}, {"kind": "department", "grid_level": 2}]
)
def test_rule_targets_must_be_consistent(
    client: TestClient, auth: Auth, target: dict[str, Any]
) -> None:
    rule = {"name": "x", "position": 1, "target": target}
    assert client.post(RULES, json=rule, headers=auth["admin"]).status_code == 422


@pytest.mark.parametrize("position", [2**31, 2**63], ids=["past-int32", "past-int64"])
def test_a_position_past_what_is_stored_is_a_422_naming_it(
    client: TestClient, auth: Auth, position: int
) -> None:
    rule = {"name": "x", "position": position, "target": {"kind": "grid_level", "grid_level": 1}}

    response = client.post(RULES, json=rule, headers=auth["admin"])

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["body.position"]
