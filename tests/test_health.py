"""Liveness, readiness, the API docs, and errors outside any route."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.schema_version import head_revision

PROBLEM_TYPE_BASE = "https://hotline.example.gov.cn/problems/"


def _client_for(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def unmigrated_client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a new, empty SQLite file that no migration has touched."""
    yield from _client_for(
        Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", upload_dir=tmp_path)
    )


@pytest.fixture
def unreachable_client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a SQLite file in a directory that does not exist: it cannot even connect."""
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    yield from _client_for(Settings(database_url=f"sqlite:///{missing}", upload_dir=tmp_path))


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_TYPE_BASE)
    assert body["title"]
    assert body["detail"]


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_schema_revision(committing_client: TestClient) -> None:
    head = head_revision()
    assert head is not None

    response = committing_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "schema": head}


def test_readyz_is_503_on_a_database_never_migrated(unmigrated_client: TestClient) -> None:
    response = unmigrated_client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "schema": None,
        "expected_schema": head_revision(),
    }
    # Alive all the same: the orchestrator must not restart it for a missing migration.
    assert unmigrated_client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_cannot_be_opened(
    unreachable_client: TestClient,
) -> None:
    response = unreachable_client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_docs_are_html(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text


def test_openapi_lists_the_api_under_v1(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Hotline"
    paths = set(schema["paths"])
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/photos",
        "/api/v1/photos/{photo_id}",
        "/api/v1/grids",
        "/api/v1/departments",
        "/api/v1/categories",
    ):
        assert path in paths, path
    # Beside the API: the probes, the metrics, and Open311's own path.
    api_paths = {p for p in paths if not p.startswith("/open311/v2/")}
    api_paths -= {"/healthz", "/readyz", "/metrics"}
    assert all(path.startswith("/api/v1/") for path in api_paths), sorted(api_paths)
    upload = schema["paths"]["/api/v1/photos"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]


def test_unknown_path_is_404_problem(client: TestClient) -> None:
    _assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_405_problem(client: TestClient) -> None:
    response = client.delete("/api/v1/categories")
    _assert_problem(response, 405)
    assert "GET" in response.headers["allow"]
