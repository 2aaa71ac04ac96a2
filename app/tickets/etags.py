"""The ticket's version as an HTTP entity tag, for optimistic concurrency."""

from app.errors import UnprocessableContent


def etag(version: int) -> str:
    return f'"{version}"'


def version_from_if_match(header: str | None) -> int | None:
    """The version an If-Match header names; None when there is none or it is "*"."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise UnprocessableContent(
            f'If-Match must be the ticket\'s ETag, such as "3"; got {header!r}.',
            field="If-Match",
        )
    return int(value)
