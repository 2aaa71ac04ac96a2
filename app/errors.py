"""Domain errors and the one handler that turns every error into RFC 9457 problem+json."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://hotline.example.gov.cn/problems/"

logger = logging.getLogger(__name__)


class HotlineError(Exception):
    """Base of every error the API answers on purpose."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class Unauthorized(HotlineError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(HotlineError):
    status, slug, title = 403, "forbidden", "Forbidden"


class PasswordChangeRequired(Forbidden):
    slug, title = "password-change-required", "Password change required"


class TooManyRequests(HotlineError):
    status, slug, title = 429, "too-many-requests", "Too many requests"


class NotFound(HotlineError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(HotlineError):
    status, slug, title = 409, "conflict", "Conflict"


class UnprocessableContent(HotlineError):
    status, slug, title = 422, "unprocessable", "Unprocessable content"


class UnknownReference(UnprocessableContent):
    """A code in the request names nothing we know (category, grid, photo...)."""

    slug, title = "unknown-reference", "Unknown reference"


class Problems:
    """Every problem found in one request, to answer them all in one 422 rather than the
    first one alone: collect with `add`, then `raise_any`."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def raise_any(self, error: type[UnprocessableContent] = UnknownReference) -> None:
        """Raise `error` naming every problem (`errors`, the first one's `field`), if any."""
        if self.errors:
            detail = " ".join(entry["message"] for entry in self.errors)
            raise error(detail, field=self.errors[0]["field"], errors=self.errors)


class PayloadTooLarge(HotlineError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(HotlineError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ServiceUnavailable(HotlineError):
    status, slug, title = 503, "service-unavailable", "Service unavailable"


def problem_responses(*answers: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problem+json answers an endpoint gives, with why."""
    return {
        status: {"description": description, "content": {PROBLEM_JSON: {}}}
        for status, description in answers
    }


def problem_response(
    status: int, title: str, detail: str, slug: str, **extensions: Any
) -> JSONResponse:
    body = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _field_path(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        entry = {"field": _field_path(tuple(error["loc"])), "message": error["msg"]}
        if error.get("type"):
            entry["code"] = error["type"]
        errors.append(entry)
    return errors


async def _on_hotline_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HotlineError)
    response = problem_response(exc.status, exc.title, exc.detail, exc.slug, **exc.extensions)
    response.headers.update(exc.headers)
    return response


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return problem_response(
        422, "Invalid request", summary or "The request is invalid.", "validation", errors=errors
    )


# Framework HTTP errors get the same type and title as our own errors of that status.
_HTTP_PROBLEMS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP_PROBLEMS.get(exc.status_code, (f"http-{exc.status_code}", "Error"))
    response = problem_response(exc.status_code, title, str(exc.detail), slug)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _on_unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        500, "Internal error", "The server failed; nothing was saved.", "internal"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HotlineError, _on_hotline_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
