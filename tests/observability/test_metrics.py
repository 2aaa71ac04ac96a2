"""GET /metrics: who may scrape, and what a scrape says after the service did something."""

from datetime import timedelta
from ipaddress import IPv4Network

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.sla.sweeper import sweep
from app.webhooks import delivery
from tests import factories
from tests.observability.conftest import MakeClient

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, **headers: str) -> Samples:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_scraper_elsewhere_is_refused_unless_its_network_is_listed(
    make_client: MakeClient,
) -> None:
    outside = make_client(client=("203.0.113.9", 5000))
    refused = outside.get("/metrics")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert make_client(client=("127.0.0.1", 5000)).get("/metrics").status_code == 200
    listed = make_client(
        client=("203.0.113.9", 5000), metrics_networks=[IPv4Network("203.0.113.0/24")]
    )
    assert listed.get("/metrics").status_code == 200


def test_with_a_token_a_scraper_anywhere_sends_it(make_client: MakeClient) -> None:
    token = "scrape-" + "t" * 40
    outside = make_client(
        client=("198.51.100.7", 5000), metrics_token=SecretStr(token), metrics_networks=[]
    )
    assert outside.get("/metrics").status_code == 401
    wrong = outside.get("/metrics", headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert outside.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_switched_off_there_is_no_metrics_endpoint(make_client: MakeClient) -> None:
    assert make_client(metrics_enabled=False).get("/metrics").status_code == 404


def test_intake_counts_by_channel_route_template_and_status(
    make_client: MakeClient, auth: dict[str, dict[str, str]]
) -> None:
    client = make_client()
    before = scrape(client)
    created = client.post("/api/v1/tickets", json=factories.web(), headers=auth["citizen_app"])
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert client.get(f"/api/v1/tickets/{number}", headers=auth["dispatcher"]).status_code == 200
    assert client.get("/no/such/page").status_code == 404
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("hotline_tickets_taken_in_total", channel="web") == 1
    assert delta("hotline_tickets_taken_in_total", channel="hotline_12345") == 0
    requests = "hotline_http_request_duration_seconds_count"
    assert delta(requests, method="POST", route="/api/v1/tickets", status="201") == 1
    # The route's template, not the ticket's own path: one series for every ticket.
    assert delta(requests, method="GET", route="/api/v1/tickets/{number}", status="200") == 1
    assert delta(requests, method="GET", route="<unmatched>", status="404") == 1
    # The database's own count, read at the scrape.
    assert (
        delta("hotline_tickets", status="new") + delta("hotline_tickets", status="dispatched") == 1
    )
    assert value(after, "hotline_db_pool_size") >= 1


def test_the_sweeper_lag_shows_what_is_due_and_the_sweep_counts_it(
    make_client: MakeClient,
    auth: dict[str, dict[str, str]],
    clock: FrozenClock,
    session_factory: sessionmaker[Session],
) -> None:
    client = make_client()
    created = client.post("/api/v1/tickets", json=factories.web(), headers=auth["citizen_app"])
    assert created.status_code == 201
    assert value(scrape(client), "hotline_sla_sweeper_lag_seconds") == 0
    clock.advance(timedelta(days=60))  # every clock of the new ticket fell due long ago
    due = scrape(client)
    assert value(due, "hotline_sla_sweeper_lag_seconds") > timedelta(days=30).total_seconds()

    result = sweep(session_factory)

    swept = scrape(client)
    assert value(swept, "hotline_sla_sweeper_lag_seconds") == 0
    assert result.breaches >= 1
    for name, recorded in (
        ("hotline_sla_warnings_total", result.warnings),
        ("hotline_sla_breaches_total", result.breaches),
    ):
        assert value(swept, name) - value(due, name) == recorded


def test_the_webhook_backlog_is_what_waits_to_be_delivered(
    make_client: MakeClient,
    auth: dict[str, dict[str, str]],
    session_factory: sessionmaker[Session],
) -> None:
    client = make_client()
    subscribed = client.post(
        "/api/v1/webhook-subscriptions",
        # Nothing listens on the discard port: each delivery fails and waits for its retry.
        json={"url": "http://127.0.0.1:9/hook"},
        headers=auth["admin"],
    )
    assert subscribed.status_code == 201, subscribed.text
    assert value(scrape(client), "hotline_webhook_deliveries_pending") == 0
    created = client.post("/api/v1/tickets", json=factories.web(), headers=auth["citizen_app"])
    assert created.status_code == 201
    policy = delivery.Policy(allow_private=True, timeout=1, retry_hours=24)
    with delivery.Pump(session_factory, policy) as pump:
        pump.run_once()
        pump.flush()
    waiting = value(scrape(client), "hotline_webhook_deliveries_pending")
    assert waiting >= 1  # ticket.created, and its routing
