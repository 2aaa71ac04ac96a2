"""The ticket's version as an HTTP entity tag, for optimistic concurrency."""

from app.errors import PreconditionFailed, UnprocessableContent


def etag(version: int) -> str:
    return f'"{version}"'


def version_from_if_match(header: str | None) -> int | None:
    """The version an If-Match header names; None when there is none or it is "*"."""
    if header is None or header.strip() == "*":
        return None
    if header.strip().startswith("W/"):
        # RFC 9110 13.1.1: If-Match compares strongly, and a weak tag never matches so.
        raise PreconditionFailed(
            f"If-Match {header!r} is a weak entity tag, which If-Match never matches; send "
            'the ticket\'s ETag as it came, such as "3".'
        )
    value = header.strip().strip('"')
    if not value.isdigit():
        raise UnprocessableContent(
            f'If-Match must be the ticket\'s ETag, such as "3"; got {header!r}.',
            field="If-Match",
        )
    return int(value)
