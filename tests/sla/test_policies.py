"""SLA policies: which one a ticket gets, the deadlines it sets, and administrators' edits."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests import factories

TICKETS = "/api/v1/tickets"
POLICIES = "/api/v1/sla-policies"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _clocks(ticket: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {clock["clock"]: clock for clock in ticket["clocks"]}


def _local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(SHANGHAI)


def test_a_routed_complaint_gets_the_citizens_reply_clock_and_the_units_clocks(
    client: TestClient,
) -> None:
    ticket = client.post(TICKETS, json=factories.hotline_12345()).json()
    clocks = _clocks(ticket)
    assert set(clocks) == {"reply", "sign", "return_window"}
    assert clocks["reply"]["target"] == "15wd"  # the complaint policy
    assert clocks["sign"]["target"] == "4h"
    assert clocks["return_window"]["target"] == "2wd"
    # "End of the 15th working day": at the close of office hours, on a working day.
    reply_due = _local(clocks["reply"]["due_at"])
    assert (reply_due.hour, reply_due.minute) == (18, 0)
    assert ticket["deadlines"]["reply_due_at"] == clocks["reply"]["due_at"]
    assert ticket["deadlines"]["next_due_at"] == clocks["sign"]["due_at"]


def test_an_unrouted_ticket_waits_on_the_centres_dispatch_clock(client: TestClient) -> None:
    body = factories.web(description="想咨询一下办事流程", request_type="consultation")
    ticket = client.post(TICKETS, json=body).json()
    assert ticket["status"] == "new"  # nothing to route it by
    clocks = _clocks(ticket)
    assert set(clocks) == {"dispatch", "reply"}
    assert clocks["dispatch"]["target"] == "1wd"
    assert clocks["reply"]["target"] == "5wd"  # the consultation policy


def test_an_emergency_runs_on_the_round_the_clock_calendar(client: TestClient) -> None:
    body = factories.hotline_12345(priority="emergency")
    ticket = client.post(TICKETS, json=body).json()
    reply = _clocks(ticket)["reply"]
    assert reply["target"] == "2h"
    created = datetime.fromisoformat(ticket["created_at"])
    # 24 x 7: two hours of the clock, at night and on holidays alike.
    assert datetime.fromisoformat(reply["due_at"]) - created == pytest.approx(
        timedelta(hours=2), abs=timedelta(seconds=2)
    )


def test_a_category_policy_wins_over_the_request_type_and_applies_to_new_tickets(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    body = {"name": "路灯三日", "category_code": "0101", "reply_target": "3wd"}
    created = client.post(POLICIES, json=body, headers=auth["admin"])
    assert created.status_code == 201, created.text
    assert created.json()["category_code"] == "0101"

    ticket = client.post(TICKETS, json=factories.hotline_12345(category_code="0101")).json()

    assert _clocks(ticket)["reply"]["target"] == "3wd"
    other = client.post(TICKETS, json=factories.hotline_12345(category_code="0201")).json()
    assert _clocks(other)["reply"]["target"] == "15wd"


def test_a_group_policy_covers_its_categories(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    body = {"name": "市政设施", "category_code": "01", "reply_target": "4wd"}
    assert client.post(POLICIES, json=body, headers=auth["admin"]).status_code == 201
    ticket = client.post(TICKETS, json=factories.hotline_12345(category_code="0102")).json()
    assert _clocks(ticket)["reply"]["target"] == "4wd"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reply_target": "7 days"}, "reply_target"),
        ({"reply_target": "0h"}, "reply_target"),
        ({"reply_target": "500wd"}, "reply_target"),
        ({"category_code": "9999"}, "category_code"),
        ({"calendar_code": "lunar"}, "calendar_code"),
        ({"warn_ratio": 1.5}, "warn_ratio"),
    ],
)
def test_a_policy_that_makes_no_sense_is_refused_with_the_field(
    client: TestClient, auth: dict[str, dict[str, str]], change: dict[str, Any], field: str
) -> None:
    body = {"name": "坏的", "reply_target": "3wd"} | change
    response = client.post(POLICIES, json=body, headers=auth["admin"])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.text


def test_a_policy_without_any_limit_is_refused(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.post(POLICIES, json={"name": "空的"}, headers=auth["admin"])
    assert response.status_code == 422


def test_a_policy_in_use_is_disabled_not_deleted(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    policies = client.get(POLICIES, headers=auth["admin"]).json()
    complaint = next(policy for policy in policies if policy["name"] == "complaint")
    client.post(TICKETS, json=factories.hotline_12345())

    refused = client.delete(f"{POLICIES}/{complaint['id']}", headers=auth["admin"])
    assert refused.status_code == 409
    body = {key: complaint[key] for key in ("name", "request_type", "reply_target")}
    disabled = client.put(
        f"{POLICIES}/{complaint['id']}", json=body | {"enabled": False}, headers=auth["admin"]
    )
    assert disabled.status_code == 200
    ticket = client.post(TICKETS, json=factories.hotline_12345()).json()
    assert _clocks(ticket)["reply"]["target"] == "7wd"  # back to the general policy


def test_two_policies_cannot_share_a_name(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.post(
        POLICIES, json={"name": "general", "reply_target": "1wd"}, headers=auth["admin"]
    )
    assert response.status_code == 409
