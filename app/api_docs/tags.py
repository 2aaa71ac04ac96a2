"""What each tag of the OpenAPI document groups, in the order /docs shows them."""

from typing import Any

TAGS: list[dict[str, Any]] = [
    {
        "name": "tickets",
        "description": "Take a ticket in from any channel (one endpoint, `channel` says which), "
        "read the queue and one ticket with its clocks and timeline, re-route, correct the "
        "category, reveal the reporter (audited).",
    },
    {
        "name": "workflow",
        "description": "A ticket's life, one action per endpoint: dispatch, sign for, return, "
        "transfer, escalate, reply, return visit, close, reopen, extensions, suspend, urge. "
        "Send the ticket's ETag as `If-Match` to be refused (412) if someone changed it since.",
    },
    {
        "name": "duplicates",
        "description": "Suspected duplicates of a ticket, merging and unmerging.",
    },
    {"name": "photos", "description": "Photos attached to tickets: upload, then read."},
    {
        "name": "files",
        "description": "Staff's documents (PDF) attached to replies, notes and return "
        "visits: upload, then download.",
    },
    {
        "name": "citizens",
        "description": "The public's own calls, without credentials: look up one's tickets, "
        "evaluate a reply, find similar reports, add oneself to one (me too).",
    },
    {
        "name": "routing",
        "description": "Who a ticket goes to: rules by category and grid, keywords, and a dry "
        "run that answers where a ticket would go without taking it in.",
    },
    {
        "name": "sla",
        "description": "Deadlines: policies per channel, category and priority, and the working "
        "calendars (holidays and moved working days) they count in.",
    },
    {"name": "grids", "description": "The grid map (streets, communities, unit grids)."},
    {"name": "units", "description": "Departments: the functional units tickets go to."},
    {"name": "categories", "description": "The category taxonomy tickets are filed under."},
    {
        "name": "access",
        "description": "Staff log-in (OAuth2 password flow: use Authorize in /docs), tokens, "
        "staff accounts and integration clients with their API keys.",
    },
    {"name": "audit", "description": "Who changed the city's set-up, when, and what."},
    {
        "name": "events",
        "description": "The event feed integrations read (cursor-paged), as webhooks send it.",
    },
    {
        "name": "webhooks",
        "description": "Integrations' webhook subscriptions and their deliveries; the payloads "
        "are in the document's `webhooks` section.",
    },
    {"name": "health", "description": "Liveness and readiness for load balancers."},
    {
        "name": "knowledge base",
        "description": "Articles agents answer calls from: kept by their units, searched "
        "by words, counted when cited.",
    },
    {
        "name": "statistics",
        "description": "The three rates, reports by unit, category and channel, rankings, "
        "hotspots and their exports.",
    },
    {
        "name": "open311",
        "description": "Open311 GeoReport v2 for apps built for it, in JSON or XML; errors "
        "in Open311's own format.",
    },
    {"name": "operations", "description": "Prometheus metrics for the operators' scraper."},
]
