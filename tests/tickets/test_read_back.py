"""Integration read-back: a key reads the tickets its channels filed, status, unit, clocks,
the reply and the public timeline, and nothing else (404 as for staff)."""

from typing import Any

from fastapi.testclient import TestClient

from tests import factories
from tests.workflow.helpers import VAGUE

TICKETS = "/api/v1/tickets"


def _file(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    response = client.post(TICKETS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def test_a_key_reads_back_the_ticket_it_filed_with_the_reply_and_public_timeline(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    call_centre, dispatcher = auth["call_centre"], auth["dispatcher"]
    unrouted = factories.hotline_12345(
        category_code=None, request_type="consultation", description=VAGUE, location=None
    )
    number = _file(anonymous, call_centre, unrouted)
    reply = anonymous.post(
        f"{TICKETS}/{number}/answer-at-once", json={"reply": "已告知维修电话"}, headers=call_centre
    )
    assert reply.status_code == 200, reply.text
    anonymous.post(f"{TICKETS}/{number}/urge", json={"note": "内部备注"}, headers=dispatcher)

    response = anonymous.get(f"{TICKETS}/{number}", headers=call_centre)

    assert response.status_code == 200, response.text
    ticket = response.json()
    assert ticket["status"] == "replied"
    assert ticket["reply"] == "已告知维修电话"
    assert ticket["reporter"] == {"name": "张*", "phone": "138****1234"}
    assert ticket["tracking_code"] is not None
    assert response.headers["ETag"] == f'"{ticket["version"]}"'
    # The public timeline: what happened and when; no staff, no notes, no urging.
    kinds = [event["kind"] for event in ticket["timeline"]]
    assert kinds[0] == "received"
    assert "answered_at_once" in kinds
    assert "urged" not in kinds
    assert all(event["payload"] == {} for event in ticket["timeline"])
    assert all(event["actor"]["ref"] is None for event in ticket["timeline"])


def test_a_key_reads_unit_and_clocks_of_a_routed_ticket(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    number = _file(anonymous, auth["call_centre"], factories.hotline_12345())

    ticket = anonymous.get(f"{TICKETS}/{number}", headers=auth["call_centre"]).json()

    assert ticket["status"] == "dispatched"
    assert ticket["assigned_unit"] is not None
    assert {clock["clock"] for clock in ticket["clocks"]} >= {"reply", "sign"}


def test_another_channels_ticket_is_404_as_one_never_filed(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    number = _file(anonymous, auth["call_centre"], factories.hotline_12345())

    for key in ("citizen_app", "grid_app"):
        response = anonymous.get(f"{TICKETS}/{number}", headers=auth[key])
        never = anonymous.get(f"{TICKETS}/19990101-000001", headers=auth[key])
        assert response.status_code == never.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_the_list_holds_only_the_keys_own_channels(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    call = _file(anonymous, auth["call_centre"], factories.hotline_12345())
    m110 = _file(anonymous, auth["call_centre"], factories.minsheng_110())
    web = _file(anonymous, auth["citizen_app"], factories.web())

    def numbers(key: str) -> set[str]:
        response = anonymous.get(TICKETS, params={"limit": 100}, headers=auth[key])
        assert response.status_code == 200, response.text
        return {item["number"] for item in response.json()["items"]}

    assert {call, m110} <= numbers("call_centre")
    assert web not in numbers("call_centre")
    assert web in numbers("citizen_app")
    assert not {call, m110} & numbers("citizen_app")
    assert not {call, m110, web} & numbers("grid_app")
    # The queue's filters work on the key's own tickets too.
    only_110 = anonymous.get(
        TICKETS, params={"channel": "minsheng_110"}, headers=auth["call_centre"]
    ).json()["items"]
    assert m110 in {item["number"] for item in only_110}
    assert {item["channel"] for item in only_110} == {"minsheng_110"}
