"""`hotline serve --workers N`: several processes share the port, and SIGTERM drains them:
the requests in flight finish, nothing acknowledged is lost, new connections are refused."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from app.cli import main
from app.config import Settings
from app.db import create_db_engine
from app.demo.people import DEMO_CLIENTS
from tests import factories
from tests.conftest import POSTGRES_URL, empty_database
from tests.served import free_port, stop, wait_until_ready

SENDERS = 4
CITIZEN_APP_KEY = DEMO_CLIENTS[1].key


def test_several_workers_on_sqlite_are_refused_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    with pytest.raises(SystemExit, match="several workers need PostgreSQL"):
        main(["serve", "--workers", "2"])
    assert not (tmp_path / "one.db").exists()  # refused before anything was made


def _post_until_refused(base_url: str, answers: list[httpx.Response]) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        while True:
            try:
                answer = http.post(
                    "/api/v1/tickets", json=factories.web(), headers={"X-API-Key": CITIZEN_APP_KEY}
                )
            except httpx.TransportError:
                return
            answers.append(answer)


@pytest.mark.slow
@pytest.mark.skipif(POSTGRES_URL is None, reason="several workers need PostgreSQL")
def test_two_workers_serve_and_a_sigterm_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    hotline = Path(sys.executable).with_name("hotline")  # the installed console script
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with empty_database("postgresql", tmp_path, "hotline_serve_workers") as url:
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        environment |= {"HOTLINE_DATABASE_URL": url, "HOTLINE_UPLOAD_DIR": str(tmp_path / "up")}
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(hotline), "serve", "--demo", "--workers", "2", "--port", str(port)],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            answers: list[httpx.Response] = []
            try:
                wait_until_ready(base_url, server)
                senders = [
                    threading.Thread(target=_post_until_refused, args=(base_url, answers))
                    for _ in range(SENDERS)
                ]
                for sender in senders:
                    sender.start()
                deadline = time.monotonic() + 60
                while len(answers) < 40 and time.monotonic() < deadline:
                    time.sleep(0.05)
                server.send_signal(signal.SIGTERM)
                for sender in senders:
                    sender.join(timeout=60)
                server.wait(timeout=60)
            except BaseException:
                print(log_path.read_text(errors="replace"))  # shown by pytest on failure
                raise
            finally:
                stop(server)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{base_url}/readyz", timeout=2)
        engine = create_db_engine(Settings(database_url=url))
        with engine.connect() as connection:
            stored = set(connection.execute(text("SELECT number FROM ticket")).scalars())
        engine.dispose()

    output = log_path.read_text(errors="replace")
    assert server.returncode == 0, output
    assert len(set(re.findall(r"Started server process \[(\d+)\]", output))) == 2, output
    assert len(answers) >= 40, output
    assert {answer.status_code for answer in answers} == {201}, output
    acknowledged = {answer.json()["number"] for answer in answers}
    assert acknowledged <= stored
