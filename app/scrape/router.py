"""HTTP for GET /metrics: Prometheus's text format, for the scrapers the settings allow."""

import secrets
from ipaddress import ip_address
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app.clock import utc_now
from app.dependencies import SessionDep
from app.errors import Forbidden, Unauthorized, problem_responses
from app.observability.metrics import exposition
from app.resources import resources_of
from app.scrape.readings import DatabaseReadings

router = APIRouter()


def _allowed(request: Request) -> None:
    """From HOTLINE_METRICS_NETWORKS, or with HOTLINE_METRICS_TOKEN as a bearer token."""
    settings = resources_of(request).settings
    token = settings.metrics_token
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    if token is not None and scheme.lower() == "bearer" and sent:
        if secrets.compare_digest(sent.encode(), token.get_secret_value().encode()):
            return
        raise Unauthorized("The metrics token is wrong.", headers={"WWW-Authenticate": "Bearer"})
    client = request.client.host if request.client else None
    try:
        address = ip_address(client) if client else None
    except ValueError:  # a test client's name, a Unix socket
        address = None
    if address is not None and any(address in net for net in settings.metrics_networks):
        return
    if token is not None:
        raise Unauthorized(
            "Send the metrics token as a bearer token.", headers={"WWW-Authenticate": "Bearer"}
        )
    raise Forbidden("Metrics are served only to the networks in HOTLINE_METRICS_NETWORKS.")


@router.get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "The text format"},
        **problem_responses(
            (401, "HOTLINE_METRICS_TOKEN is set and the bearer token is missing or wrong"),
            (403, "Not from HOTLINE_METRICS_NETWORKS, and no token is set"),
        ),
    },
)
def metrics(_scraper: Annotated[None, Depends(_allowed)], session: SessionDep) -> Response:
    """Every worker's counts, and what the database says now (tickets by status, the SLA
    sweeper's lag, the webhook backlog)."""
    body = exposition([DatabaseReadings(session, utc_now())])
    return Response(body, media_type=CONTENT_TYPE_LATEST)
