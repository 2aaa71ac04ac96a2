"""`hotline load-city` and `hotline export-city` on databases of their own: a city
exported and loaded again is the same city, the demo city ships as such a folder, and a
bad folder is refused with every problem and nothing written."""

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.config import Settings
from app.db import create_db_engine, create_session_factory, session_scope
from app.demo.city import build_demo_city
from app.demo.people import seed_demo_people
from app.demo.routing import seed_demo_routing
from app.demo.seed import DEMO_FOLDER, seed_demo_city

pytestmark = pytest.mark.slow  # each loads or exports a whole city

SECRET_COLUMNS = {"password", "key"}


def _use(database: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{database}"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    for name in ("HOTLINE_BOOTSTRAP_ADMIN_USERNAME", "HOTLINE_BOOTSTRAP_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return url


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert isinstance(count, int)
    return count


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_city_exported_and_loaded_again_is_the_same_city(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(tmp_path / "first.db", monkeypatch)
    main(["migrate"])
    main(["seed-demo"])
    main(["export-city", str(tmp_path / "exported")])
    second = tmp_path / "second.db"
    url = _use(second, monkeypatch)
    main(["migrate"])
    capsys.readouterr()

    main(["load-city", "--dry-run", str(tmp_path / "exported")])
    assert "dry run: exported is valid" in capsys.readouterr().out
    assert _count(second, "grid") == 0

    # As an operator runs it: a process of its own, with its progress bar.
    loaded = subprocess.run(
        [sys.executable, "-m", "app.cli", "load-city", str(tmp_path / "exported")],
        env={"HOTLINE_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "360 grids" in loaded.stdout
    assert "100%" in loaded.stderr
    assert "one-time password  admin" in loaded.stdout  # exported without passwords

    main(["export-city", str(tmp_path / "again")])
    assert _files(tmp_path / "again") == _files(tmp_path / "exported")


def _rows(path: Path) -> list[dict[str, str]]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return [{k: v for k, v in row.items() if k not in SECRET_COLUMNS} for row in rows]


def test_the_demo_folder_holds_the_demo_city(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder seed-demo loads is the city app.demo.city builds, which the tests use."""
    url = _use(tmp_path / "built.db", monkeypatch)
    main(["migrate"])
    engine = create_db_engine(Settings(database_url=url))
    for session in session_scope(create_session_factory(engine)):
        seed_demo_city(session)
        seed_demo_people(session, build_demo_city())
        seed_demo_routing(session, build_demo_city())
    engine.dispose()

    main(["export-city", str(tmp_path / "built")])

    for shipped in sorted(DEMO_FOLDER.iterdir()):
        exported = tmp_path / "built" / shipped.name
        if shipped.suffix == ".csv":
            assert _rows(shipped) == _rows(exported), shipped.name
        else:
            assert shipped.read_bytes() == exported.read_bytes(), shipped.name


def test_a_bad_folder_is_refused_with_every_problem_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "city.db"
    _use(database, monkeypatch)
    main(["migrate"])
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "departments.csv").write_text(
        "code,name\nwater,水务局\nwater,水务局二\n", encoding="utf-8"
    )
    (folder / "staff.csv").write_text(
        "username,display_name,role,grid_code\nzhang,张,grid_worker,000\n", encoding="utf-8"
    )
    capsys.readouterr()

    with pytest.raises(SystemExit) as exited:
        main(["load-city", str(folder)])

    assert isinstance(exited.value.code, str)
    assert "2 problem(s); nothing was written" in exited.value.code
    out = capsys.readouterr().out
    assert "departments.csv:3: code: A department already has code 'water'." in out
    assert "staff.csv:2: grid_code: No grid has code '000'." in out
    assert _count(database, "department") == 0
    assert _count(database, "staff_user") == 0
