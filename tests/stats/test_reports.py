"""Reports and rankings over HTTP: the definitions as a user reads them, the roll-up of a
street over everything below it, each caller's scope, and the refusals of bad input."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.stats.tally import local_day
from tests import factories
from tests.workflow.helpers import PROBLEM_JSON, Auth, Json, department_ticket, done, file_ticket

# The follower's passes are the test's own (tests/stats/conftest.py).
pytestmark = pytest.mark.usefixtures("counted_before_reading")

REPORT = "/api/v1/stats/report"
RANKINGS = "/api/v1/stats/rankings"
SETTINGS = "/api/v1/stats/settings"
STREET = next(grid for grid in factories.CITY.grids if grid.level == 1)
COMMUNITIES = [grid for grid in factories.CITY.grids if grid.parent_code == STREET.code]
# A unit grid in each of the street's first two communities.
UNIT_GRIDS = [
    next(grid for grid in factories.CITY.grids if grid.parent_code == community.code)
    for community in COMMUNITIES[:2]
]
OTHER_STREET = next(
    grid for grid in factories.CITY.grids if grid.level == 1 and grid.code != STREET.code
)
REPLY = {"reply": "已处理完毕，感谢反映。"}


def _report(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> Json:
    response = client.get(REPORT, params=params, headers=headers)
    assert response.status_code == 200, response.text
    report: Json = response.json()
    return report


def _row(report: Json, code: str) -> Json:
    [row] = [row for row in report["rows"] if row["code"] == code]
    return row


def _finish(client: TestClient, auth: Auth, number: str, unit: str, visit: Json) -> None:
    done(client, number, "sign", {}, auth[unit])
    done(client, number, "reply", REPLY, auth[unit])
    done(client, number, "return-visit", visit)


def test_a_departments_three_rates_follow_their_definitions(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    first_day = local_day(clock.now).isoformat()
    in_time, late = department_ticket(client), department_ticket(client)
    done(client, in_time["number"], "sign", {}, auth["urban"])
    clock.advance(timedelta(days=3))  # past the sign-for limit of the other
    _finish(client, auth, late["number"], "urban", {"satisfaction": "satisfied", "solved": True})
    done(client, in_time["number"], "reply", REPLY, auth["urban"])
    visit = {"satisfaction": "basically_satisfied", "solved": False}
    done(client, in_time["number"], "return-visit", visit)

    days = {"period": "range", "start": first_day, "end": local_day(clock.now).isoformat()}
    report = _report(client, by="unit", unit_kind="department", **days)

    urban = _row(report, "urban_management")["current"]
    assert urban["assigned"] == 2
    assert urban["response_rate"] == 0.5  # one signed for within its limit
    assert urban["visited"] == 2
    assert urban["resolution_rate"] == 0.5
    assert urban["satisfaction_rate"] == 0.9  # (1 + 0.8) / 2
    assert urban["overdue"] == 0
    assert urban["handling_median_hours"] is not None
    assert _row(report, "urban_management")["previous"]["assigned"] == 0
    assert _row(report, "public_security")["current"]["response_rate"] is None
    by_channel = _report(client, by="channel", **days)
    assert _row(by_channel, "hotline_12345")["current"]["received"] == 2


def test_a_street_counts_everything_below_it_and_each_unit_sees_its_own(
    client: TestClient, auth: Auth
) -> None:
    for grid in UNIT_GRIDS:
        file_ticket(client, factories.grid_patrol(grid_code=grid.code))

    streets = _report(client, by="unit", unit_kind="street")
    assert _row(streets, STREET.code)["current"]["assigned"] == 2
    assert _row(streets, OTHER_STREET.code)["current"]["assigned"] == 0
    communities = _report(client, by="unit", unit_kind="community", unit=STREET.code)
    assert [row["current"]["assigned"] for row in communities["rows"][:2]] == [1, 1]
    assert communities["total"]["current"]["assigned"] == 2

    own = _report(client, auth["street"], by="unit", unit_kind="street")
    assert [row["code"] for row in own["rows"]] == [STREET.code]
    assert own["total"]["current"]["assigned"] == 2
    department = _report(client, auth["urban"], by="unit", unit_kind="street")
    assert department["rows"] == []
    assert department["total"]["current"]["assigned"] == 0
    outside = client.get(REPORT, params={"unit": STREET.code}, headers=auth["urban"])
    assert outside.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "range", "start": "2026-11-30", "end": "2026-11-01"}, "end"),
        ({"period": "range", "start": "2026-11-01"}, "start"),
        ({"unit": "no-such-unit"}, "unit"),
        ({"category": "no-such-category"}, "category"),
        ({"by": "weather"}, "by"),
    ],
)
def test_bad_report_queries_are_refused_saying_which(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get(REPORT, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert field in response.text


def test_weights_that_do_not_add_up_to_one_are_refused(client: TestClient, auth: Auth) -> None:
    body = {
        "weights": {"response": 0.2, "resolution": 0.45, "satisfaction": 0.45},
        "basically_satisfied_weight": 0.8,
        "min_tickets": 1,
    }
    response = client.put(SETTINGS, json=body, headers=auth["admin"])
    assert response.status_code == 422
    assert "1.1" in response.json()["detail"]
    assert client.put(SETTINGS, json=body, headers=auth["dispatcher"]).status_code == 403
    assert client.get(SETTINGS).json()["weights"]["response"] == 0.1


def test_rankings_share_a_rank_on_equal_scores_and_list_units_with_too_few_tickets(
    client: TestClient, auth: Auth
) -> None:
    body = {
        "weights": {"response": 0.1, "resolution": 0.45, "satisfaction": 0.45},
        "basically_satisfied_weight": 0.8,
        "min_tickets": 1,
    }
    assert client.put(SETTINGS, json=body, headers=auth["admin"]).status_code == 200
    for grid in UNIT_GRIDS:
        number = file_ticket(client, factories.grid_patrol(grid_code=grid.code))["number"]
        _finish(client, auth, number, "street", {"satisfaction": "satisfied", "solved": True})

    response = client.get(RANKINGS, params={"kind": "community"})
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    first, second = rows[0], rows[1]
    assert {first["code"], second["code"]} == {COMMUNITIES[0].code, COMMUNITIES[1].code}
    assert (first["rank"], second["rank"]) == (1, 1)
    assert first["tied"]
    assert second["tied"]
    assert first["score"] == 100.0
    others = rows[2:]
    assert others
    assert all(row["rank"] is None for row in others)
    assert others[0]["not_ranked_because"] == "fewer than 1 tickets received"
    # A unit's figure in the ranking is the one of its own report.
    report = _report(client, by="unit", unit_kind="community", unit=STREET.code)
    assert _row(report, first["code"])["current"]["response_rate"] == first["response_rate"]
