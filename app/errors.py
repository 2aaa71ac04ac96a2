"""Domain errors and the one handler that turns every error into RFC 9457 problem+json."""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.media_types import is_json, media_type

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


class PreconditionFailed(Conflict):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


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


class FieldProblem(BaseModel):
    """One thing wrong with the request, where it is (`body.location.lat`, `query.limit`)."""

    field: str
    message: str
    code: str | None = Field(default=None, description="A machine-readable kind, when known")


class Problem(BaseModel):
    """RFC 9457 problem details: every error answer of the API. More members may be
    present (`field`, `allowed_actions`, ...), as the problem's `type` documents."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[PROBLEM_TYPE_BASE + "not-found"])
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = Field(
        default=None, description="Every problem found, for a request that was refused as invalid"
    )


def problem_responses(*answers: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problem+json answers an endpoint gives, with why
    (app/api_docs gives each the Problem schema)."""
    return {
        status: {"description": description, "content": {PROBLEM_JSON: {}}}
        for status, description in answers
    }


Dependency = TypeVar("Dependency", bound=Callable[..., Any])
PROBLEMS_ATTRIBUTE = "__problem_responses__"


def answers_problems(*answers: tuple[int, str]) -> Callable[[Dependency], Dependency]:
    """Marks a dependency with the problems it may answer: every operation that depends
    on it lists them in its OpenAPI responses (app/api_docs)."""

    def mark(dependency: Dependency) -> Dependency:
        setattr(dependency, PROBLEMS_ATTRIBUTE, problem_responses(*answers))
        return dependency

    return mark


def declared_problems(dependency: Callable[..., Any]) -> dict[int | str, dict[str, Any]]:
    """The problems `answers_problems` marked `dependency` with, if any."""
    found: dict[int | str, dict[str, Any]] = getattr(dependency, PROBLEMS_ATTRIBUTE, {})
    return found


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


def expects_json_body(route: object) -> bool:
    """Whether `route` reads a JSON body (rather than a form, a file, or none)."""
    # `route` may be FastAPI's context of an included route, which answers as the route.
    body_field = getattr(route, "body_field", None)
    return body_field is not None and not isinstance(body_field.field_info, params.Form)


def _body_problem(request: Request, exc: RequestValidationError) -> JSONResponse | None:
    """A 415 for a body that is not JSON where JSON is read, a 400 for JSON that does
    not parse; None when the body is well-formed JSON."""
    media = media_type(request)
    if not is_json(media) and expects_json_body(request.scope.get("route")):
        return problem_response(
            415,
            "Unsupported media type",
            f"The body must be application/json, not {media}.",
            "unsupported-media-type",
        )
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            offset = error["loc"][-1] if len(error["loc"]) > 1 else 0
            position = offset + 1 if isinstance(offset, int) else offset  # counted from 1
            reason = error.get("ctx", {}).get("error", "not JSON")
            return problem_response(
                400,
                "Malformed JSON",
                f"The body is not valid JSON: {reason} (at character {position}).",
                "malformed-json",
            )
    return None


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    refused_body = _body_problem(request, exc)
    if refused_body is not None:
        return refused_body
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


async def _on_out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    # A number past what the database stores (SQLite's 64-bit integers, PostgreSQL's
    # integer columns) that no schema bound caught: the request's fault, not a failure.
    logger.info("a number out of the database's range: %s", exc)
    return problem_response(
        422,
        "Invalid request",
        "A number in the request is out of the range the service stores.",
        "out-of-range",
    )


async def _on_unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        500, "Internal error", "The server failed; nothing was saved.", "internal"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HotlineError, _on_hotline_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(OverflowError, _on_out_of_range)
    app.add_exception_handler(DataError, _on_out_of_range)
    app.add_exception_handler(Exception, _on_unexpected_error)
