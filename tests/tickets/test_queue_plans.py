"""Every screen of the queue reads through an index, on both databases: its cost must not
grow with the queue (a year of a large city is ten million tickets)."""

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.clock import utc_now
from app.identity.principal import StaffPrincipal
from app.identity.roles import Role
from app.tickets import search, service
from app.tickets.models import OPEN_TICKETS_SQL
from app.tickets.pagination import Cursor, SortOrder
from app.tickets.service import TicketFilters
from app.units.models import Department
from app.vocabulary import OPEN_STATUSES
from tests import factories
from tests.planner import ticket_statistics

MONTH_AGO = utc_now() - timedelta(days=30)
OPEN_AT_UNIT = ("dispatched", "signed")

# What ANALYZE gathered on `python -m bench queue`'s million tickets (SQLite): the planner
# chooses among the indexes as it would on a city's year.
MILLION_TICKETS = {
    "ix_ticket_assigned_department_id_status": "1000000 76924 12659 1",
    "ix_ticket_assigned_grid_id_status": "1000000 3323 581 1",
    "ix_ticket_category_id_created_at": "1000000 20000 1",
    "ix_ticket_channel_created_at": "1000000 166667 1",
    "ix_ticket_created_at_id": "1000000 1 1",
    "ix_ticket_geo_cell_created_at": "1000000 332 1 1 1 1",
    "ix_ticket_grid_id": "1000000 3334",
    "ix_ticket_next_due_at_id": "1000000 17 1",
    "ix_ticket_open_reply_due_at": "82200 1 1",
    "ix_ticket_reply_due_at_id": "1000000 1 1",
    "ix_ticket_reporter_phone_created_at": "1000000 2 1",
    "ix_ticket_status_created_at": "1000000 142858 1",
    "ix_ticket_supervised_created_at": "20000 1 1",
    "sqlite_autoindex_ticket_1": "1000000 166667 166667",
    "sqlite_autoindex_ticket_2": "1000000 1",
}

# What the service's own ANALYZE gathers there: sampled (`PRAGMA analysis_limit`, as the
# hourly `PRAGMA optimize` runs it), every status, unit or channel looks like a thousand
# tickets, and the open tickets' index like the largest of all.
SAMPLED_MILLION_TICKETS = {
    "ix_ticket_assigned_department_id_status": "522450 1001 1001 1",
    "ix_ticket_assigned_grid_id_status": "453024 667 286 1",
    "ix_ticket_category_id_created_at": "475200 1001 1",
    "ix_ticket_channel_created_at": "684298 1001 1",
    "ix_ticket_created_at_id": "435072 1 1",
    "ix_ticket_geo_cell_created_at": "1189500 59 1 1 1 1",
    "ix_ticket_grid_id": "1241856 1001",
    "ix_ticket_next_due_at_id": "1704516 2 1",
    "ix_ticket_open_reply_due_at": "80990 1 1",
    "ix_ticket_reply_due_at_id": "405072 1 1",
    "ix_ticket_reporter_phone_created_at": "765440 3 1",
    "ix_ticket_status_created_at": "489600 1001 1",
    "ix_ticket_supervised_created_at": "10450 1 1",
    "sqlite_autoindex_ticket_1": "1045980 1001 1001",
    "sqlite_autoindex_ticket_2": "911878 1",
}

# Each screen: its filters and order, and the indexes that may serve it on SQLite (with the
# statistics above). A walk of the created_at index newest first serves a filter that a
# fair share of tickets meet: a page is found within a few thousand index entries.
SCREENS: dict[str, tuple[TicketFilters, SortOrder, set[str]]] = {
    "newest": (TicketFilters(), SortOrder.NEWEST, {"ix_ticket_created_at_id"}),
    "status+unit+due": (
        TicketFilters(statuses=OPEN_AT_UNIT, assigned_department_code="urban_management"),
        SortOrder.DUE_SOONEST,
        {"ix_ticket_open_reply_due_at", "ix_ticket_assigned_department_id_status"},
    ),
    "status+due": (
        TicketFilters(statuses=OPEN_AT_UNIT),
        SortOrder.DUE_SOONEST,
        {"ix_ticket_open_reply_due_at"},
    ),
    "next_due": (TicketFilters(), SortOrder.NEXT_DUE, {"ix_ticket_next_due_at_id"}),
    "status": (
        TicketFilters(statuses=("closed",)),
        SortOrder.NEWEST,
        {"ix_ticket_status_created_at"},
    ),
    "group+period": (
        TicketFilters(category_code="01", created_from=MONTH_AGO),
        SortOrder.NEWEST,
        {"ix_ticket_category_id_created_at", "ix_ticket_created_at_id"},
    ),
    "category+period": (
        TicketFilters(category_code="0101", created_from=MONTH_AGO),
        SortOrder.NEWEST,
        {"ix_ticket_category_id_created_at", "ix_ticket_created_at_id"},
    ),
    "grid+status": (
        TicketFilters(grid_code=factories.COMMUNITY_CODE[:9], statuses=("signed",)),
        SortOrder.NEWEST,
        {"ix_ticket_status_created_at", "ix_ticket_grid_id"},
    ),
    "assigned_grid+status": (
        TicketFilters(assigned_grid_code=factories.UNIT_GRID_CODE, statuses=("signed",)),
        SortOrder.NEWEST,
        {"ix_ticket_assigned_grid_id_status"},
    ),
    "overdue": (TicketFilters(overdue=True), SortOrder.NEWEST, {"ix_ticket_created_at_id"}),
    "overdue+due": (
        TicketFilters(overdue=True),
        SortOrder.DUE_SOONEST,
        {"ix_ticket_open_reply_due_at"},
    ),
    "channel+priority": (
        TicketFilters(channels=("minsheng_110",), priorities=("urgent",)),
        SortOrder.NEWEST,
        {"ix_ticket_channel_created_at"},
    ),
    "request_type": (
        TicketFilters(request_types=("report",)),
        SortOrder.NEWEST,
        {"ix_ticket_created_at_id"},
    ),
    "supervised": (
        TicketFilters(supervised=True),
        SortOrder.NEWEST,
        {"ix_ticket_supervised_created_at"},
    ),
    "created_to": (
        TicketFilters(created_to=MONTH_AGO),
        SortOrder.NEWEST,
        {"ix_ticket_created_at_id"},
    ),
    "text": (
        TicketFilters(text="建安大道88号"),
        SortOrder.NEWEST,
        {"ticket_search VIRTUAL TABLE INDEX 0:M"},
    ),
    "text+status": (
        TicketFilters(text="建安大道88号", statuses=("signed",)),
        SortOrder.NEWEST,
        {"ticket_search VIRTUAL TABLE INDEX 0:M"},
    ),
}
# Screens whose filter an index can search (not only walk): on PostgreSQL, each is
# planned with nothing but bitmap scans allowed, which need an index that serves the
# filter, so the plan does not depend on what autovacuum last saw of a tiny table.
WALKED_ONLY = {"newest", "next_due", "request_type"}
FILTERED = [name for name in SCREENS if name not in WALKED_ONLY]


def _viewer(session: Session, who: str) -> StaffPrincipal:
    if who == "dispatcher":
        return StaffPrincipal(1, "dispatcher", Role.DISPATCHER)
    department = session.scalars(
        select(Department.id).where(Department.code == "urban_management")
    ).one()
    return StaffPrincipal(2, "urban", Role.UNIT_HANDLER, department_id=department)


def _list_statement(
    session: Session,
    screen: str,
    who: str,
    filters: TicketFilters | None = None,
    cursor: Cursor | None = None,
) -> tuple[str, Any]:
    """The page's query (its first SELECT of tickets), as the queue sends it."""
    screen_filters, sort, _ = SCREENS.get(screen, (TicketFilters(), SortOrder.NEWEST, set()))
    filters = filters or screen_filters
    sent: list[tuple[str, Any]] = []

    def capture(*arguments: Any) -> None:
        sent.append((arguments[2], arguments[3]))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", capture)
    try:
        service.list_tickets(session, _viewer(session, who), filters, sort, 50, cursor)
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    return next((sql, p) for sql, p in sent if "ticket.number" in sql and "FROM ticket" in sql)


@pytest.fixture
def sqlite_only(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's planner, with a million tickets' statistics")


@pytest.fixture
def postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's planner")


@pytest.mark.parametrize("who", ["dispatcher", "unit"])
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.usefixtures("sqlite_only")
def test_each_screen_reads_an_index_on_sqlite(session: Session, screen: str, who: str) -> None:
    statement, parameters = _list_statement(session, screen, who)
    connection = session.connection()
    with ticket_statistics(connection, MILLION_TICKETS):
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    plan = " | ".join(str(row[-1]) for row in rows)
    assert not re.search(r"SCAN ticket( |$)(?!USING)", plan), plan  # no read of every ticket
    served_by = SCREENS[screen][2]
    assert any(index in plan for index in served_by), plan


# The screens whose page SQLite is told to read through an index (service._sqlite_index_hint),
# as the sampled statistics lead it to read a status's tickets and sort them.
NAMED_INDEX = {
    "status+due": "ix_ticket_open_reply_due_at",
    "overdue+due": "ix_ticket_open_reply_due_at",
    "overdue": "ix_ticket_created_at_id",
    "group+period": "ix_ticket_created_at_id",
}


@pytest.mark.parametrize("who", ["dispatcher", "unit"])
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.usefixtures("sqlite_only")
def test_each_screen_reads_an_index_under_sampled_statistics_on_sqlite(
    session: Session, screen: str, who: str
) -> None:
    statement, parameters = _list_statement(session, screen, who)
    connection = session.connection()
    with ticket_statistics(connection, SAMPLED_MILLION_TICKETS):
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    plan = " | ".join(str(row[-1]) for row in rows)
    assert not re.search(r"SCAN ticket( |$)(?!USING)", plan), plan
    if screen in NAMED_INDEX:  # in the page's order: nothing sorted
        assert f"ticket USING INDEX {NAMED_INDEX[screen]}" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert any(index in plan for index in SCREENS[screen][2]), plan


@pytest.mark.parametrize("who", ["dispatcher", "unit"])
@pytest.mark.parametrize("screen", FILTERED)
@pytest.mark.usefixtures("postgresql_only")
def test_each_filter_is_searched_through_an_index_on_postgresql(
    session: Session, screen: str, who: str
) -> None:
    statement, parameters = _list_statement(session, screen, who)
    connection = session.connection()
    for scan in ("seqscan", "indexscan", "indexonlyscan"):
        connection.exec_driver_sql(f"SET LOCAL enable_{scan} = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    plan = "\n".join(row[0] for row in rows)
    assert "Seq Scan on ticket  " not in plan, plan  # the queue's own table, not the parent
    if screen == "text":  # with another filter, an index of that filter may serve as well
        assert "Bitmap Index Scan on ix_ticket_search_text" in plan, plan


@pytest.mark.usefixtures("postgresql_only")
def test_the_newest_and_the_soonest_due_are_read_in_index_order_on_postgresql(
    session: Session,
) -> None:
    connection = session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    # On the tests' few tickets, whose statistics follow whatever autovacuum last saw,
    # sorting them can look cheapest; at scale the ordered index is the only way.
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    # The open statuses, written out, prove the open tickets' partial index serves them
    # (bound, a generic plan could not), without the open tickets' term besides, which
    # made PostgreSQL think the statuses' tickets a twentieth of what they are.
    for screen, index in (
        ("newest", "ix_ticket_created_at_id"),
        ("next_due", "next_due_at"),
        ("status+due", "ix_ticket_open_reply_due_at"),
        ("overdue+due", "ix_ticket_open_reply_due_at"),
    ):
        statement, parameters = _list_statement(session, screen, "dispatcher")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        plan = "\n".join(row[0] for row in rows)
        assert index in plan, plan


@pytest.mark.parametrize("who", ["dispatcher", "unit"])
def test_a_deep_page_of_a_period_is_walked_from_its_cursor(session: Session, who: str) -> None:
    # With `created_to` and the cursor's bound both, SQLite walked the index from
    # `created_to` (now), through every ticket newer than the cursor's, to the page.
    cursor = Cursor(SortOrder.NEWEST, 10, MONTH_AGO, None)
    filters = TicketFilters(request_types=("report",), created_to=utc_now())
    statement, _ = _list_statement(session, "request_type", who, filters, cursor)
    where = re.split(r"\sWHERE\s", statement, maxsplit=1)[1]
    upper_bounds = re.findall(r"ticket\.created_at <=? ", where)
    assert upper_bounds == ["ticket.created_at <= ", "ticket.created_at < "], where


def test_the_open_tickets_index_names_every_open_status() -> None:
    named = set(re.findall(r"'([a-z_]+)'", OPEN_TICKETS_SQL))
    assert named == {status.value for status in OPEN_STATUSES}


@pytest.mark.parametrize("who", ["dispatcher", "unit"])
def test_a_short_text_reads_the_newest_tickets_range_only(
    client: TestClient, session: Session, backend: str, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One ticket stands for the newest 50,000: the walk newest first ends where they end,
    # however few of them a unit's page finds (it went on through every ticket).
    assert client.post("/api/v1/tickets", json=factories.hotline_12345()).status_code == 201
    monkeypatch.setattr(search, "SHORT_TEXT_NEWEST", 1)
    statement, parameters = _list_statement(session, "", who, TicketFilters(text="停水"))
    connection = session.connection()
    if backend == "sqlite":
        with ticket_statistics(connection, MILLION_TICKETS):
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = " | ".join(str(row[-1]) for row in rows)
        assert "ticket USING INDEX ix_ticket_created_at_id (created_at>?)" in plan, plan
        return
    for scan in ("seqscan", "indexscan", "indexonlyscan"):
        connection.exec_driver_sql(f"SET LOCAL enable_{scan} = off")
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    )
    assert "Bitmap Index Scan on ix_ticket_created_at_id" in plan, plan
