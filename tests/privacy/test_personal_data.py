"""Personal data: masked for everyone, hidden from the unit on confidential reports, absent
on anonymous ones, revealed only by an audited action, never in a log."""

import io
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.privacy.masking import mask_name, mask_phone, mask_phones_in_text
from app.tickets.models import Ticket
from app.units.models import Department
from tests import factories

TICKETS = "/api/v1/tickets"
Auth = dict[str, dict[str, str]]


def _file_for_urban(client: TestClient, session: Session, auth: Auth, **fields: Any) -> str:
    """A call-centre ticket assigned to the urban management department."""
    response = client.post(
        TICKETS, json=factories.hotline_12345(**fields), headers=auth["call_centre"]
    )
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    urban = session.scalars(select(Department.id).where(Department.code == "urban_management"))
    session.execute(
        update(Ticket)
        .where(Ticket.number == number)
        .values(assigned_department_id=urban.one(), assigned_grid_id=None, status="dispatched")
    )
    session.commit()
    return number


def _detail(client: TestClient, number: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"{TICKETS}/{number}", headers=headers)
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 139-1234-5678", "139****5678"),
        ("0591-87654321", "059*****4321"),
    ],
)
def test_phone_masking(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_name_masking() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"


@pytest.mark.parametrize("viewer", ["dispatcher", "supervisor", "urban", "admin"])
def test_reporter_is_masked_for_every_viewer(
    client: TestClient, session: Session, auth: Auth, viewer: str
) -> None:
    number = _file_for_urban(client, session, auth)
    detail = _detail(client, number, auth[viewer])
    assert detail["reporter"] == {"name": "张*", "phone": "138****1234"}
    assert detail["channel_data"]["caller_number"] == "138****1234"
    assert "13812341234" not in str(detail)
    listed = client.get(TICKETS, headers=auth[viewer]).json()["items"]
    assert "13812341234" not in str(listed)


def test_confidential_reporter_is_hidden_from_the_unit_and_shown_to_the_centre(
    client: TestClient, session: Session, auth: Auth
) -> None:
    number = _file_for_urban(client, session, auth, confidential=True)
    for viewer in ("urban", "supervisor"):
        detail = _detail(client, number, auth[viewer])
        assert detail["confidential"] is True
        assert detail["reporter"] is None
        assert "caller_number" not in detail["channel_data"]
        assert "张" not in str(detail)
        assert "1234" not in str(detail["channel_data"])
    centre = _detail(client, number, auth["dispatcher"])
    assert centre["reporter"] == {"name": "张*", "phone": "138****1234"}


def test_the_tracking_code_is_for_the_centre_not_the_unit(
    client: TestClient, session: Session, auth: Auth
) -> None:
    number = _file_for_urban(client, session, auth)
    assert len(_detail(client, number, auth["dispatcher"])["tracking_code"]) == 8
    assert _detail(client, number, auth["urban"])["tracking_code"] is None


def test_revealing_is_audited_on_the_timeline_for_admins(
    client: TestClient, session: Session, auth: Auth
) -> None:
    number = _file_for_urban(client, session, auth)
    response = client.post(
        f"{TICKETS}/{number}/reporter/reveal",
        json={"reason": "回访核实处理结果"},
        headers=auth["urban"],
    )
    assert response.status_code == 200
    assert response.json() == {"name": "张三", "phone": "13812341234"}

    admin_view = _detail(client, number, auth["admin"])["timeline"]
    [audit] = [event for event in admin_view if event["kind"] == "reporter_revealed"]
    assert audit["payload"]["reason"] == "回访核实处理结果"
    assert audit["payload"]["username"] == "urban"
    assert audit["actor"]["kind"] == "user"
    assert audit["at"]
    for viewer in ("dispatcher", "supervisor", "urban"):
        kinds = {event["kind"] for event in _detail(client, number, auth[viewer])["timeline"]}
        assert "reporter_revealed" not in kinds


def test_reveal_needs_a_reason(client: TestClient, session: Session, auth: Auth) -> None:
    number = _file_for_urban(client, session, auth)
    response = client.post(
        f"{TICKETS}/{number}/reporter/reveal", json={"reason": ""}, headers=auth["dispatcher"]
    )
    assert response.status_code == 422


def test_an_anonymous_report_has_nothing_to_reveal(
    client: TestClient, session: Session, auth: Auth
) -> None:
    number = _file_for_urban(client, session, auth, anonymous=True)
    detail = _detail(client, number, auth["dispatcher"])
    assert detail["reporter"] is None
    assert "caller_number" not in detail["channel_data"]
    stored = session.scalars(select(Ticket).where(Ticket.number == number)).one()
    assert stored.reporter_phone is None
    assert stored.reporter_name is None
    response = client.post(
        f"{TICKETS}/{number}/reporter/reveal", json={"reason": "回访"}, headers=auth["dispatcher"]
    )
    assert response.status_code == 409


def test_phone_numbers_are_masked_in_log_text() -> None:
    line = 'caller 13812341234 said "call me on 0591-87654321"; ticket 20261123-000042'
    assert mask_phones_in_text(line) == (
        'caller 138****1234 said "call me on 059****4321"; ticket 20261123-000042'
    )


def test_no_full_number_reaches_a_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("app.tickets").info("callback requested by %s", "13812341234")
    logging.getLogger("some.library").warning("retrying %s", "13812341234")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s" %d', "127.0.0.1", "GET", "/x?phone=13912345678", 200
    )
    assert "13812341234" not in caplog.text
    assert "13912345678" not in caplog.text
    assert "138****1234" in caplog.text


def test_a_handler_added_after_start_gets_masked_records_too(client: TestClient) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("late.library")
    logger.propagate = False
    logger.addHandler(logging.StreamHandler(stream))
    try:
        logger.warning("sms to %s failed", "13812341234")
    finally:
        logger.handlers.clear()
    assert stream.getvalue() == "sms to 138****1234 failed\n"
