"""The timeline names who acted for staff; the citizen's own view names no one."""

from fastapi.testclient import TestClient

from tests import factories

TICKETS = "/api/v1/tickets"
Auth = dict[str, dict[str, str]]


def test_staff_read_actors_by_name_role_and_unit(client: TestClient, auth: Auth) -> None:
    filed = client.post(TICKETS, json=factories.hotline_12345(), headers=auth["call_centre"])
    number = filed.json()["number"]
    signed = client.post(f"{TICKETS}/{number}/sign", json={}, headers=auth["urban"])
    assert signed.status_code == 200, signed.text

    timeline = client.get(f"{TICKETS}/{number}", headers=auth["supervisor"]).json()["timeline"]

    received = next(event for event in timeline if event["kind"] == "received")
    assert received["actor"]["name"] == "12345 and Minsheng 110 call centre (demo)"
    assert received["actor"]["role"] is None
    sign = next(event for event in timeline if event["kind"] == "signed")
    assert sign["actor"] | {"ref": None} == {
        "kind": "user",
        "ref": None,
        "name": "城市管理局承办人",
        "role": "unit_handler",
        "unit": {"kind": "department", "code": "urban_management", "name": "城市管理局"},
    }
    routed = next(event for event in timeline if event["kind"] == "routed")
    assert routed["actor"] == {
        "kind": "system",
        "ref": None,
        "name": None,
        "role": None,
        "unit": None,
    }


def test_the_citizens_own_view_names_no_staff(
    client: TestClient, anonymous: TestClient, auth: Auth
) -> None:
    filed = client.post(TICKETS, json=factories.hotline_12345(), headers=auth["call_centre"]).json()
    client.post(f"{TICKETS}/{filed['number']}/sign", json={}, headers=auth["urban"])

    lookup = {"number": filed["number"], "tracking_code": filed["tracking_code"]}
    response = anonymous.post("/api/v1/public/tickets/lookup", json=lookup, headers={})

    assert response.status_code == 200, response.text
    assert "城市管理局承办人" not in response.text
    assert "unit_handler" not in response.text
    assert "call centre (demo)" not in response.text
