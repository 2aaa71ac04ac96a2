from fastapi.testclient import TestClient

GRIDS = "/api/v1/grids"


def test_a_grid_page_shows_its_boundary_and_parent(client: TestClient) -> None:
    unit = client.get(GRIDS, params={"level": 3}).json()[0]
    page = client.get(f"{GRIDS}/{unit['code']}")
    assert page.status_code == 200, page.text
    detail = page.json()
    assert detail["parent_code"] == unit["parent_code"]
    assert detail["boundary"]["type"] in {"Polygon", "MultiPolygon"}
    assert detail["boundary"]["coordinates"]


def test_an_unknown_grid_is_not_found(client: TestClient) -> None:
    response = client.get(f"{GRIDS}/no-such-grid")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
