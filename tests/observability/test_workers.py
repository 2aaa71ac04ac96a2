"""Several worker processes: a scrape answered by any of them counts every worker's requests."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import POSTGRES_URL, empty_database
from tests.served import free_port, stop, wait_until_ready

WORKERS = 2


def _healthz_count(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "hotline_http_request_duration_seconds_count" and sample.labels == {
                "method": "GET",
                "route": "/healthz",
                "status": "200",
            }:
                return sample.value
    return 0.0


@pytest.mark.slow
@pytest.mark.skipif(POSTGRES_URL is None, reason="several workers need PostgreSQL")
def test_every_scrape_sums_every_worker(tmp_path: Path) -> None:
    with empty_database("postgresql", tmp_path, "hotline_metrics_workers") as url:
        ids = _scrape_two_workers(tmp_path, url)
    log_path = tmp_path / "serve.log"
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line[:1] == "{"]
    logged = {line.get("request_id") for line in lines if line["logger"] == "hotline.access"}
    assert set(ids) <= logged
    assert os.environ.get("PROMETHEUS_MULTIPROC_DIR") is None  # the test's own stays untouched


def _scrape_two_workers(tmp_path: Path, database_url: str) -> list[str]:
    """Serve with two workers; the request ids of the answers, after checking that both
    workers answered and that every scrape counts every answer."""
    hotline = Path(sys.executable).with_name("hotline")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    unwanted = ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")
    environment = {name: value for name, value in os.environ.items() if name not in unwanted}
    environment |= {
        "HOTLINE_DATABASE_URL": database_url,
        "HOTLINE_UPLOAD_DIR": str(tmp_path / "uploads"),
        "HOTLINE_LOG_FORMAT": "json",
        "HOTLINE_SLA_SWEEP_SECONDS": "0",
    }
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [str(hotline), "serve", "--workers", str(WORKERS), "--port", str(port)],
            env=environment,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_ready(base_url, server)
            # Each connection new, so the workers take turns; each answer names its
            # process in its request id's prefix.
            processes: set[str] = set()
            ids: list[str] = []
            deadline = time.monotonic() + 20
            while len(processes) < WORKERS or len(ids) < 20:
                assert time.monotonic() < deadline, f"only {processes} answered"
                answer = httpx.get(f"{base_url}/healthz", timeout=5)
                assert answer.status_code == 200
                ids.append(answer.headers["x-request-id"])
                processes.add(ids[-1].rsplit("-", 1)[0])
            counts = {_healthz_count(base_url) for _ in range(3 * WORKERS)}
            assert counts == {len(ids)}
        except BaseException:
            print((tmp_path / "serve.log").read_text(errors="replace"))
            raise
        finally:
            stop(server, timeout=15)
    return ids
