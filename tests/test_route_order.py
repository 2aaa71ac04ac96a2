"""The routers are matched in the order app/main.py includes them, the busiest first: each
request must still reach the operation it names, whatever the order."""

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.main import API_PREFIX, create_app

# A path parameter's stand-in: "1" suits a text and a number parameter alike.
_PARAMETER = re.compile(r"\{[^}]+\}")


class _RouteRecorder:
    """The app, noting which route each request was handed to."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.route: object = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.route = None
        try:
            await self.app(scope, receive, send)
        finally:
            self.route = scope.get("route")


@pytest.fixture(scope="module")
def recorder() -> _RouteRecorder:
    return _RouteRecorder(create_app(Settings(database_url="sqlite://")))


def test_every_operation_is_reached_by_its_own_route(recorder: _RouteRecorder) -> None:
    operations = [
        (method.upper(), path)
        for path, item in recorder.app.openapi()["paths"].items()
        for method in item
        if method != "parameters"
    ]
    assert ("POST", "/api/v1/tickets/{number}/urge") in operations
    client = TestClient(recorder, raise_server_exceptions=False)
    for method, path in operations:
        # Unauthenticated and without a body: the answer is a refusal, but the route that
        # gave it is the one that matched.
        client.request(method, _PARAMETER.sub("1", path))
        route = recorder.route
        assert isinstance(route, APIRoute), f"{method} {path} reached no route"
        # A route keeps its path as its router declares it, without the prefix it is
        # included under.
        assert path in (route.path_format, API_PREFIX + route.path_format), (
            f"{method} {path} is taken by {route.path_format}"
        )
