"""A request body's media type, read the same way everywhere."""

from starlette.requests import Request


def media_type(request: Request) -> str:
    """The body's media type, without parameters (a charset), lower case; "" when none."""
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def is_json(media: str) -> bool:
    """Whether `media` is read as JSON; no media type at all is, as FastAPI reads it."""
    return media in ("", "application/json") or media.endswith("+json")
