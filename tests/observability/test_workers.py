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

from tests.test_cli import _environment, _free_port, _wait_until_ready

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
def test_every_scrape_sums_every_worker(tmp_path: Path) -> None:
    hotline = Path(sys.executable).with_name("hotline")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = _environment(tmp_path, tmp_path / "data" / "served.db")
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment["HOTLINE_LOG_FORMAT"] = "json"
    environment["HOTLINE_SLA_SWEEP_SECONDS"] = "0"
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(hotline), "serve", "--workers", str(WORKERS), "--port", str(port)],
            env=environment,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(base_url, server)
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
            print(log_path.read_text(errors="replace"))
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line[:1] == "{"]
    logged = {line.get("request_id") for line in lines if line["logger"] == "hotline.access"}
    assert set(ids) <= logged
    assert os.environ.get("PROMETHEUS_MULTIPROC_DIR") is None  # the test's own stays untouched
