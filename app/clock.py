"""The one source of the current time: always UTC-aware."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
