"""What the database says at the scrape: tickets by status, the sweeper's lag, the webhook
backlog. Each is one query on an index, the same whichever worker answers the scrape."""

from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.sla.models import TicketClock
from app.tickets.models import Ticket
from app.vocabulary import TicketStatus
from app.webhooks.models import WebhookDelivery


class DatabaseReadings(Collector):
    """Read through `session` at `now`, once per scrape."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    def collect(self) -> Iterator[Metric]:
        yield self._tickets_by_status()
        yield self._sweeper_lag()
        yield from self._webhook_backlog()

    def _tickets_by_status(self) -> Metric:
        counts = dict(
            self.session.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all()
        )
        family = GaugeMetricFamily("hotline_tickets", "Tickets by status", labels=["status"])
        for status in TicketStatus:
            family.add_metric([status.value], counts.get(status.value, 0))
        return family

    def _sweeper_lag(self) -> Metric:
        oldest_due = self.session.scalar(
            select(func.min(TicketClock.next_alert_at)).where(
                TicketClock.next_alert_at.is_not(None), TicketClock.next_alert_at <= self.now
            )
        )
        lag = 0.0 if oldest_due is None else (self.now - oldest_due).total_seconds()
        return GaugeMetricFamily(
            "hotline_sla_sweeper_lag_seconds",
            "How long the oldest warning or breach that fell due has waited to be recorded",
            value=lag,
        )

    def _webhook_backlog(self) -> Iterator[Metric]:
        pending, oldest = self.session.execute(
            select(func.count(), func.min(WebhookDelivery.created_at)).where(
                WebhookDelivery.status == "pending"
            )
        ).one()
        yield GaugeMetricFamily(
            "hotline_webhook_deliveries_pending",
            "Webhook deliveries queued and not yet delivered or given up on",
            value=pending,
        )
        age = 0.0 if oldest is None else (self.now - oldest).total_seconds()
        yield GaugeMetricFamily(
            "hotline_webhook_oldest_pending_seconds",
            "Age of the oldest pending webhook delivery",
            value=age,
        )
