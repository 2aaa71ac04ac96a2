"""The dispatcher's queue: filters, order and keyset pages."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.tickets.models import Ticket
from app.tickets.pagination import Cursor, SortOrder
from app.units.models import Department, Grid
from tests import factories

TICKETS = "/api/v1/tickets"


def _post(client: TestClient, body: dict[str, Any]) -> str:
    response = client.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def _numbers(client: TestClient, **params: Any) -> list[str]:
    response = client.get(TICKETS, params=params)
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]


def _set(session: Session, number: str, **values: Any) -> None:
    session.execute(update(Ticket).where(Ticket.number == number).values(**values))
    session.commit()


@pytest.fixture
def mixed_queue(client: TestClient) -> dict[str, str]:
    return {
        "light": _post(client, factories.hotline_12345(description="路灯坏了")),
        "noise": _post(
            client, factories.minsheng_110(category_code="0201", description="夜间施工噪音扰民")
        ),
        "qr": _post(client, factories.qr_code()),
        "patrol": _post(client, factories.grid_patrol(priority="urgent")),
        "web": _post(client, factories.web()),
    }


def test_newest_first_by_default(client: TestClient, mixed_queue: dict[str, str]) -> None:
    assert _numbers(client) == sorted(mixed_queue.values(), reverse=True)


def test_filter_by_channel_and_several_values(
    client: TestClient, mixed_queue: dict[str, str]
) -> None:
    assert _numbers(client, channel="qr_code") == [mixed_queue["qr"]]
    both = _numbers(client, channel=["qr_code", "web"])
    assert set(both) == {mixed_queue["qr"], mixed_queue["web"]}


def test_filter_by_request_type_and_priority(
    client: TestClient, mixed_queue: dict[str, str]
) -> None:
    assert _numbers(client, request_type="suggestion") == [mixed_queue["web"]]
    assert _numbers(client, priority="urgent") == [mixed_queue["patrol"]]


def test_filter_by_category_and_by_its_group(
    client: TestClient, mixed_queue: dict[str, str]
) -> None:
    assert _numbers(client, category="0101") == [mixed_queue["light"]]
    assert _numbers(client, category="02") == [mixed_queue["noise"]]


def test_filter_by_grid_includes_everything_below(
    client: TestClient, mixed_queue: dict[str, str]
) -> None:
    street_code = factories.COMMUNITY_CODE[:9]
    in_street = set(_numbers(client, grid=street_code))
    # The calls' points lie in this street too; the web form has no place at all.
    located = {mixed_queue[name] for name in ("light", "noise", "qr", "patrol")}
    assert in_street == located
    in_unit_grid = set(_numbers(client, grid=factories.UNIT_GRID_CODE))
    assert mixed_queue["patrol"] in in_unit_grid
    assert mixed_queue["qr"] not in in_unit_grid  # located only to its community


def test_filter_by_status_and_assigned_unit(
    client: TestClient, session: Session, mixed_queue: dict[str, str]
) -> None:
    for number in mixed_queue.values():  # undo intake's routing, to place them by hand
        _set(session, number, status="new", assigned_department_id=None, assigned_grid_id=None)
    department = session.scalars(select(Department).where(Department.code == "urban_management"))
    grid = session.scalars(select(Grid).where(Grid.code == factories.UNIT_GRID_CODE)).one()
    _set(
        session,
        mixed_queue["light"],
        status="dispatched",
        assigned_department_id=department.one().id,
        assigned_grid_id=None,
    )
    _set(
        session,
        mixed_queue["patrol"],
        status="dispatched",
        assigned_grid_id=grid.id,
        assigned_department_id=None,
    )
    assert set(_numbers(client, status="dispatched")) == {
        mixed_queue["light"],
        mixed_queue["patrol"],
    }
    assert _numbers(client, assigned_department="urban_management") == [mixed_queue["light"]]
    assert _numbers(client, assigned_grid=factories.UNIT_GRID_CODE) == [mixed_queue["patrol"]]
    detail = client.get(f"{TICKETS}/{mixed_queue['light']}").json()
    assert detail["assigned_unit"] == {
        "kind": "department",
        "code": "urban_management",
        "name": "城市管理局",
    }


def test_text_search_in_title_and_description(
    client: TestClient, mixed_queue: dict[str, str]
) -> None:
    assert _numbers(client, q="噪音") == [mixed_queue["noise"]]
    assert _numbers(client, q="100%_") == []  # LIKE wildcards are taken literally


def test_created_between(client: TestClient, session: Session, mixed_queue: dict[str, str]) -> None:
    last_week = utc_now() - timedelta(days=7)
    _set(session, mixed_queue["web"], created_at=last_week)
    since = (utc_now() - timedelta(days=1)).isoformat()
    assert mixed_queue["web"] not in _numbers(client, created_from=since)
    assert _numbers(client, created_to=since) == [mixed_queue["web"]]


def test_created_between_dates_takes_whole_days_of_the_city(
    client: TestClient, session: Session, mixed_queue: dict[str, str]
) -> None:
    # 2026-12-06 in Beijing runs from 2026-12-05T16:00Z to 2026-12-06T16:00Z.
    _set(session, mixed_queue["web"], created_at=datetime(2026, 12, 5, 16, 30, tzinfo=UTC))
    _set(session, mixed_queue["qr"], created_at=datetime(2026, 12, 6, 15, 59, tzinfo=UTC))
    _set(session, mixed_queue["light"], created_at=datetime(2026, 12, 5, 15, 59, tzinfo=UTC))
    _set(session, mixed_queue["noise"], created_at=datetime(2026, 12, 6, 16, 0, tzinfo=UTC))

    that_day = _numbers(client, created_from="2026-12-06", created_to="2026-12-06")

    assert set(that_day) == {mixed_queue["web"], mixed_queue["qr"]}


def test_urged_tickets_and_a_total_count(
    client: TestClient, session: Session, mixed_queue: dict[str, str]
) -> None:
    _set(session, mixed_queue["noise"], urge_count=2)

    urged = client.get(TICKETS, params={"urged": "true", "count": "exact"}).json()
    not_urged = client.get(TICKETS, params={"urged": "false", "count": "exact"}).json()

    assert [item["number"] for item in urged["items"]] == [mixed_queue["noise"]]
    assert (urged["count"], urged["count_is_estimate"]) == (1, False)
    assert not_urged["count"] == len(mixed_queue) - 1
    assert mixed_queue["noise"] not in [item["number"] for item in not_urged["items"]]


def test_overdue_and_due_soonest(
    client: TestClient, session: Session, mixed_queue: dict[str, str]
) -> None:
    now = utc_now()
    _set(session, mixed_queue["qr"], reply_due_at=now - timedelta(hours=1))
    _set(session, mixed_queue["light"], reply_due_at=now + timedelta(hours=1))
    _set(session, mixed_queue["web"], reply_due_at=now - timedelta(hours=2), status="closed")
    assert _numbers(client, overdue="true") == [mixed_queue["qr"]]
    assert mixed_queue["qr"] not in _numbers(client, overdue="false")
    ordered = _numbers(client, sort="due_soonest")
    assert ordered[:3] == [mixed_queue["web"], mixed_queue["qr"], mixed_queue["light"]]
    assert set(ordered[3:]) == {mixed_queue["noise"], mixed_queue["patrol"]}


@pytest.mark.parametrize("sort", ["newest", "due_soonest"])
def test_keyset_pages_cover_the_queue_once(client: TestClient, session: Session, sort: str) -> None:
    numbers = [_post(client, factories.web()) for _ in range(7)]
    for offset, number in enumerate(numbers[:4]):  # some with deadlines, some without
        _set(session, number, reply_due_at=utc_now() + timedelta(hours=offset))
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"sort": sort, "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get(TICKETS, params=params).json()
        seen += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(numbers)
    assert len(seen) == len(set(seen))


def test_a_page_is_not_disturbed_by_new_tickets(client: TestClient) -> None:
    first_batch = [_post(client, factories.web()) for _ in range(4)]
    page = client.get(TICKETS, params={"limit": 2}).json()
    _post(client, factories.web())  # arrives between two pages
    rest = client.get(TICKETS, params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [item["number"] for item in rest["items"]] == sorted(first_batch, reverse=True)[2:4]


def test_bad_cursor_is_a_400_problem(client: TestClient) -> None:
    response = client.get(TICKETS, params={"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    newest_cursor = _newest_cursor(client)
    other_sort = client.get(TICKETS, params={"cursor": newest_cursor, "sort": "due_soonest"})
    assert other_sort.status_code == 400
    # An instant without its zone is none this API gives out, and none to compare with.
    naive = Cursor(SortOrder.NEWEST, 1, datetime(2026, 1, 1), None).encode()
    response = client.get(TICKETS, params={"cursor": naive, "created_to": "2026-02-01"})
    assert response.status_code == 400


def _newest_cursor(client: TestClient) -> str:
    for _ in range(2):
        _post(client, factories.web())
    cursor: str = client.get(TICKETS, params={"limit": 1}).json()["next_cursor"]
    return cursor


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"limit": 0},
        {"limit": 1000},
        {"sort": "oldest"},
        {"colour": "red"},
        {"created_from": "2026-11-23T00:00:00"},  # no time zone
        {"created_from": "2026-11-23T08:00"},
        {"created_to": "23/11/2026"},
    ],
)
def test_bad_query_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get(TICKETS, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "params", [{"category": "9999"}, {"grid": "1"}, {"assigned_department": "nobody"}]
)
def test_unknown_codes_in_filters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get(TICKETS, params=params)
    assert response.status_code == 422
    assert response.json()["field"]
