"""The `hotline` command: migrate, seed-demo, and serve --demo end to end."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.cli import main
from app.schema_version import head_revision
from tests.served import free_port, stop, wait_until_ready

# Each runs the hotline command as a process of its own.
pytestmark = pytest.mark.slow

DEMO_GRIDS = 300 + 50 + 10  # unit grids + communities + streets
DEMO_DEPARTMENTS = 13  # twelve functional departments and the district office
# Loading the demo hashes seven passwords with argon2: seconds each on a busy machine.


def _database_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert isinstance(count, int)
    return count


def _revision(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert isinstance(revision, str)
    return revision


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The SQLite file the in-process CLI is pointed at (it does not exist yet)."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", _database_url(path))
    return path


def test_migrate_then_seed_demo_prints_what_it_loaded(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    assert "newest migration" in capsys.readouterr().out
    assert _revision(database) == head_revision()

    main(["seed-demo"])

    out = capsys.readouterr().out
    assert f"{DEMO_GRIDS} grids" in out
    assert f"{DEMO_DEPARTMENTS} departments" in out
    assert _count(database, "grid") == DEMO_GRIDS
    assert _count(database, "department") == DEMO_DEPARTMENTS


def test_second_seed_demo_fails_and_duplicates_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    main(["seed-demo"])
    categories = _count(database, "category")
    capsys.readouterr()

    with pytest.raises(SystemExit) as exited:
        main(["seed-demo"])

    # sys.exit(message): the message goes to stderr and the exit status is 1.
    assert isinstance(exited.value.code, str)
    assert "demo city is loaded already" in exited.value.code
    assert "demo city loaded" not in capsys.readouterr().out
    assert _count(database, "grid") == DEMO_GRIDS
    assert _count(database, "department") == DEMO_DEPARTMENTS
    assert _count(database, "category") == categories


def _refusal(argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert isinstance(exited.value.code, str)
    return exited.value.code


def _nothing_of_the_demo(database: Path) -> None:
    assert _count(database, "grid") == 0
    assert _count(database, "category") == 0
    assert _count(database, "integration_client") == 0


@pytest.mark.parametrize("command", [["seed-demo"], ["serve", "--demo", "--port", "1"]])
def test_the_demo_is_refused_beside_a_real_admin(
    database: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("HOTLINE_BOOTSTRAP_ADMIN_USERNAME", "admin")
    monkeypatch.setenv("HOTLINE_BOOTSTRAP_ADMIN_PASSWORD", "a-real-admin-password")
    main(["migrate"])

    message = _refusal(command)

    # Even named "admin", the real admin is not the demo's (whose password is published).
    assert "not the demo city" in message
    assert "1 staff accounts: admin (admin)" in message
    assert "Nothing was written" in message
    assert "--force" not in message
    _nothing_of_the_demo(database)
    assert _count(database, "staff_user") == 1


def test_the_demo_is_refused_beside_a_real_unit_and_tickets(database: Path) -> None:
    main(["migrate"])
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO department (code, name, created_at)"
            " VALUES ('fire', '消防救援大队', '2026-11-23 00:00:00+00:00')"
        )
        connection.execute(
            "INSERT INTO ticket (number, channel, request_type, priority, title, description,"
            " match_text, is_anonymous, is_confidential, status, version, tracking_code,"
            " channel_data, created_at, updated_at) VALUES ('20261123-000001', 'web', 'help',"
            " 'normal', 't', 'd', 'td', 0, 0, 'new', 1, 'code', '{}',"
            " '2026-11-23 00:00:00+00:00', '2026-11-23 00:00:00+00:00')"
        )

    message = _refusal(["seed-demo"])

    assert "1 departments: fire" in message
    assert "1 tickets" in message
    _nothing_of_the_demo(database)
    assert _count(database, "staff_user") == 0


def test_migrate_creates_the_database_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "not" / "yet" / "there" / "hotline.db"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", _database_url(database))

    main(["migrate"])

    assert database.is_file()
    assert _revision(database) == head_revision()


def test_migrate_twice_is_harmless(database: Path) -> None:
    main(["migrate"])
    main(["migrate"])
    assert _revision(database) == head_revision()


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["explode"])
    assert exited.value.code == 2
    assert "usage: hotline" in capsys.readouterr().err


def _environment(tmp_path: Path, database: Path) -> dict[str, str]:
    environment = os.environ.copy()
    environment.pop("DATABASE_URL", None)
    environment["HOTLINE_DATABASE_URL"] = _database_url(database)
    environment["HOTLINE_UPLOAD_DIR"] = str(tmp_path / "uploads")
    return environment


def test_migrate_as_a_real_command(tmp_path: Path) -> None:
    database = tmp_path / "subprocess.db"

    finished = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        env=_environment(tmp_path, database),
        cwd=tmp_path,  # must not depend on being run from the project directory
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    assert "newest migration" in finished.stdout
    assert _revision(database) == head_revision()


def test_serve_demo_end_to_end(tmp_path: Path) -> None:
    hotline = Path(sys.executable).with_name("hotline")  # the installed console script
    assert hotline.exists(), "the project is not installed: no `hotline` script"
    database = tmp_path / "data" / "served.db"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"

    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(hotline), "serve", "--demo", "--port", str(port)],
            env=_environment(tmp_path, database),
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            ready = wait_until_ready(base_url, server)
            assert ready.json() == {"status": "ok", "schema": head_revision()}

            streets = httpx.get(f"{base_url}/api/v1/grids", params={"level": 1}, timeout=5)

            assert streets.status_code == 200
            assert len(streets.json()) == 10
            assert {grid["level"] for grid in streets.json()} == {1}
            assert (tmp_path / "uploads").is_dir()
        except BaseException:
            print(log_path.read_text(errors="replace"))  # shown by pytest on failure
            raise
        finally:
            stop(server)
    assert "demo city loaded" in log_path.read_text()


def test_seed_demo_on_an_unmigrated_database_says_to_migrate_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(SystemExit, match="hotline migrate"):
        main(["seed-demo"])


def test_sla_sweep_once_records_what_is_due_and_says_so(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    main(["seed-demo"])
    capsys.readouterr()
    with sqlite3.connect(database) as connection:
        calendar_id = connection.execute(
            "SELECT id FROM work_calendar WHERE code = 'standard'"
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO ticket (number, channel, request_type, priority, title, description,"
            " match_text, is_anonymous, is_confidential, status, version, tracking_code,"
            " channel_data, created_at, updated_at) VALUES ('20261123-000001', 'web', 'help',"
            " 'normal', 't', 'd', 'td', 0, 0, 'signed', 1, 'code', '{}',"
            " '2026-11-23 00:00:00+00:00', '2026-11-23 00:00:00+00:00')"
        )
        connection.execute(
            "INSERT INTO ticket_clock (ticket_id, kind, cycle, state, calendar_id, target,"
            " started_at, due_at, warn_at, next_alert_at, extended_days, provisional)"
            " VALUES (1, 'reply', 1, 'running', ?, '2h', '2026-11-23 00:00:00+00:00',"
            " '2026-11-23 02:00:00+00:00', '2026-11-23 01:30:00+00:00',"
            " '2026-11-23 01:30:00+00:00', 0, 0)",
            (calendar_id,),
        )

    main(["sla-sweep", "--once"])

    assert "1 warnings, 1 breaches recorded" in capsys.readouterr().out
    main(["sla-sweep", "--once"])
    assert "0 warnings, 0 breaches recorded" in capsys.readouterr().out


def test_seed_demo_with_history_leaves_figures_every_report_reads(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_UPLOAD_DIR", str(tmp_path / "uploads"))
    main(["migrate"])
    main(["seed-demo", "--history", "--days", "3"])

    assert _count(database, "ticket") == 18  # six a day
    with sqlite3.connect(database) as connection:
        assigned, replied, received = connection.execute(
            "SELECT sum(assigned), sum(replied), sum(received) FROM stat_day"
        ).fetchone()
    assert received == 18
    assert assigned > 0
    assert replied > 0

    main(["rebuild-stats"])
    with sqlite3.connect(database) as connection:
        again = connection.execute(
            "SELECT sum(assigned), sum(replied), sum(received) FROM stat_day"
        ).fetchone()
    assert again == (assigned, replied, received)


def test_load_policies_asks_for_the_utilities_group_a_city_lacks(database: Path) -> None:
    main(["migrate"])
    with pytest.raises(SystemExit) as exit_:
        main(["load-policies", "beijing"])
    assert "--utilities-group" in str(exit_.value.code)
    with pytest.raises(SystemExit):
        main(["load-policies", "shanghai"])  # no such preset: argparse's usage error
