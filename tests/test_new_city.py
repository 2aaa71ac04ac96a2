"""A city sets itself up from nothing: `hotline migrate` with a bootstrap admin on an empty
database, then only the API, until tickets from two channels reach the new units."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.config import Settings
from app.main import create_app
from tests.conftest import JWT_SECRET
from tests.conftest import empty_database as empty_database_of

# `hotline migrate` runs as a process of its own.
pytestmark = pytest.mark.slow

API = "/api/v1"
ADMIN = ("chief", "a-long-admin-password")
# Two streets side by side, each one community that is one unit grid (WGS-84).
STREETS = {
    "A": (118.10, 27.30, 118.12, 27.32),
    "B": (118.12, 27.30, 118.14, 27.32),
}
IN_STREET_A = {"lat": 27.31, "lon": 118.11, "crs": "wgs84"}


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _grid_map() -> dict[str, Any]:
    features = []
    for letter, box in STREETS.items():
        street, community, unit_grid = f"9901{letter}", f"9901{letter}01", f"9901{letter}0101"
        for code, name, level, parent in (
            (street, f"{letter}街道", 1, None),
            (community, f"{letter}社区", 2, street),
            (unit_grid, f"{letter}第一网格", 3, community),
        ):
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": code,
                        "name": name,
                        "level": level,
                        "parent_code": parent,
                    },
                    "geometry": _box(*box),
                }
            )
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the backend under test."""
    with empty_database_of(backend, tmp_path, "hotline_new_city") as url:
        yield url


def _migrate(database_url: str, tmp_path: Path) -> None:
    environment = os.environ.copy()
    environment.pop("DATABASE_URL", None)
    environment |= {
        "HOTLINE_DATABASE_URL": database_url,
        "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
        "HOTLINE_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0],
        "HOTLINE_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
    }
    hotline = Path(sys.executable).with_name("hotline")  # the installed console script
    assert hotline.exists(), "the project is not installed: no `hotline` script"
    finished = subprocess.run(
        [str(hotline), "migrate"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert f"first admin {ADMIN[0]!r} created" in finished.stdout


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _bearer(client: TestClient, username: str, password: str) -> dict[str, str]:
    token = _ok(client.post(f"{API}/auth/token", data={"username": username, "password": password}))
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_a_new_city_is_set_up_through_the_api_and_routes_its_first_tickets(
    empty_database: str, tmp_path: Path
) -> None:
    _migrate(empty_database, tmp_path)
    settings = Settings(
        database_url=empty_database,
        upload_dir=tmp_path / "uploads",
        jwt_secret=SecretStr(JWT_SECRET),
        sla_sweep_seconds=0,
    )
    with TestClient(create_app(settings)) as client:
        assert _ok(client.get(f"{API}/departments")) == []
        assert _ok(client.get(f"{API}/categories")) == []
        admin = _bearer(client, *ADMIN)

        # Two departments.
        for body in (
            {"code": "water_supply", "name": "自来水公司", "kind": "public_enterprise"},
            {"code": "city_management", "name": "城市管理局", "short_name": "城管"},
        ):
            _ok(client.post(f"{API}/departments", json=body, headers=admin), 201)
        # A group with three categories.
        _ok(
            client.post(
                f"{API}/categories", json={"code": "50", "name": "市政设施"}, headers=admin
            ),
            201,
        )
        for code, name, extra in (
            ("5001", "供水管道破裂", {"default_priority": "urgent"}),
            ("5002", "井盖缺失", {"default_department_code": "city_management"}),
            ("5003", "道路破损", {"default_request_type": "report"}),
        ):
            body = {"code": code, "name": name, "parent_code": "50"} | extra
            _ok(client.post(f"{API}/categories", json=body, headers=admin), 201)
        # A two-street grid map.
        imported = _ok(client.post(f"{API}/grids/import", json=_grid_map(), headers=admin))
        assert imported["added"] == 6
        # One routing rule.
        rule = {
            "name": "供水管道归自来水公司",
            "position": 10,
            "category_codes": ["5001"],
            "target": {"kind": "department", "department_code": "water_supply"},
        }
        _ok(client.post(f"{API}/routing/rules", json=rule, headers=admin), 201)
        # One user per role (the admin is the bootstrap one).
        users = {
            "duty": {"role": "dispatcher"},
            "inspector": {"role": "supervisor"},
            "water_clerk": {"role": "unit_handler", "department_code": "water_supply"},
            "walker": {"role": "grid_worker", "grid_code": "9901B0101"},
        }
        for username, fields in users.items():
            body = {
                "username": username,
                "display_name": f"{username} 名",
                "password": "pw-" + username * 3,
            }
            _ok(client.post(f"{API}/users", json=body | fields, headers=admin), 201)
        # One key.
        key = _ok(
            client.post(
                f"{API}/integration-clients",
                json={"name": "市12345热线", "channels": ["hotline_12345"]},
                headers=admin,
            ),
            201,
        )["api_key"]

        # A call to 12345 about a burst main in street A: the rule sends it to the water company.
        call = {
            "channel": "hotline_12345",
            "external_id": "call-0001",
            "call": {
                "caller_number": "13900001111",
                "agent_id": "agent-01",
                "started_at": "2026-12-01T09:00:00+08:00",
                "recording_ref": "rec/0001.wav",
            },
            "category_code": "5001",
            "description": "路口水管爆裂，水漫到马路上",
            "location": IN_STREET_A,
        }
        burst = _ok(client.post(f"{API}/tickets", json=call, headers={"X-API-Key": key}), 201)
        assert burst["assigned_unit"]["code"] == "water_supply"
        assert burst["priority"] == "urgent"
        assert burst["grid"]["code"] == "9901A0101"
        # A grid worker's patrol in street B: no rule, the category's default department.
        walker = _bearer(client, "walker", "pw-" + "walker" * 3)
        patrol = {
            "channel": "grid_patrol",
            "external_id": "patrol-0001",
            "worker_id": "walker",
            "grid_code": "9901B0101",
            "category_code": "5002",
            "description": "巡查发现井盖缺失",
        }
        manhole = _ok(client.post(f"{API}/tickets", json=patrol, headers=walker), 201)
        assert manhole["assigned_unit"]["code"] == "city_management"

        # The water company's clerk finds the call in their queue, named by who filed it.
        clerk = _bearer(client, "water_clerk", "pw-" + "water_clerk" * 3)
        queue = _ok(client.get(f"{API}/tickets", headers=clerk))["items"]
        assert [item["number"] for item in queue] == [burst["number"]]
        timeline = _ok(client.get(f"{API}/tickets/{burst['number']}", headers=clerk))["timeline"]
        assert timeline[0]["actor"]["name"] == "市12345热线"
        # And the admin sees every step of the set-up in the audit log.
        log = _ok(
            client.get(f"{API}/audit", params={"actor": ADMIN[0], "limit": 500}, headers=admin)
        )
        kinds = {entry["kind"] for entry in log["items"]}
        assert {"department", "category", "grid_map", "routing_rule"} <= kinds
