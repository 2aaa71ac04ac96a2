"""One problem, one ticket: duplicates found at intake, merged, flagged, unmerged, and the
parent's outcome reaching every reporter."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.dedup import service as dedup
from app.dedup.places import locate
from app.dedup.scoring import Scorer
from app.dedup.service import dedup_settings
from app.dedup.similarity import text_for_matching
from app.routing.service import load_snapshot
from app.tickets.models import Ticket
from bench.dedup import captured_selects, explain, intake_keys
from tests import factories
from tests.apps import app_with
from tests.dedup.pairs import demo_gazetteer
from tests.planner import ticket_statistics

TICKETS = "/api/v1/tickets"
LOOKUP = "/api/v1/public/tickets/lookup"
Auth = dict[str, dict[str, str]]
Json = dict[str, Any]
# Two points on one street, 40 m apart (WGS-84).
LAMP = {"lat": 27.3300, "lon": 118.1200, "crs": "wgs84"}
LAMP_ACROSS = {"lat": 27.33036, "lon": 118.1200, "crs": "wgs84"}
FAR = {"lat": 27.3400, "lon": 118.1200, "crs": "wgs84"}  # 1.1 km north


def _app(settings: Settings, session_factory: sessionmaker[Session], **changes: Any) -> Any:
    # The scores pinned, so these tests follow the flow, not the weights of the day.
    pinned = {"dedup_merge_score": 0.8, "dedup_flag_score": 0.45}
    return app_with(settings, session_factory, dedup_auto_merge=True, **pinned, **changes)


@pytest.fixture
def api(
    settings: Settings, session_factory: sessionmaker[Session], auth: Auth
) -> Iterator[TestClient]:
    """The dispatcher's client of a city that merges sure duplicates at once."""
    with TestClient(_app(settings, session_factory), headers=auth["dispatcher"]) as client:
        yield client


_callers = iter(range(13_900_000_000, 14_000_000_000))


def _call(description: str, location: dict[str, Any] | None, **overrides: Any) -> Json:
    """A 12345 call from a caller of its own (a number no other test call has)."""
    number = str(next(_callers))
    return (
        factories.hotline_12345(
            description=description,
            location=location,
            call=factories.call(caller_number=number),
            reporter={"name": "王五", "phone": number},
        )
        | overrides
    )


def _web(description: str, location: dict[str, Any], **overrides: Any) -> Json:
    body = {
        "channel": "web",
        "request_type": "complaint",
        "category_code": factories.STREET_LIGHT,
        "description": description,
        "location": location,
    }
    return body | overrides


def _file(client: TestClient, body: Json, headers: dict[str, str] | None = None) -> Json:
    response = client.post(TICKETS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket: Json = response.json()
    return ticket


def _detail(client: TestClient, number: str) -> Json:
    detail: Json = client.get(f"{TICKETS}/{number}").json()
    return detail


def _kinds(ticket: Json) -> list[str]:
    return [event["kind"] for event in ticket["timeline"]]


def test_the_same_lamp_reported_twice_becomes_one_ticket(api: TestClient) -> None:
    first = _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    second = _file(api, _web("建安大道88号门口的路灯不亮了，晚上很黑", LAMP_ACROSS))

    assert second["status"] == "merged"
    assert second["parent_number"] == first["number"]
    assert second["clocks"] == []  # merged as it came in: the parent's clocks run for both
    child = _detail(api, second["number"])
    merged = next(event for event in child["timeline"] if event["kind"] == "merged")
    assert merged["payload"]["parent"] == first["number"]
    assert merged["payload"]["auto"] is True
    assert merged["payload"]["reasons"]["category"] == "same"
    assert merged["payload"]["reasons"]["distance_m"] == 40
    [kept] = api.get(f"{TICKETS}/{second['number']}/duplicates").json()
    assert (kept["number"], kept["status"]) == (first["number"], "merged")
    assert kept["score"] == merged["payload"]["score"]  # the score that merged it, kept
    parent = _detail(api, first["number"])
    assert "duplicate_added" in _kinds(parent)
    assert parent["contacts"] == {"count": 2, "channels": {"hotline_12345": 1, "web": 1}}
    assert parent["status"] == "dispatched"  # the parent's handling goes on as before


def test_the_same_problem_far_away_is_another_ticket(api: TestClient) -> None:
    _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    elsewhere = _file(api, _web("建安大道88号门口的路灯不亮了，晚上很黑", FAR))
    assert elsewhere["status"] != "merged"
    assert _detail(api, elsewhere["number"])["duplicates"] == []


def test_another_kind_of_problem_at_the_same_place_is_another_ticket(api: TestClient) -> None:
    _file(api, _call("建安大道88号门口路灯不亮已经三天了", LAMP))
    noise = _web("建安大道88号门口夜里施工噪音很大", LAMP, category_code="0201")
    assert _file(api, noise)["status"] != "merged"


def test_a_likely_duplicate_is_flagged_for_the_dispatcher_who_merges_it_by_hand(
    api: TestClient,
) -> None:
    first = _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    # The same lamp in other words, from across the street: likely, not sure.
    second = _file(api, _web("这边有盏灯坏了一直不亮", LAMP_ACROSS))
    assert second["status"] != "merged"
    flagged = _detail(api, second["number"])
    assert "duplicate_suspected" in _kinds(flagged)
    listed = api.get(f"{TICKETS}/{second['number']}/duplicates").json()
    assert [(c["number"], c["direction"], c["status"]) for c in listed] == [
        (first["number"], "earlier", "suggested")
    ]
    assert 0.45 <= listed[0]["score"] < 0.8
    assert _detail(api, first["number"])["duplicates"][0]["direction"] == "later"

    merged = api.post(
        f"{TICKETS}/{second['number']}/merge",
        json={"parent_number": first["number"], "reason": "同一盏路灯"},
    )

    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged"
    assert merged.json()["duplicates"][0]["status"] == "merged"
    event = next(e for e in merged.json()["timeline"] if e["kind"] == "merged")
    assert (event["payload"]["auto"], event["payload"]["reason"]) == (False, "同一盏路灯")


def test_unmerging_gives_the_ticket_back_its_own_life_and_reply_clock(api: TestClient) -> None:
    first = _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    second = _file(api, _web("建安大道88号门口的路灯不亮了，晚上很黑", LAMP_ACROSS))
    assert second["status"] == "merged"

    back = api.post(f"{TICKETS}/{second['number']}/unmerge", json={"reason": "其实是另一盏"})

    assert back.status_code == 200, back.text
    ticket = back.json()
    assert (ticket["status"], ticket["parent_number"]) == ("new", None)
    running = {c["clock"]: c for c in ticket["clocks"] if c["state"] == "running"}
    assert set(running) == {"dispatch", "reply"}
    # The citizen's clock counts from their own call, as if never merged.
    assert running["reply"]["started_at"] == ticket["created_at"]
    assert "duplicate_removed" in _kinds(_detail(api, first["number"]))
    again = api.post(f"{TICKETS}/{second['number']}/unmerge", json={"reason": "x"})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("child_status", "reason"),
    [("replied", "only one still waiting for its reply"), ("closed", "only one still waiting")],
)
def test_a_finished_ticket_is_not_merged(
    api: TestClient, session: Session, child_status: str, reason: str
) -> None:
    first = _file(api, _call("建安大道88号门口路灯不亮已经三天了", LAMP))
    other = _file(api, _call("府前路口红绿灯坏了", FAR, category_code="0505"))
    session.execute(
        text("UPDATE ticket SET status = :status WHERE number = :number"),
        {"status": child_status, "number": other["number"]},
    )
    session.commit()
    refused = api.post(
        f"{TICKETS}/{other['number']}/merge",
        json={"parent_number": first["number"], "reason": "x"},
    )
    assert refused.status_code == 409
    assert reason in refused.json()["detail"]


def test_every_reporter_hears_the_outcome_and_gets_a_visit_of_their_own(
    api: TestClient, auth: Auth
) -> None:
    first = _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    second = _file(api, _web("建安大道88号门口的路灯不亮了，晚上很黑", LAMP_ACROSS))
    urban, parent = auth["urban"], first["number"]
    assert api.post(f"{TICKETS}/{parent}/sign", json={}, headers=urban).status_code == 200
    replied = api.post(f"{TICKETS}/{parent}/reply", json={"reply": "已更换灯泡"}, headers=urban)
    assert replied.status_code == 200, replied.text

    proof = {"number": second["number"], "tracking_code": second["tracking_code"]}
    view = api.post(LOOKUP, json=proof).json()
    assert view["reply"] == "已更换灯泡"
    assert view["can_evaluate"] is True
    visit = {"satisfaction": "satisfied", "solved": True}
    for number in (parent, second["number"]):
        response = api.post(f"{TICKETS}/{number}/return-visit", json=visit)
        assert response.status_code == 200, response.text
    assert api.post(f"{TICKETS}/{parent}/close", json={}).status_code == 200
    assert _detail(api, second["number"])["status"] == "closed"
    assert api.post(LOOKUP, json=proof).json()["status"] == "closed"


def test_a_merged_ticket_waits_for_its_parents_reply_before_its_visit(api: TestClient) -> None:
    _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    second = _file(api, _web("建安大道88号门口的路灯不亮了，晚上很黑", LAMP_ACROSS))
    visit = {"satisfaction": "satisfied", "solved": True}
    early = api.post(f"{TICKETS}/{second['number']}/return-visit", json=visit)
    assert early.status_code == 409


def _closed_ticket(client: TestClient, auth: Auth) -> Json:
    first = _file(client, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    number, urban = first["number"], auth["urban"]
    for action, body, headers in (
        ("sign", {}, urban),
        ("reply", {"reply": "已修复"}, urban),
        ("return-visit", {"satisfaction": "satisfied", "solved": True}, None),
        ("close", {}, None),
    ):
        response = client.post(f"{TICKETS}/{number}/{action}", json=body, headers=headers)
        assert response.status_code == 200, response.text
    return first


def test_a_repeat_call_about_a_closed_ticket_files_a_linked_one(
    api: TestClient, auth: Auth
) -> None:
    closed = _closed_ticket(api, auth)
    again = _file(api, _web("建安大道88号门口的路灯又不亮了，晚上很黑", LAMP_ACROSS))
    assert again["status"] != "merged"
    detail = _detail(api, again["number"])
    linked = next(e for e in detail["timeline"] if e["kind"] == "repeat_contact")
    assert linked["payload"]["earlier"] == closed["number"]
    assert detail["duplicates"][0]["status"] == "linked"
    assert _detail(api, closed["number"])["status"] == "closed"


def test_a_city_may_reopen_the_closed_ticket_instead(
    settings: Settings, session_factory: sessionmaker[Session], auth: Auth
) -> None:
    app = _app(settings, session_factory, repeat_after_close="reopen")
    with TestClient(app, headers=auth["dispatcher"]) as client:
        closed = _closed_ticket(client, auth)
        again = _file(client, _web("建安大道88号门口的路灯又不亮了，晚上很黑", LAMP_ACROSS))
        reopened = _detail(client, closed["number"])
    assert again["status"] == "merged"
    assert again["parent_number"] == closed["number"]
    assert (reopened["status"], reopened["cycle"]) == ("dispatched", 2)
    assert reopened["contacts"]["count"] == 2


def test_the_same_caller_again_is_a_strong_sign(api: TestClient) -> None:
    caller = {"call": factories.call(caller_number="13711112222"), "reporter": None}
    first = _file(api, _call("建安大道88号门口路灯不亮", LAMP, **caller))
    second = _file(api, _call("我上次打过电话，门口那个路灯还是不亮", None, **caller))
    # No point this time; the caller's number found it.
    listed = api.get(f"{TICKETS}/{second['number']}/duplicates").json()
    assert listed[0]["number"] == first["number"]
    assert listed[0]["reasons"]["same_caller"] is True


def test_a_report_found_both_nearby_and_by_the_callers_number_is_one_candidate(
    settings: Settings, session_factory: sessionmaker[Session], auth: Auth
) -> None:
    caller = {"call": factories.call(caller_number="13711113333"), "reporter": None}
    flagging = app_with(settings, session_factory, dedup_auto_merge=False, dedup_flag_score=0.3)
    with TestClient(flagging, headers=auth["dispatcher"]) as client:
        first = _file(client, _call("建安大道88号门口路灯不亮", LAMP, **caller))
        second = _file(client, _call("建安大道88号门口的路灯还是不亮", LAMP_ACROSS, **caller))
        listed = client.get(f"{TICKETS}/{second['number']}/duplicates").json()
    assert [candidate["number"] for candidate in listed] == [first["number"]]
    assert listed[0]["reasons"]["same_caller"] is True
    assert listed[0]["reasons"]["distance_m"] < 50


def _search_statement(session: Session, location_radius_m: float | None = None) -> tuple[str, Any]:
    """The statement and parameters the duplicate search sends for a categorised ticket
    with a point and a caller's number, as intake runs it."""
    snapshot = load_snapshot(session)
    category = next(info for info in snapshot.categories.values() if info.group_id)
    ticket = Ticket(
        id=None,
        category_id=category.id,
        lat=LAMP["lat"],
        lon=LAMP["lon"],
        location_radius_m=location_radius_m,
        reporter_phone="13800000000",
        created_at=datetime.now().astimezone(),
        match_text="路灯不亮",
    )
    # The benchmark's capture: on SQLite the search goes straight to the driver
    # (app.driver_sql), and SQLite's own trace sees it, with its values in place.
    with captured_selects(session.connection()) as sent:
        dedup.find(session, ticket, snapshot.categories_by_id, dedup_settings(Settings()))
    return sent[-1]


def _plan(session: Session, backend: str, statement: str, parameters: Any) -> str:
    connection = session.connection()
    if backend == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return " ".join(str(row[-1]) for row in plan)
    # A tiny test table: without a scan, the indexes are what is left to choose from.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return " ".join(explain(connection, statement, parameters))


def test_the_search_is_an_index_lookup(session: Session, backend: str) -> None:
    """The search reads the cells and the caller's tickets through their indexes: its cost
    must not grow with the table."""
    if backend == "sqlite":
        details = _plan(session, backend, *_search_statement(session))
        # With no statistics, SQLite took an index on "parent_id IS NULL" for selective
        # and read every root ticket.
        assert "ix_ticket_parent_id" not in details
        assert "SCAN ticket" not in details
    else:
        # On a table this small the window's or a category's index serves as well as any:
        # without them, the search's own indexes are what is left.
        query = "SELECT id FROM ticket WHERE (geo_cell IN (1, 2, 3) OR reporter_phone = $1)"
        details = _plan(session, backend, query, ["13800000000"])
    assert "ix_ticket_geo_cell_created_at" in details
    assert "ix_ticket_reporter_phone_created_at" in details


# What ANALYZE gathered on a queue of 3,400 tickets, a quarter of them from one number (a
# fake 13800138000 typed into a form, a switchboard's own number): the caller's index
# looks unselective, at 501 tickets a number on average.
_COMMON_NUMBER_STATISTICS = {
    "ix_ticket_parent_id": "855 22",
    "ix_ticket_category_id_created_at": "3392 101 1",
    "ix_ticket_assigned_department_id": "3570 334",
    "ix_ticket_reporter_phone_created_at": "4600 501 1",
    "ix_ticket_next_due_at_id": "9936 7 1",
    "ix_ticket_reply_due_at_id": "8937 7 1",
    "ix_ticket_created_at_id": "3399 1 1",
    "ix_ticket_grid_id": "3192 16",
    "ix_ticket_status_created_at": "3198 928 1",
    "ix_ticket_geo_cell_created_at": "4743 14 1 1 1 1",
    "ix_ticket_assigned_grid_id": "3234 7",
}


@pytest.mark.parametrize("location_radius_m", [None, 120.0, 1000.0], ids=["point", "near", "far"])
def test_a_queue_without_statistics_is_searched_by_its_cells(
    session: Session, backend: str, location_radius_m: float | None
) -> None:
    """A new city's queue has no statistics until SQLite gathers them. Without them, its
    planner took a dozen cells for dearer than the categories' index, and read every
    ticket of the category's group in the window instead of the few nearby. However many
    cells an uncertain place's box touches, the search reads them through their index."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps its statistics itself (autovacuum's ANALYZE)")
    with ticket_statistics(session.connection(), {}):
        details = _plan(session, backend, *_search_statement(session, location_radius_m))
    assert "ix_ticket_category_id_created_at" not in details
    assert "ix_ticket_geo_cell_created_at" in details
    assert "ix_ticket_reporter_phone_created_at" in details


def test_a_common_number_does_not_turn_the_search_into_a_scan(
    session: Session, backend: str
) -> None:
    """Where a number is common, the caller's index looks unselective. Searched as one OR,
    SQLite then read the whole window through the created_at index, newest first, to
    spare the LIMIT its sort; each way of finding a candidate keeps to its own index."""
    if backend == "postgresql":
        session.connection().exec_driver_sql("SET LOCAL enable_sort = off")  # the same temptation
        details = _plan(session, backend, *_search_statement(session))
    else:
        with ticket_statistics(session.connection(), _COMMON_NUMBER_STATISTICS):
            details = _plan(session, backend, *_search_statement(session))
    if backend == "sqlite":
        assert "ix_ticket_created_at_id" not in details
    else:
        # The temptation is an ordered walk of the window ("Index Scan [Backward] using").
        # On a tiny table whose statistics follow what autovacuum last saw, PostgreSQL may
        # also AND a bitmap of the window into a branch ("Bitmap Index Scan on"): that
        # reads no more than the branch's own index does, so it is not refused.
        assert "using ix_ticket_created_at_id" not in details
    if backend == "sqlite":  # PostgreSQL's choice among the others follows the tiny table
        assert "ix_ticket_geo_cell_created_at" in details
        assert "ix_ticket_reporter_phone_created_at" in details


def test_a_call_with_only_an_address_is_located_and_found_by_a_photo_nearby(
    api: TestClient,
) -> None:
    place = locate("观前社区", demo_gazetteer())
    assert place is not None
    call = _file(
        api,
        _call(
            "市民来电反映：观前小区大门东侧垃圾收集点三天没人清运，气味很大",
            None,
            category_code="0102",
            address="潭城街道观前社区中山路230号观前小区",
        ),
    )
    located = _detail(api, call["number"])["location"]
    assert (located["lat"], located["lon"]) == (place.lat, place.lon)
    assert located["radius_m"] == place.radius_m
    photo = _file(
        api,
        _web(
            "观前小区门口垃圾堆成山了没人收",
            {"lat": place.lat + 0.0005, "lon": place.lon, "crs": "wgs84"},
            category_code="0102",
        ),
    )
    found = [link["number"] for link in _detail(api, photo["number"])["duplicates"]]
    assert found == [call["number"]] or photo.get("parent_number") == call["number"]


def test_another_house_number_on_the_same_road_is_not_merged_and_says_why(
    api: TestClient,
) -> None:
    _file(api, _call("建设路15号门口井盖缺失，晚上很危险", LAMP, category_code="0105"))
    other = _file(
        api, _web("建设路61号门口井盖缺失，晚上很危险", LAMP_ACROSS, category_code="0105")
    )
    assert other["status"] != "merged"
    for link in _detail(api, other["number"])["duplicates"]:
        assert link["reasons"]["different_place"] == ["建设路61号≠15号"]


def test_a_flat_written_the_short_way_is_the_same_flat(api: TestClient) -> None:
    first = _call("崇文府5栋1单元302室反映楼下每天早上6点敲打装修", LAMP, category_code="1001")
    _file(api, first)
    second = _file(
        api, _web("我住5-1-302，楼下天天一大早叮叮当当装修", LAMP_ACROSS, category_code="1001")
    )
    [link] = _detail(api, second["number"])["duplicates"]
    assert "302室" in link["reasons"]["same_place"]
    assert "different_place" not in link["reasons"]


def test_numbers_across_the_road_do_not_tell_two_places(api: TestClient) -> None:
    """A phone names the door it stands at: 120 and 121 face each other across 和平路."""
    _file(api, _call("和平路120号路中间有只死狗，好臭", LAMP, category_code="0102"))
    second = _file(
        api, _web("和平路121号门口马路上死狗没人处理", LAMP_ACROSS, category_code="0102")
    )
    [link] = _detail(api, second["number"])["duplicates"]
    assert "different_place" not in link["reasons"]
    assert link["reasons"]["same_area"] == ["和平路"]


def test_a_merge_names_the_place_both_reports_name(api: TestClient) -> None:
    _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    second = _file(api, _web("建安大道88号门口的路灯不亮了，晚上很黑", LAMP_ACROSS))
    merged = next(e for e in _detail(api, second["number"])["timeline"] if e["kind"] == "merged")
    assert merged["payload"]["reasons"]["same_place"] == ["建安大道88号"]
    assert "路灯" in merged["payload"]["reasons"]["words_in_common"]


def test_a_qr_report_from_the_community_office_finds_the_problem_down_the_road(
    api: TestClient, auth: Auth
) -> None:
    """The QR poster hangs at the community office: its report's point is where the poster
    is, so it reaches as far as the residents who pass it."""
    call = _file(api, _call("锦江花园3栋门口垃圾桶满了好几天没人清运", LAMP, category_code="0102"))
    office = {"lat": 27.3300 + 350 / 111_195, "lon": 118.1200, "crs": "wgs84"}  # 350 m north
    qr = {
        "channel": "qr_code",
        "community_code": "351002001001",
        "description": "锦江花园3栋门口的垃圾桶满了好几天了，臭死了",
        "category_code": "0102",
        "location": office,
    }
    posted = _file(api, qr, headers=auth["citizen_app"])
    assert _detail(api, posted["number"])["location"]["radius_m"] == 300
    linked = [link["number"] for link in _detail(api, posted["number"])["duplicates"]]
    assert call["number"] in linked or posted.get("parent_number") == call["number"]


def test_the_queue_lists_the_tickets_waiting_for_a_duplicate_decision(api: TestClient) -> None:
    first = _file(api, _call("建安大道88号门口路灯不亮已经三天了，晚上很黑", LAMP))
    second = _file(api, _web("这边有盏灯坏了一直不亮", LAMP_ACROSS))

    def suspected(wanted: str) -> Json:
        response = api.get(TICKETS, params={"suspected_duplicate": wanted, "count": "exact"})
        assert response.status_code == 200, response.text
        page: Json = response.json()
        return page

    waiting = suspected("true")
    assert [item["number"] for item in waiting["items"]] == [second["number"]]
    assert waiting["count"] == 1
    assert second["number"] not in [item["number"] for item in suspected("false")["items"]]
    assert first["number"] in [item["number"] for item in suspected("false")["items"]]

    api.post(
        f"{TICKETS}/{second['number']}/merge",
        json={"parent_number": first["number"], "reason": "同一盏路灯"},
    )
    assert suspected("true")["items"] == []


DESCRIPTION = "长安路259号门口的路灯不亮了，晚上那一段很黑"


def test_reading_back_only_as_far_as_scoring_could_flag_finds_what_the_whole_window_finds(
    settings: Settings,
    session_factory: sessionmaker[Session],
    auth: Auth,
    session: Session,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Time apart weighs against a report: of the ticket's own category and of its group,
    the search reads back only as far as scoring could still flag one (`reach_back`).
    Over a month of reports of the lamp in every relation to its category, that finds
    exactly what reading the whole window finds."""
    now = clock()
    pinned = {"dedup_merge_score": 0.8, "dedup_flag_score": 0.8}
    city = app_with(settings, session_factory, dedup_auto_merge=False, **pinned)
    with TestClient(city, headers=auth["dispatcher"]) as client:
        for days_ago in (29, 27, 25, 23, 21, 19, 15, 8, 2):
            clock.set(now - timedelta(days=days_ago, hours=1))
            # The lamp's own category, another of its group, one related to it, and none
            # (intake classifies the words as the lamp's).
            for category in (factories.STREET_LIGHT, "0102", "0505", None):
                body = _call(DESCRIPTION, LAMP_ACROSS, category_code=category)
                _file(client, body)
    clock.set(now)
    snapshot = load_snapshot(session)
    by_code = {info.code: info for info in snapshot.categories_by_id.values()}
    title, description, address = "长安路259号门口的路灯不亮了", DESCRIPTION, "长安路259号"
    ticket = Ticket(
        id=None,
        category_id=by_code[factories.STREET_LIGHT].id,
        lat=LAMP["lat"],
        lon=LAMP["lon"],
        reporter_phone=None,
        created_at=now,
        match_text=text_for_matching(title, description),
        match_keys=intake_keys(by_code)(title, description, address),
    )
    config = dedup_settings(settings.model_copy(update={"dedup_flag_score": 0.8}))

    def found() -> list[tuple[int, float]]:
        candidates = dedup.find(session, ticket, snapshot.categories_by_id, config)
        # By id: reports filed at one instant tie, and come back in the database's order.
        return sorted((candidate.ticket_id, candidate.match.score) for candidate in candidates)

    cut = found()
    reach = Scorer(
        dedup.report_of(snapshot.categories_by_id, ticket),
        radius_m=settings.dedup_radius_m,
        window=config.window,
        at_least=config.flag_score,
    ).reach_back
    # Some of the lamp's own and its group's reports lie beyond what could be flagged.
    assert reach("same") < timedelta(days=29)
    assert reach("same group") < reach("same")
    monkeypatch.setattr(Scorer, "reach_back", lambda _scorer, _category: config.window)
    assert cut == found()
    assert cut  # the recent ones, at least
