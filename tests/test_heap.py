import gc

from fastapi.testclient import TestClient

from tests.factories import web


def test_a_started_service_sets_its_long_lived_objects_aside(client: TestClient) -> None:
    """The collector's full passes skip the modules and the app (app.heap)."""
    assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() > 0


def test_queue_pages_are_served_with_few_collector_passes(client: TestClient) -> None:
    """A page of the queue is thousands of objects. With CPython's default pacing each
    page met a young pass or more, which moved its live objects to the old generation, and
    at a million tickets a full pass (walking every statement compiled since start-up)
    followed every 15 or so pages: one slow request in each screen's forty (app.heap)."""
    for number in range(5):
        body = web(description=f"小区门口第{number}盏路灯晚上不亮")
        assert client.post("/api/v1/tickets", json=body).status_code == 201
    passes = [0, 0, 0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            passes[info["generation"]] += 1

    gc.callbacks.append(count)
    try:
        for _ in range(60):
            assert client.get("/api/v1/tickets", params={"limit": 50}).status_code == 200
    finally:
        gc.callbacks.remove(count)
    assert passes[2] == 0, passes
    assert passes[0] + passes[1] <= 15, passes
