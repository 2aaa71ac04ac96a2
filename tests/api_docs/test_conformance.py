"""The OpenAPI document tells the truth: schemathesis sends every operation requests made
from the document (valid ones and invalid ones), as demo identities and as nobody, and
every answer must be one the document lists (its status, its content type, its schema);
never a 5xx."""

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, strategies
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient, get_client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session, sessionmaker

from app.cache import TtlCache
from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app
from tests.apps import in_test_transaction, set_resources
from tests.conftest import JWT_SECRET

# The document alone (no database is opened to make it); the requests go to `fuzzed`.
DOCUMENT_SETTINGS = Settings(database_url="sqlite://", jwt_secret=SecretStr(JWT_SECRET))
schema = schemathesis.openapi.from_dict(create_app(DOCUMENT_SETTINGS).openapi())

# Who calls: the dispatch centre, the administrator, a unit, an integration key, nobody.
IDENTITIES = ("dispatcher", "admin", "urban", "call_centre", "nobody")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Bounded so that every operation on both databases fits CI.
EXAMPLES_PER_OPERATION = 8


@pytest.fixture(scope="module")
def fuzzed_app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="module")
def http(fuzzed_app: FastAPI) -> Iterator[ASGIClient]:
    """One client for every request, rather than one (and a lifespan) per request."""
    with get_client(fuzzed_app) as client:
        yield client


@pytest.fixture
def fuzzed(
    fuzzed_app: FastAPI, session_factory: sessionmaker[Session], clock: FrozenClock
) -> FastAPI:
    """The app, its work inside the test's transaction, remembering no caller yet."""
    in_test_transaction(fuzzed_app, session_factory)
    set_resources(fuzzed_app, principal_cache=TtlCache(0))
    return fuzzed_app


@schema.parametrize()
@schema.given(identity=strategies.sampled_from(IDENTITIES))
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # The document's own examples are filed by test_examples.py, which needs them to succeed.
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented(
    case: schemathesis.Case,
    identity: str,
    request: pytest.FixtureRequest,
    http: ASGIClient,
    auth: dict[str, dict[str, str]],
) -> None:
    if identity != "nobody":
        case.headers = {**(case.headers or {}), **auth[identity]}
    if case.query and "wait" in case.query:
        case.query["wait"] = 0  # the feed's long poll would hold each example for seconds
    # The probes read the database through the app's own engine, so they are asked
    # outside the test's transaction (they write nothing).
    app = "fuzzed" if case.path.startswith("/api/") else "fuzzed_app"
    # A long read timeout: a CI machine under load may take more than the default 10 s.
    app_under_test = request.getfixturevalue(app)
    case.call_and_validate(app=app_under_test, session=http, checks=CHECKS, timeout=60)
