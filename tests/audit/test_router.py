"""Administrators read who changed what: filtered, a page at a time, or as CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.clock import FrozenClock
from tests import factories

AUDIT = "/api/v1/audit"
API = "/api/v1"
Auth = dict[str, dict[str, str]]
# After anything the shared database holds (the demo city's map import, as the system).
START = datetime(2030, 11, 2, 1, 0, tzinfo=UTC)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def _changes(client: TestClient, auth: Auth, clock: FrozenClock) -> str:
    """One change of each kind, a minute apart; returns the ticket whose reporter was seen."""
    admin = auth["admin"]
    clock.set(START)
    _ok(
        client.post(f"{API}/departments", json={"code": "gas", "name": "燃气公司"}, headers=admin),
        201,
    )
    clock.advance(timedelta(minutes=1))
    _ok(client.put(f"{API}/categories/0101", json={"name": "路灯不亮"}, headers=admin))
    clock.advance(timedelta(minutes=1))
    rule = {
        "name": "燃气",
        "position": 1,
        "category_codes": ["0702"],
        "target": {"kind": "department", "department_code": "gas"},
    }
    rule_id = _ok(client.post(f"{API}/routing/rules", json=rule, headers=admin), 201)["id"]
    clock.advance(timedelta(minutes=1))
    _ok(client.put(f"{API}/routing/rules/{rule_id}", json=rule | {"position": 2}, headers=admin))
    clock.advance(timedelta(minutes=1))
    _ok(client.delete(f"{API}/routing/rules/{rule_id}", headers=admin), 204)
    clock.advance(timedelta(minutes=1))
    keywords = {"category_code": "0101", "keywords": ["灯杆歪斜"]}
    _ok(client.post(f"{API}/routing/keywords", json=keywords, headers=admin), 201)
    clock.advance(timedelta(minutes=1))
    policy = {"name": "路灯", "category_code": "0101", "reply_target": "3wd"}
    _ok(client.post(f"{API}/sla-policies", json=policy, headers=admin), 201)
    clock.advance(timedelta(minutes=1))
    day = {"is_working": False, "name": "调休"}
    _ok(client.put(f"{API}/calendars/standard/days/2030-05-06", json=day, headers=admin))
    clock.advance(timedelta(minutes=1))
    ticket = _ok(client.post(f"{API}/tickets", json=factories.hotline_12345()), 201)
    reveal = {"reason": "回访联系市民"}
    _ok(client.post(f"{API}/tickets/{ticket['number']}/reporter/reveal", json=reveal))
    number: str = ticket["number"]
    return number


def test_every_kind_of_change_is_in_the_log_newest_first(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    number = _changes(client, auth, clock)

    page = _ok(client.get(AUDIT, params={"since": START.isoformat()}, headers=auth["admin"]))

    assert [(e["kind"], e["action"]) for e in page["items"]] == [
        ("reporter_reveal", "reveal"),
        ("calendar", "set_day"),
        ("sla_policy", "create"),
        ("keyword_rule", "create"),
        ("routing_rule", "delete"),
        ("routing_rule", "update"),
        ("routing_rule", "create"),
        ("category", "update"),
        ("department", "create"),
    ]
    reveal, *_, category, department = page["items"]
    assert reveal["object_code"] == number
    assert reveal["actor"] == {"kind": "user", "ref": reveal["actor"]["ref"], "name": "dispatcher"}
    assert reveal["after"]["reason"] == "回访联系市民"
    assert "phone" not in str(reveal["after"])  # the identity itself is never kept
    assert category["before"]["name"] == "路灯损坏"
    assert category["after"]["name"] == "路灯不亮"
    assert department["actor"]["name"] == "admin"
    assert department["at"] == START.isoformat().replace("+00:00", "Z")
    assert department["address"]


def test_filters_narrow_the_log(client: TestClient, auth: Auth, clock: FrozenClock) -> None:
    _changes(client, auth, clock)
    admin = auth["admin"]

    def actions(**params: str) -> list[str]:
        params.setdefault("since", START.isoformat())
        found = _ok(client.get(AUDIT, params=params, headers=admin))["items"]
        return [f"{entry['kind']}:{entry['action']}" for entry in found]

    assert actions(kind="routing_rule") == [
        "routing_rule:delete",
        "routing_rule:update",
        "routing_rule:create",
    ]
    assert actions(object="gas") == ["department:create"]
    assert actions(actor="dispatcher") == ["reporter_reveal:reveal"]
    until = (START + timedelta(minutes=1)).isoformat()
    assert actions(until=until) == ["department:create"]
    naive = client.get(AUDIT, params={"since": "2030-11-02T01:00:00"}, headers=admin)
    assert naive.status_code == 422


def test_pages_walk_the_whole_log_once(client: TestClient, auth: Auth, clock: FrozenClock) -> None:
    _changes(client, auth, clock)
    seen: list[int] = []
    params: dict[str, Any] = {"since": START.isoformat(), "limit": 2}

    while True:
        page = _ok(client.get(AUDIT, params=params, headers=auth["admin"]))
        seen += [entry["id"] for entry in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]

    assert len(seen) == len(set(seen)) == 9
    bad = client.get(AUDIT, params={"cursor": "not-a-cursor"}, headers=auth["admin"])
    assert bad.status_code == 422


def test_the_log_exports_as_csv_that_excel_opens(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    _changes(client, auth, clock)

    response = client.get(
        f"{AUDIT}/export",
        params={"since": START.isoformat(), "kind": "category"},
        headers=auth["admin"],
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["actor_name"] == "admin"
    assert rows[0]["object_code"] == "0101"
    assert '"路灯不亮"' in rows[0]["after"]


def test_a_refused_change_leaves_no_entry(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    clock.set(START)
    bad_rule = {
        "name": "x",
        "position": 1,
        "target": {"kind": "department", "department_code": "nobody"},
    }
    refused = client.post(f"{API}/routing/rules", json=bad_rule, headers=auth["admin"])
    assert refused.status_code == 422
    taken = client.post(
        f"{API}/departments", json={"code": "water", "name": "水"}, headers=auth["admin"]
    )
    assert taken.status_code == 409

    page = _ok(client.get(AUDIT, params={"since": START.isoformat()}, headers=auth["admin"]))
    assert page["items"] == []


def test_only_admins_read_the_log(client: TestClient, auth: Auth) -> None:
    for who in ("dispatcher", "supervisor", "call_centre"):
        assert client.get(AUDIT, headers=auth[who]).status_code == 403
        assert client.get(f"{AUDIT}/export", headers=auth[who]).status_code == 403


def test_calendar_changes_keep_the_days_before_and_after(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    admin = auth["admin"]
    clock.set(START)
    day = {"is_working": False, "name": "调休"}
    _ok(client.put(f"{API}/calendars/standard/days/2031-05-06", json=day, headers=admin))
    notice = {"days": [{"day": "2031-01-01", "is_working": False, "name": "元旦"}]}
    _ok(client.put(f"{API}/calendars/standard/years/2031", json=notice, headers=admin))
    _ok(client.delete(f"{API}/calendars/standard/days/2031-01-01", headers=admin), 204)

    page = _ok(
        client.get(AUDIT, params={"since": START.isoformat(), "kind": "calendar"}, headers=admin)
    )

    deleted, published, set_day = page["items"]
    assert set_day["action"] == "set_day"
    assert set_day["before"] is None
    assert set_day["after"] == {"day": "2031-05-06", "is_working": False, "name": "调休"}
    assert published["action"] == "publish_year"
    assert published["before"]["days"] == [set_day["after"]]
    assert published["after"] == {
        "year": 2031,
        "days": [{"day": "2031-01-01", "is_working": False, "name": "元旦"}],
    }
    assert (deleted["action"], deleted["after"]) == ("delete_day", None)
    assert all(entry["object_code"] == "standard" for entry in page["items"])
