"""One action wins when many hit the same ticket at the same moment: over real
connections and real commits, on every database the tests run on."""

from collections import Counter

import httpx
import pytest

from tests.concurrency import post_at_once
from tests.workflow.helpers import TICKETS, Auth, Json, department_ticket, events, read

# Bursts of threads against a live server.
pytestmark = pytest.mark.slow


def _at_once(url: str, path: str, body: Json, headers: dict[str, str]) -> Counter[int]:
    """How many of THREADS simultaneous POSTs got each status; never a 500."""
    responses = post_at_once(url, path, body, headers)
    failed = [response.text for response in responses if response.status_code >= 500]
    assert not failed, failed
    return Counter(response.status_code for response in responses)


def test_eight_sign_fors_at_once_sign_once(live_server: str, auth: Auth) -> None:
    with httpx.Client(base_url=live_server, headers=auth["dispatcher"], timeout=30) as http:
        ticket = department_ticket(http)
        number = ticket["number"]
        statuses = _at_once(live_server, f"{TICKETS}/{number}/sign", {}, auth["urban"])
        after = read(http, number)
    assert statuses[200] == 1, statuses
    assert set(statuses) <= {200, 409, 412}, statuses
    assert after["status"] == "signed"
    assert after["version"] == ticket["version"] + 1
    assert len(events(after, "signed")) == 1
    assert [clock["state"] for clock in after["clocks"] if clock["clock"] == "sign"] == ["met"]
    assert len(events(after, "clock_stopped")) == 1


def test_eight_urges_with_the_same_if_match_urge_once(live_server: str, auth: Auth) -> None:
    with httpx.Client(base_url=live_server, headers=auth["dispatcher"], timeout=30) as http:
        ticket = department_ticket(http)
        number = ticket["number"]
        headers = auth["dispatcher"] | {"If-Match": f'"{ticket["version"]}"'}
        statuses = _at_once(live_server, f"{TICKETS}/{number}/urge", {"note": "请尽快"}, headers)
        after = read(http, number)
    assert statuses[200] == 1, statuses
    assert set(statuses) <= {200, 409, 412}, statuses
    assert after["urge_count"] == 1
    assert after["version"] == ticket["version"] + 1
    assert len(events(after, "urged")) == 1
