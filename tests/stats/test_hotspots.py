"""Hotspots over HTTP: categories ranked and rising, places reported again, the grid map's
counts, problem-of-the-month candidates, and who may read them."""

import pytest
from fastapi.testclient import TestClient

from tests import factories
from tests.workflow.helpers import Auth, done, file_ticket

# The periods are the city's calendar days: tickets filed and counted at one standing
# moment, so a run across midnight or a month's end counts them in the same period.
pytestmark = pytest.mark.usefixtures("clock", "counted_before_reading")

HOTSPOTS = "/api/v1/stats/hotspots"
PATROLS = ("巡查发现井盖缺失", "人行道护栏被撞坏", "路边垃圾桶破损严重")


def test_a_place_reported_again_and_again_is_a_hotspot_and_on_the_map(
    client: TestClient, auth: Auth
) -> None:
    categories = set()
    for text in PATROLS:
        body = factories.grid_patrol(description=text, category_code="0105")
        categories.add(file_ticket(client, body)["category"]["code"])
    assert categories == {"0105"}

    response = client.get(HOTSPOTS, params={"repeat_at_least": 3, "min_tickets": 1})
    assert response.status_code == 200, response.text
    found = response.json()
    [place] = found["repeat_places"]
    assert (place["grid_code"], place["category"], place["tickets"]) == (
        factories.UNIT_GRID_CODE,
        "0105",
        3,
    )
    assert found["top_categories"][0]["code"] == "0105"
    assert found["top_categories"][0]["tickets"] == 3
    assert found["rising_categories"][0]["code"] == "0105"

    layer = client.get(f"{HOTSPOTS}/grids.geojson", params={"kind": "community"})
    assert layer.status_code == 200
    assert layer.headers["content-type"].startswith("application/geo+json")
    features = layer.json()["features"]
    assert len(features) == len([grid for grid in factories.CITY.grids if grid.level == 2])
    counted = {f["properties"]["code"]: f["properties"]["tickets"] for f in features}
    assert counted[factories.COMMUNITY_CODE] == 3
    assert sum(counted.values()) == 3
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # Departments have no boundary: the map layer counts by grid levels only.
    refused = client.get(f"{HOTSPOTS}/grids.geojson", params={"kind": "department"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"

    assert client.get(HOTSPOTS, headers=auth["urban"]).status_code == 403


def test_many_tickets_left_unsolved_make_a_problem_of_the_month_candidate(
    client: TestClient, auth: Auth
) -> None:
    for text in PATROLS[:2]:
        body = factories.grid_patrol(description=text, category_code="0105")
        number = file_ticket(client, body)["number"]
        done(client, number, "sign", {}, auth["gridworker"])
        done(client, number, "reply", {"reply": "已处理"}, auth["gridworker"])
        visit = {"satisfaction": "dissatisfied", "solved": False}
        done(client, number, "return-visit", visit)

    found = client.get(HOTSPOTS, params={"min_tickets": 2}).json()
    [candidate] = found["problem_of_the_month"]
    assert candidate["code"] == "0105"
    assert candidate["resolution_rate"] == 0.0
    assert candidate["score"] == 2.0
