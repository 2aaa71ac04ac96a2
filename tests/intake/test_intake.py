"""Intake from every channel into the one queue, and the answers to bad input."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import factories

TICKETS = "/api/v1/tickets"


def _post(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _queue_size(client: TestClient) -> int:
    return len(client.get(TICKETS, params={"limit": 200}).json()["items"])


def _assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("https://")
    assert problem["title"]
    assert problem["detail"]
    return problem


def test_hotline_call_becomes_a_ticket_with_its_call_details(client: TestClient) -> None:
    body = factories.hotline_12345()
    ticket = _post(client, body)

    assert ticket["channel"] == "hotline_12345"
    assert ticket["external_id"] == body["external_id"]
    assert ticket["status"] == "dispatched"  # street lights: urban management, at once
    assert ticket["assigned_unit"] == {
        "kind": "department",
        "code": "urban_management",
        "name": "城市管理局",
    }
    assert ticket["category"] == {"code": "0101", "name": "路灯损坏"}
    assert ticket["priority"] == "normal"  # the category's default
    assert ticket["title"] == "小区门口路灯不亮已经三天了，晚上出行很不方便。"[:40]
    assert ticket["reporter"] == {"name": "张*", "phone": "138****1234"}  # masked
    assert ticket["channel_data"]["caller_number"] == "138****1234"
    assert ticket["channel_data"]["agent_id"] == "agent-07"
    assert ticket["channel_data"]["recording_ref"] == "rec/2026/11/23/0915-0007.wav"
    assert ticket["channel_data"]["call_started_at"] == "2026-11-23T09:15:00+08:00"
    assert ticket["version"] == 1
    assert ticket["created_at"].endswith("Z")


def test_ticket_numbers_are_readable_sortable_and_unique(client: TestClient) -> None:
    numbers = [_post(client, factories.web())["number"] for _ in range(3)]
    assert len(set(numbers)) == 3
    assert numbers == sorted(numbers)
    day, sequence = numbers[0].split("-")
    assert len(day) == 8
    assert day.isdigit()
    assert len(sequence) == 6
    assert sequence.isdigit()


def test_gcj02_point_is_converted_and_the_sent_point_kept(client: TestClient) -> None:
    ticket = _post(client, factories.hotline_12345())
    location = ticket["location"]
    assert location["source"] == {"lat": 27.33, "lon": 118.12, "crs": "gcj02"}
    # GCJ-02 is offset by a few hundred metres from WGS-84 here.
    assert 0.002 < abs(location["lat"] - 27.33) + abs(location["lon"] - 118.12) < 0.01


def test_minsheng_110_keeps_the_110_incident_number(client: TestClient) -> None:
    ticket = _post(client, factories.minsheng_110())
    assert ticket["channel"] == "minsheng_110"
    assert ticket["channel_data"]["incident_110_number"] == "110-20261123-0042"


def test_qr_code_report_lands_in_the_posters_community(client: TestClient) -> None:
    ticket = _post(client, factories.qr_code())
    assert ticket["community_code"] == factories.COMMUNITY_CODE
    assert ticket["grid"]["code"] == factories.COMMUNITY_CODE
    assert ticket["grid"]["level"] == 2


def test_grid_patrol_lands_in_the_workers_grid(client: TestClient) -> None:
    ticket = _post(client, factories.grid_patrol())
    assert ticket["grid"]["code"] == factories.UNIT_GRID_CODE
    assert ticket["grid"]["level"] == 3
    assert ticket["channel_data"] == {"worker_id": "gw-0042"}


def test_web_form_with_explicit_title_and_priority(client: TestClient) -> None:
    ticket = _post(client, factories.web(title="健身器材", priority="urgent"))
    assert ticket["title"] == "健身器材"
    assert ticket["priority"] == "urgent"
    assert ticket["request_type"] == "suggestion"


def test_anonymous_report_keeps_no_identity(client: TestClient) -> None:
    ticket = _post(client, factories.hotline_12345(anonymous=True))
    assert ticket["anonymous"] is True
    assert ticket["reporter"] is None
    assert "caller_number" not in ticket["channel_data"]
    detail = client.get(f"{TICKETS}/{ticket['number']}").json()
    assert "13812341234" not in str(detail)


def test_caller_number_is_the_reporter_phone_when_none_given(client: TestClient) -> None:
    ticket = _post(client, factories.hotline_12345(reporter=None))
    assert ticket["reporter"] == {"name": None, "phone": "138****1234"}


def test_every_channel_lands_in_one_queue(client: TestClient) -> None:
    for body in (
        factories.hotline_12345(),
        factories.minsheng_110(),
        factories.qr_code(),
        factories.grid_patrol(),
        factories.web(),
    ):
        _post(client, body)
    channels = {item["channel"] for item in client.get(TICKETS).json()["items"]}
    assert channels == {"hotline_12345", "minsheng_110", "qr_code", "grid_patrol", "web"}


def _timeline(client: TestClient, number: str) -> list[dict[str, Any]]:
    """The ticket's timeline, but for the warning that a deadline falls in a year the
    calendar does not cover yet (late in a year, the next one)."""
    detail = client.get(f"{TICKETS}/{number}").json()
    assert detail["number"] == number
    return [event for event in detail["timeline"] if event["kind"] != "calendar_not_covered"]


def test_the_detail_shows_the_received_event(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.post(TICKETS, json=factories.hotline_12345(), headers=auth["call_centre"])
    ticket = response.json()
    event, routed, clocks = _timeline(client, ticket["number"])
    assert routed["kind"] == "routed"
    assert clocks["kind"] == "clock_started"
    assert [clock["clock"] for clock in clocks["payload"]["clocks"]] == [
        "reply",
        "sign",
        "return_window",
    ]
    assert event["kind"] == "received"
    assert event["channel"] == "hotline_12345"
    assert event["actor"]["kind"] == "client"
    assert event["actor"]["ref"].startswith("client:")
    assert event["payload"]["external_id"] == ticket["external_id"]
    assert event["payload"]["location_source"] == "client"


def test_reposting_a_call_returns_the_first_ticket_and_creates_nothing(client: TestClient) -> None:
    body = factories.hotline_12345()
    first = client.post(TICKETS, json=body)
    again = client.post(TICKETS, json=body)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert _queue_size(client) == 1
    timeline = _timeline(client, first.json()["number"])
    assert [event["kind"] for event in timeline] == ["received", "routed", "clock_started"]


def test_same_external_id_on_another_channel_is_another_ticket(client: TestClient) -> None:
    first = _post(client, factories.hotline_12345(external_id="CALL-1"))
    second = _post(client, factories.minsheng_110(external_id="CALL-1"))
    assert first["number"] != second["number"]


def test_unknown_ticket_number_is_404(client: TestClient) -> None:
    _assert_problem(client.get(f"{TICKETS}/20990101-000001"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (factories.hotline_12345(category_code="9999"), "category_code"),
        (factories.qr_code(community_code="000000000000"), "community_code"),
        (factories.grid_patrol(grid_code="000000000000000"), "grid_code"),
        # A community code is not a unit grid code.
        (factories.grid_patrol(grid_code=factories.COMMUNITY_CODE), "grid_code"),
        (factories.web(photos=["a" * 64]), "photos"),
    ],
)
def test_unknown_codes_are_422_and_write_nothing(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    problem = _assert_problem(client.post(TICKETS, json=body), 422)
    assert problem["field"] == field
    assert _queue_size(client) == 0


def _validation_problem(client: TestClient, body: Any) -> dict[str, Any]:
    problem = _assert_problem(client.post(TICKETS, json=body), 422)
    assert problem["errors"], problem
    assert _queue_size(client) == 0
    return problem


def test_unknown_channel_names_the_accepted_channels(client: TestClient) -> None:
    problem = _validation_problem(client, factories.web(channel="fax"))
    assert "hotline_12345" in problem["detail"]
    assert "fax" in problem["detail"]


def test_a_caller_without_credentials_is_told_so_before_anything_about_the_body(
    anonymous: TestClient,
) -> None:
    response = anonymous.post(TICKETS, json={"channel": "fax", "title": 7})

    assert "X-API-Key" in _assert_problem(response, 401)["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_fields_are_refused(client: TestClient) -> None:
    problem = _validation_problem(client, factories.web(colour="red"))
    assert problem["errors"][0]["field"].endswith("colour")


def test_nul_characters_are_refused(client: TestClient) -> None:
    problem = _validation_problem(client, factories.web(description="路灯\x00坏了"))
    assert "NUL" in problem["detail"]


def test_overlong_text_is_refused(client: TestClient) -> None:
    problem = _validation_problem(client, factories.web(description="长" * 4001))
    assert "description" in problem["errors"][0]["field"]


@pytest.mark.parametrize(
    "location",
    [{"lat": 91, "lon": 118}, {"lat": 27, "lon": -181}, {"lat": 27, "lon": 118, "crs": "utm"}],
)
def test_coordinates_out_of_range_are_refused(client: TestClient, location: dict[str, Any]) -> None:
    problem = _validation_problem(client, factories.web(location=location))
    assert "location" in problem["errors"][0]["field"]


def test_wrong_types_are_refused(client: TestClient) -> None:
    problem = _validation_problem(client, factories.web(anonymous="perhaps", description=42))
    fields = {error["field"] for error in problem["errors"]}
    assert any(field.endswith("anonymous") for field in fields)
    assert any(field.endswith("description") for field in fields)


def test_hotline_call_needs_its_call_id_and_call_details(client: TestClient) -> None:
    body = factories.hotline_12345()
    del body["external_id"], body["call"]
    problem = _validation_problem(client, body)
    fields = {error["field"].split(".")[-1] for error in problem["errors"]}
    assert {"external_id", "call"} <= fields


def test_call_start_without_a_time_zone_is_refused(client: TestClient) -> None:
    body = factories.hotline_12345(call=factories.call(started_at="2026-11-23T09:15:00"))
    _validation_problem(client, body)


def test_malformed_json_is_a_problem_not_a_crash(client: TestClient) -> None:
    response = client.post(
        TICKETS, content=b'{"channel": "web", ', headers={"content-type": "application/json"}
    )
    _assert_problem(response, 400)
    assert "not valid JSON" in response.json()["detail"]


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    body = factories.web(description="x" * 2_000_000)
    _assert_problem(client.post(TICKETS, json=body), 413)
    assert _queue_size(client) == 0


def test_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Any:
        yield b'{"channel": "web", "description": "'
        for _ in range(40):
            yield b"x" * 50_000
        yield b'"}'

    response = client.post(TICKETS, content=chunks(), headers={"content-type": "application/json"})
    _assert_problem(response, 413)
