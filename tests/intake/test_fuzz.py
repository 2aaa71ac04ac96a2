"""Whatever a client sends, the answer is a ticket or a problem, never a 500."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

# Hundreds of generated bodies each.
pytestmark = pytest.mark.slow

TICKETS = "/api/v1/tickets"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

valid_bodies = st.sampled_from(
    [factories.hotline_12345, factories.minsheng_110, factories.qr_code, factories.web]
).map(lambda build: build())
field_names = st.sampled_from(
    [
        "channel",
        "external_id",
        "call",
        "description",
        "location",
        "category_code",
        "reporter",
        "community_code",
        "priority",
        "request_type",
        "photos",
        "anonymous",
        "title",
    ]
)


@st.composite
def mutated_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = draw(valid_bodies)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        body[draw(field_names)] = draw(json_values)
    return body


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(body=json_values)
def test_arbitrary_json_is_refused_cleanly(client: TestClient, body: Any) -> None:
    response = client.post(TICKETS, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


@FUZZ
@given(body=mutated_bodies())
def test_mutated_bodies_get_a_ticket_or_a_problem(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(TICKETS, json=body)
    assert response.status_code in {200, 201, 422}, response.text
    if response.status_code == 422:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
