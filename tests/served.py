"""`hotline serve` as an operator runs it: a process of its own on a free port."""

import socket
import subprocess
import time

import httpx
import pytest

SERVE_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    """The first 200 of `/readyz`; fails the test if the server exits or takes too long."""
    deadline = time.monotonic() + SERVE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "hotline serve exited before it was ready"
        try:
            response = httpx.get(f"{base_url}/readyz", timeout=2)
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code == 200:
            return response
        time.sleep(0.1)
    pytest.fail(f"hotline serve was not ready after {SERVE_TIMEOUT_SECONDS} s")


def stop(server: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout`."""
    server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
