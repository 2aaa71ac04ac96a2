"""Security headers on every answer, and CORS only for the configured origins."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests import factories
from tests.apps import app_with


def test_api_answers_carry_security_headers(client: TestClient) -> None:
    response = client.get("/api/v1/tickets")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "max-age" in response.headers["Strict-Transport-Security"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["Cache-Control"] == "no-store"


def test_an_answer_keeps_a_header_it_sets_itself(client: TestClient) -> None:
    photo = factories.jpeg_bytes(width=8, height=8)
    [uploaded] = client.post(
        "/api/v1/photos", files=[("files", ("p.jpg", photo, "image/jpeg"))]
    ).json()

    response = client.get(uploaded["url"])

    assert response.status_code == 200
    # A photo never changes under its id: caching it is the photo endpoint's own choice.
    assert response.headers.get_list("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert response.headers.get_list("X-Content-Type-Options") == ["nosniff"]


def test_answers_outside_the_api_may_be_cached(anonymous: TestClient) -> None:
    response = anonymous.get("/healthz")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Cache-Control" not in response.headers


def test_errors_carry_them_too(anonymous: TestClient) -> None:
    response = anonymous.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_docs_load_nothing_from_another_origin(anonymous: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = anonymous.get(page)
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        assert "https:" not in policy, policy
        assert "script-src 'self' 'unsafe-inline';" in policy


def test_cors_is_off_by_default(anonymous: TestClient) -> None:
    response = anonymous.get("/api/v1/categories", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_the_configured_mobile_web_app(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    origin = "https://m.12345.example.gov.cn"
    app = app_with(settings, session_factory, cors_origins=[origin])
    with TestClient(app) as browser:
        preflight = browser.options(
            "/api/v1/tickets",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "X-API-Key, Idempotency-Key, Content-Type",
            },
        )
        other = browser.get("/api/v1/categories", headers={"Origin": "https://evil.example"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-origin" not in other.headers
