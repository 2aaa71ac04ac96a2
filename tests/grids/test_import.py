"""Importing the city's grid map, over HTTP and from the command line: all of it or nothing."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.cli import main
from app.config import Settings
from app.grids.locator import GRID_LOCATOR, GridLocator
from app.grids.models import GridRevision
from app.main import MULTIPART_OVERHEAD_BYTES
from app.units.models import Grid
from tests.apps import app_with, set_resource
from tests.grids import geojson_samples as samples
from tests.grids.geojson_samples import FeatureCollection

IMPORT = "/api/v1/grids/import"
MAP_VERSIONS = "/api/v1/grids/map-versions"
COMMUNITY = "351002001001"
OTHER_COMMUNITY = "351002002001"
UNIT = "351002001001001"
OTHER_UNIT = "351002001003001"  # in another community; grown east, it overlaps 3
NEW_NAME = "观前新村社区"
# A street east of the city, with one community and one unit grid filling it.
NEW_STREET, NEW_COMMUNITY, NEW_UNIT = "351002011", "351002011001", "351002011001001"
NEW_STREET_POINT = (27.305, 118.305)  # lat, lon


@pytest.fixture(scope="module")
def demo() -> FeatureCollection:
    return samples.demo_feature_collection()


def post_map(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    collection: FeatureCollection,
    **params: Any,
) -> httpx.Response:
    response: httpx.Response = client.post(
        IMPORT, json=collection, params=params, headers=auth["admin"]
    )
    return response


def map_versions(client: TestClient) -> list[dict[str, Any]]:
    response = client.get(MAP_VERSIONS)
    assert response.status_code == 200, response.text
    versions: list[dict[str, Any]] = response.json()
    return versions


def grid_name(client: TestClient, code: str) -> str:
    response = client.get(f"/api/v1/grids/{code}")
    assert response.status_code == 200, response.text
    name: str = response.json()["name"]
    return name


def revision_count(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(GridRevision)) or 0


def counts(report: dict[str, Any]) -> dict[str, int]:
    return {key: report[key] for key in ("features", "added", "changed", "unchanged")}


def new_street_map() -> FeatureCollection:
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[118.3, 27.3], [118.31, 27.3], [118.31, 27.31], [118.3, 27.31], [118.3, 27.3]]
        ],
    }
    return {
        "type": "FeatureCollection",
        "features": [
            samples.feature(NEW_STREET, "新区街道", 1, None, boundary),
            samples.feature(NEW_COMMUNITY, "新区社区", 2, NEW_STREET, boundary),
            samples.feature(NEW_UNIT, "新区社区第一网格", 3, NEW_COMMUNITY, boundary),
        ],
    }


# -- over HTTP -----------------------------------------------------------------------------------


def test_a_renamed_community_makes_a_new_map_version_with_one_change(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    session_factory: sessionmaker[Session],
) -> None:
    before = map_versions(client)

    response = post_map(client, auth, samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME}))

    assert response.status_code == 200, response.text
    report = response.json()
    assert counts(report) == {"features": 360, "added": 0, "changed": 1, "unchanged": 359}
    version = report["map_version"]
    assert version["id"] > before[0]["id"]
    assert version["source"] == "api"
    assert version["crs"] == "wgs84"
    assert (version["grids_added"], version["grids_changed"]) == (0, 1)
    assert version["imported_by"] == "admin"
    assert map_versions(client) == [version, *before]
    assert grid_name(client, COMMUNITY) == NEW_NAME
    with session_factory() as session:
        revisions = session.execute(
            select(Grid.code, GridRevision.name, GridRevision.parent_code)
            .join(Grid, Grid.id == GridRevision.grid_id)
            .where(GridRevision.map_version_id == version["id"])
        ).all()
    assert [tuple(row) for row in revisions] == [(COMMUNITY, NEW_NAME, "351002001")]


@pytest.mark.parametrize(
    ("filename", "source"),
    [
        ("潭城区网格 2026.geojson", "潭城区网格 2026.geojson"),
        ("C:\\地图\\tancheng.geojson", "tancheng.geojson"),  # some clients send the whole path
        ("", "api"),
        (None, "api"),  # a text field rather than a file
    ],
)
def test_a_map_uploaded_as_a_file_is_named_after_it_and_keeps_its_crs(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    filename: str | None,
    source: str,
) -> None:
    data = samples.to_bytes(samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME}))

    response = client.post(
        IMPORT,
        params={"crs": "gcj02"},
        files={"file": (filename, data, "application/geo+json")},
        headers=auth["admin"],
    )

    assert response.status_code == 200, response.text
    version = response.json()["map_version"]
    assert (version["source"], version["crs"], version["grids_changed"]) == (source, "gcj02", 1)
    assert grid_name(client, COMMUNITY) == NEW_NAME


def test_a_map_sent_as_geojson_text_is_read_as_such(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    renamed = samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME})

    response = client.post(
        IMPORT,
        content=samples.to_bytes(renamed),
        headers={**auth["admin"], "Content-Type": "application/geo+json"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["changed"] == 1


def test_a_dry_run_reports_the_changes_and_writes_nothing(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    session_factory: sessionmaker[Session],
) -> None:
    before, revisions = map_versions(client), revision_count(session_factory)
    renamed = samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME})

    response = post_map(client, auth, renamed, dry_run=True)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "map_version": None,
        "features": 360,
        "added": 0,
        "changed": 1,
        "unchanged": 359,
        "retired": 0,
    }
    assert map_versions(client) == before
    assert grid_name(client, COMMUNITY) != NEW_NAME
    assert revision_count(session_factory) == revisions


def test_the_same_map_again_changes_nothing(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    response = post_map(client, auth, demo)

    assert response.status_code == 200, response.text
    report = response.json()
    assert counts(report) == {"features": 360, "added": 0, "changed": 0, "unchanged": 360}
    version = report["map_version"]
    assert (version["grids_added"], version["grids_changed"]) == (0, 0)


def test_a_new_street_is_added_and_located_at_once(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    session_factory: sessionmaker[Session],
) -> None:
    # A locator that would not look at the database again for an hour on its own.
    app = client.app
    assert isinstance(app, FastAPI)
    locator = set_resource(app, GRID_LOCATOR, GridLocator(check_every=3600))
    with session_factory() as session:
        old_index = locator.index(session)
        assert old_index is not None
        assert old_index.locate_wgs84(*NEW_STREET_POINT) is None

    response = post_map(client, auth, new_street_map())

    assert response.status_code == 200, response.text
    report = response.json()
    assert counts(report) == {"features": 3, "added": 3, "changed": 0, "unchanged": 0}
    assert client.get(f"/api/v1/grids/{NEW_UNIT}").json()["parent_code"] == NEW_COMMUNITY
    with session_factory() as session:
        index = locator.index(session)
    assert index is not None
    assert index.map_version_id == report["map_version"]["id"]
    located = index.locate_wgs84(*NEW_STREET_POINT)
    assert located is not None
    assert located.grid.code == NEW_UNIT


def whole_map_with_new_street(demo: FeatureCollection) -> FeatureCollection:
    return {
        "type": "FeatureCollection",
        "features": demo["features"] + new_street_map()["features"],
    }


def codes_of_level(client: TestClient, level: int) -> set[str]:
    response = client.get("/api/v1/grids", params={"level": level})
    assert response.status_code == 200, response.text
    return {grid["code"] for grid in response.json()}


def test_a_complete_map_retires_the_grids_it_leaves_out(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    session_factory: sessionmaker[Session],
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    locator = set_resource(app, GRID_LOCATOR, GridLocator(check_every=3600))
    added = post_map(client, auth, whole_map_with_new_street(demo), complete=True)
    assert (added.json()["added"], added.json()["retired"]) == (3, 0)

    dry_run = post_map(client, auth, demo, complete=True, dry_run=True)
    assert dry_run.json()["retired"] == 3
    assert NEW_STREET in codes_of_level(client, 1)

    response = post_map(client, auth, demo, complete=True)

    assert response.status_code == 200, response.text
    report = response.json()
    assert counts(report) == {"features": 360, "added": 0, "changed": 0, "unchanged": 360}
    assert report["retired"] == report["map_version"]["grids_retired"] == 3
    assert NEW_STREET not in codes_of_level(client, 1)
    assert NEW_COMMUNITY not in codes_of_level(client, 2)
    assert COMMUNITY in codes_of_level(client, 2)
    page = client.get(f"/api/v1/grids/{NEW_UNIT}").json()
    assert page["retired_at"] is not None
    assert client.get(f"/api/v1/grids/{UNIT}").json()["retired_at"] is None
    with session_factory() as session:
        index = locator.index(session)
    assert index is not None
    assert index.locate_wgs84(*NEW_STREET_POINT) is None

    # Nothing new may be given a retired grid: not a ticket, not an account.
    qr_report = {
        "channel": "qr_code",
        "external_id": "retired-poster-1",
        "community_code": NEW_COMMUNITY,
        "description": "二维码海报上的社区已经撤销了",
    }
    ticket = client.post("/api/v1/tickets", json=qr_report, headers=auth["citizen_app"])
    assert ticket.status_code == 422, ticket.text
    assert "retired from the grid map" in ticket.json()["detail"]
    account = {
        "username": "retired-grid-worker",
        "display_name": "网格员",
        "password": "a-long-enough-password",
        "role": "grid_worker",
        "grid_code": NEW_UNIT,
    }
    refused = client.post("/api/v1/users", json=account, headers=auth["admin"])
    assert refused.status_code == 422, refused.text
    assert "retired from the grid map" in refused.json()["detail"]

    # Drawn again by a later map, the grids are back in force.
    revived = post_map(client, auth, new_street_map())
    assert (revived.json()["changed"], revived.json()["retired"]) == (3, 0)
    assert NEW_STREET in codes_of_level(client, 1)
    assert client.get(f"/api/v1/grids/{NEW_UNIT}").json()["retired_at"] is None


def test_a_map_that_is_not_complete_retires_nothing(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    one_street = samples.only(demo, {COMMUNITY[:9]})

    response = post_map(client, auth, one_street)

    assert response.status_code == 200, response.text
    assert response.json()["retired"] == 0
    assert OTHER_COMMUNITY in codes_of_level(client, 2)


def test_a_complete_map_must_hold_the_parents_of_its_grids(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    """Its parents would be retired by it, so it cannot lean on the map in force."""
    communities_only = samples.only(
        demo, {code for code in samples.codes(demo) if len(code) > len(NEW_STREET)}
    )

    streets = codes_of_level(client, 1)

    response = post_map(client, auth, communities_only, complete=True)

    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert {problem["kind"] for problem in problems} == {"unknown_parent"}
    assert len(problems) == len(codes_of_level(client, 2))  # every community's street
    assert codes_of_level(client, 1) == streets  # nothing retired


BROKEN_MAPS = {
    "bow-tie boundary": lambda demo: samples.bowtie(demo, UNIT),
    "overlapping siblings": lambda demo: samples.spread_into_siblings(demo, UNIT),
}


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("broken", BROKEN_MAPS.values(), ids=BROKEN_MAPS.keys())
def test_a_broken_map_is_refused_with_its_problems_and_nothing_is_written(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    session_factory: sessionmaker[Session],
    broken: Any,
    dry_run: bool,
) -> None:
    before, revisions = map_versions(client), revision_count(session_factory)
    # A sound change elsewhere in the same file must not be written either.
    collection = samples.with_properties(broken(demo), OTHER_COMMUNITY, {"name": NEW_NAME})

    response = post_map(client, auth, collection, dry_run=dry_run)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/grid-map-rejected")
    assert problem["status"] == 422
    assert problem["problems"]
    for item in problem["problems"]:
        assert set(item) == {"kind", "code", "feature", "message"}
        assert UNIT in item["message"]
    assert map_versions(client) == before
    assert grid_name(client, OTHER_COMMUNITY) != NEW_NAME
    assert revision_count(session_factory) == revisions


def test_every_problem_of_a_map_is_listed(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    collection = samples.spread_into_siblings(samples.bowtie(demo, UNIT), OTHER_UNIT)

    response = post_map(client, auth, collection)

    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    found = {(item["kind"], item["code"]) for item in problems}
    assert ("self_intersection", UNIT) in found
    assert "overlap" in {kind for kind, _ in found}
    assert any(OTHER_UNIT in item["message"] for item in problems if item["kind"] == "overlap")
    assert all(item["feature"] is not None for item in problems)


def test_a_body_that_is_not_json_gets_the_parsers_problem(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    response = client.post(
        IMPORT,
        content=b'{"type": "FeatureCollection", "features": [',
        headers={**auth["admin"], "Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert (problem["kind"], problem["code"], problem["feature"]) == ("invalid_json", None, None)
    assert "line 1" in problem["message"]


def test_a_body_of_another_type_is_415(client: TestClient, auth: dict[str, dict[str, str]]) -> None:
    response = client.post(
        IMPORT, content=b"code,name\n", headers={**auth["admin"], "Content-Type": "text/csv"}
    )

    assert response.status_code == 415, response.text
    assert "multipart" in response.json()["detail"]


def test_an_upload_without_the_file_field_is_422(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    response = client.post(
        IMPORT,
        files={"map": ("city.geojson", samples.to_bytes(demo), "application/geo+json")},
        headers=auth["admin"],
    )

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "file"


def test_an_unknown_crs_is_422(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    response = post_map(client, auth, demo, crs="cgcs2000")

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "query.crs"


def test_a_map_over_the_json_body_limit_is_accepted(
    client: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    settings: Settings,
) -> None:
    # A real city's map is megabytes; here the demo map, padded past the JSON limit.
    data = samples.to_bytes(demo) + b" " * settings.max_body_bytes

    response = client.post(
        IMPORT, content=data, headers={**auth["admin"], "Content-Type": "application/json"}
    )

    assert response.status_code == 200, response.text
    assert response.json()["unchanged"] == 360


@pytest.fixture
def small_upload_client(
    settings: Settings, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The app with uploads limited to 2 x 40 kB (plus the multipart allowance)."""
    app = app_with(settings, session_factory, max_photo_bytes=40_000, max_photos_per_ticket=2)
    with TestClient(app) as test_client:
        yield test_client


def test_a_map_over_the_upload_limit_is_413(
    small_upload_client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    data = samples.to_bytes(demo)
    assert len(data) > 2 * 40_000 + MULTIPART_OVERHEAD_BYTES

    response = small_upload_client.post(
        IMPORT, content=data, headers={**auth["admin"], "Content-Type": "application/json"}
    )

    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dispatcher", 403),
        ("supervisor", 403),
        ("street", 403),
        ("gridworker", 403),
        ("citizen_app", 403),
        (None, 401),
    ],
)
def test_only_an_admin_may_import(
    anonymous: TestClient,
    auth: dict[str, dict[str, str]],
    demo: FeatureCollection,
    who: str | None,
    status: int,
) -> None:
    renamed = samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME})

    response = anonymous.post(IMPORT, json=renamed, headers=auth[who] if who else {})

    assert response.status_code == status, response.text
    assert grid_name(anonymous, COMMUNITY) != NEW_NAME


def test_map_versions_are_listed_newest_first_for_staff(
    anonymous: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    post_map(anonymous, auth, samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME}))

    response = anonymous.get(MAP_VERSIONS, headers=auth["gridworker"])

    assert response.status_code == 200, response.text
    versions = response.json()
    ids = [version["id"] for version in versions]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) >= 2
    assert versions[0]["imported_by"] == "admin"
    assert (versions[-1]["source"], versions[-1]["imported_by"]) == ("demo city", None)
    assert anonymous.get(MAP_VERSIONS).status_code == 401
    assert anonymous.get(MAP_VERSIONS, headers=auth["citizen_app"]).status_code == 403


# -- from the command line ----------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite file with no grids yet, which the in-process CLI is pointed at."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{path}")
    main(["migrate"])
    return path


def write_map(directory: Path, name: str, collection: FeatureCollection) -> Path:
    path = directory / name
    path.write_bytes(samples.to_bytes(collection))
    return path


def rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def test_the_command_imports_a_map_file_with_a_progress_bar(
    database: Path, tmp_path: Path, demo: FeatureCollection, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    city = write_map(tmp_path, "tancheng.geojson", demo)

    main(["import-grids", str(city)])

    out, err = capsys.readouterr()
    assert "grid map version 1 imported from tancheng.geojson: 360 added, 0 changed" in out
    assert err.startswith("\rvalidating [")
    assert err.endswith(f"[{'#' * 40}] 100%\n")
    assert err.count("\n") == 1
    assert rows(database, "SELECT count(*) FROM grid") == [(360,)]

    renamed = write_map(
        tmp_path,
        "tancheng-v2.geojson",
        samples.with_properties(demo, COMMUNITY, {"name": NEW_NAME}),
    )
    main(["import-grids", str(renamed), "--crs", "gcj02"])

    out = capsys.readouterr().out
    assert (
        "grid map version 2 imported from tancheng-v2.geojson: 0 added, 1 changed, 359 unchanged"
        in out
    )
    assert rows(database, f"SELECT name FROM grid WHERE code = '{COMMUNITY}'") == [(NEW_NAME,)]
    assert rows(database, "SELECT id, source, crs, imported_by FROM grid_map_version") == [
        (1, "tancheng.geojson", "wgs84", "(command line)"),
        (2, "tancheng-v2.geojson", "gcj02", "(command line)"),
    ]


def test_the_command_dry_run_writes_nothing(
    database: Path, tmp_path: Path, demo: FeatureCollection, capsys: pytest.CaptureFixture[str]
) -> None:
    city = write_map(tmp_path, "tancheng.geojson", demo)

    main(["import-grids", str(city), "--dry-run"])

    out = capsys.readouterr().out
    assert "dry run" in out
    assert "360 added, 0 changed, 0 unchanged" in out
    assert rows(database, "SELECT count(*) FROM grid") == [(0,)]
    assert rows(database, "SELECT count(*) FROM grid_map_version") == [(0,)]


def test_the_command_lists_the_problems_of_a_broken_map_and_fails(
    database: Path, tmp_path: Path, demo: FeatureCollection, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    broken = write_map(
        tmp_path,
        "broken.geojson",
        samples.spread_into_siblings(samples.bowtie(demo, UNIT), OTHER_UNIT),
    )

    with pytest.raises(SystemExit) as exited:
        main(["import-grids", str(broken)])

    # sys.exit(message): the message goes to stderr and the exit status is 1.
    assert isinstance(exited.value.code, str)
    assert "nothing was imported" in exited.value.code
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert any(line.startswith(f"self_intersection\t{UNIT}\t") for line in lines), out
    assert any(line.startswith("overlap\t") and OTHER_UNIT in line for line in lines), out
    assert f"{len(lines)} problem(s)" in exited.value.code
    assert err.endswith("100%\n")
    assert rows(database, "SELECT count(*) FROM grid") == [(0,)]
    assert rows(database, "SELECT count(*) FROM grid_map_version") == [(0,)]


def test_the_command_says_when_the_file_cannot_be_read(database: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["import-grids", str(tmp_path / "missing.geojson")])

    assert isinstance(exited.value.code, str)
    assert "cannot read" in exited.value.code


def test_a_partial_map_in_another_system_is_refused(
    client: TestClient, auth: dict[str, dict[str, str]], demo: FeatureCollection
) -> None:
    """The map in force is WGS-84: a GCJ-02 file must redraw every grid, or the grids it
    leaves out would be read in the wrong system."""
    one_street = samples.only(demo, {COMMUNITY[:9]})
    before = len(map_versions(client))
    response = post_map(client, auth, one_street, crs="gcj02")
    assert response.status_code == 422, response.text
    assert "must redraw every grid" in response.json()["detail"]
    assert len(map_versions(client)) == before
