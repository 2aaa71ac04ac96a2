"""Prometheus metrics, counted in the process that sees them and summed at the scrape.

With several worker processes, PROMETHEUS_MULTIPROC_DIR names a directory where each
process keeps its counts in memory-mapped files (prometheus-client's multiprocess mode,
chosen when the library is imported); a scrape answered by any worker reads them all.
What the database knows (tickets by status, SLA clocks, the webhook backlog) is read at
the scrape instead (app.scrape.readings), so it is the same whichever worker
answers, and counting it costs intake nothing.

Counting on the hot path is a dictionary lookup and one or two memory writes: each
labelled series is looked up once and kept (`labels()` takes a lock and builds a key).
"""

import os
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy import Engine, event

from app.vocabulary import Channel

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "hotline_http_request_duration_seconds",
    "Time from a request's arrival to its answer's end, by route template and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TICKETS_TAKEN_IN = Counter(
    "hotline_tickets_taken_in", "New tickets taken in, by channel", ["channel"]
)
SLA_WARNINGS = Counter(
    "hotline_sla_warnings", "SLA warnings recorded by the sweepers of these processes"
)
SLA_BREACHES = Counter(
    "hotline_sla_breaches", "SLA breaches recorded by the sweepers of these processes"
)
DB_CONNECTIONS_IN_USE = Gauge(
    "hotline_db_connections_in_use",
    "Database connections checked out of the pools, over all worker processes",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "hotline_db_pool_size",
    "Connections the pools keep (more may overflow), over all worker processes",
    multiprocess_mode="livesum",
)

_request_series: dict[tuple[str, str, int], Histogram] = {}
# One series per channel, made before the first intake: in multiprocess mode a new series
# is written into its file, and intake may run on the event loop, where nothing may block.
_taken_in_series = {channel.value: TICKETS_TAKEN_IN.labels(channel.value) for channel in Channel}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    series = _request_series.get(key)
    if series is None:
        series = _request_series[key] = REQUEST_SECONDS.labels(method, route, str(status))
    series.observe(seconds)


def count_taken_in(channel: str) -> None:
    """A new ticket was taken in on `channel`."""
    _taken_in_series[channel].inc()


def count_alerts(warnings: int, breaches: int) -> None:
    """A sweep recorded `warnings` and `breaches`."""
    SLA_WARNINGS.inc(warnings)
    SLA_BREACHES.inc(breaches)


def watch_pool(engine: Engine) -> None:
    """Count `engine`'s checked-out connections, and its pool's size, in this process."""
    capacity = engine.pool.size()  # type: ignore[attr-defined]
    DB_POOL_SIZE.inc(capacity)
    event.listen(engine, "checkout", lambda *_: DB_CONNECTIONS_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: DB_CONNECTIONS_IN_USE.dec())
    # Pool events only: a connection event (engine_disposed) would turn on the engine's
    # event dispatch for every statement it runs.


def multiprocess_directory() -> Path | None:
    directory = os.environ.get(MULTIPROCESS_DIRECTORY)
    return Path(directory) if directory else None


def exposition(extra: Iterable[Collector]) -> bytes:
    """Every metric in the text format: this process's, or every worker's in multiprocess
    mode, and `extra` (read at the scrape)."""
    if multiprocess_directory() is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)


class _Forward(Collector):
    """The process-wide registry's metrics, beside the scrape's own."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self):  # type: ignore[no-untyped-def]
        return self.registry.collect()


def clear_directory(directory: Path) -> None:
    """Forget the counts of an earlier run (its files would be summed in)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
