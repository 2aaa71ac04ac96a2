"""Request ids and log lines: every line a request causes names it; JSON or text; phones masked."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests import factories
from tests.observability.conftest import MakeClient

PHONE = "13900001111"
_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "hotline.access")


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """The app sets up the process's logging; put it back for the other tests."""
    saved = {
        name: (
            list(logging.getLogger(name).handlers),
            logging.getLogger(name).level,
            logging.getLogger(name).propagate,
            logging.getLogger(name).disabled,
        )
        for name in _LOGGERS
    }
    yield
    for name, (handlers, level, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


def with_a_logging_route(client: TestClient) -> TestClient:
    """Adds GET /say: it logs, from a worker thread as most endpoints run, a line with a
    caller's phone number in it."""

    def say() -> dict[str, str]:
        logging.getLogger("uvicorn.error").warning("called back %s", PHONE)
        return {}

    client.app.add_api_route("/say", say)  # type: ignore[attr-defined]
    return client


def test_an_id_is_made_for_each_request_and_a_callers_own_is_kept(
    make_client: MakeClient,
) -> None:
    client = make_client()
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert len(first.headers["x-request-id"]) >= 8
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c.2"})
    assert kept.headers["x-request-id"] == "lb-7f3a9c.2"
    # Not something to paste into a log line as it is: replaced.
    for unsafe in ("has spaces in it", "x" * 200, 'quote"d'):
        answer = client.get("/healthz", headers={"X-Request-ID": unsafe})
        assert answer.headers["x-request-id"] not in ("", unsafe)
    # Errors carry it too.
    assert "x-request-id" in client.get("/api/v1/tickets").headers


def test_json_lines_name_the_request_and_mask_phones(
    make_client: MakeClient, auth: dict[str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    client = with_a_logging_route(make_client(log_format="json"))
    said = client.get("/say", headers={"X-Request-ID": "trace-1"})
    body = factories.web(reporter={"name": "李四", "phone": PHONE})
    created = client.post(
        "/api/v1/tickets",
        json=body,
        headers={**auth["citizen_app"], "X-Request-ID": "trace-2"},
    )
    assert created.status_code == 201, created.text
    client.get(f"/api/v1/tickets/{PHONE}", headers={**auth["dispatcher"], "X-Request-ID": "t-3"})
    looked_up = client.post(
        "/api/v1/public/tickets/lookup",
        json={"number": created.json()["number"], "phone": PHONE},
        headers={"X-Request-ID": "t-4"},
    )
    assert looked_up.status_code == 200, looked_up.text

    written = capsys.readouterr().err
    assert PHONE not in written
    lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    by_request = {
        request_id: [e for e in lines if e.get("request_id") == request_id]
        for request_id in ("trace-1", "trace-2", "t-3", "t-4")
    }
    warning, access = by_request["trace-1"]
    assert warning["level"] == "warning"
    assert warning["message"] == "called back 139****1111"
    assert access["logger"] == "hotline.access"
    assert said.headers["x-request-id"] == "trace-1"
    (intake,) = by_request["trace-2"]
    assert intake["route"] == "/api/v1/tickets"
    assert intake["status"] == 201
    assert intake["ticket"] == created.json()["number"]
    assert intake["actor_kind"] == "client"
    assert intake["duration_ms"] > 0
    assert set(intake) >= {"time", "level", "message", "method", "path"}
    (missing,) = by_request["t-3"]
    assert (missing["status"], missing["actor_kind"]) == (404, "user")
    assert missing["route"] == "/api/v1/tickets/{number}"
    assert missing["path"] == "/api/v1/tickets/139****1111"
    (citizen,) = by_request["t-4"]
    assert (citizen["actor_kind"], citizen["ticket"]) == ("citizen", created.json()["number"])


def test_text_lines_stay_as_they_were_with_the_request_id_added(make_client: MakeClient) -> None:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))  # uvicorn's kind
    server_log = logging.getLogger("uvicorn.error")
    server_log.handlers[:] = [handler]
    server_log.propagate = False
    client = with_a_logging_route(make_client(log_format="text"))

    client.get("/say", headers={"X-Request-ID": "trace-9"})

    assert written.getvalue() == "WARNING: called back 139****1111 request_id=trace-9\n"


def test_making_apps_again_does_not_wrap_the_log_records_again(make_client: MakeClient) -> None:
    make_client()
    factory = logging.getLogRecordFactory()
    make_client(log_format="json")
    make_client()
    # Each wrap would add a frame to every log call: a test session makes hundreds of apps.
    assert logging.getLogRecordFactory() is factory
