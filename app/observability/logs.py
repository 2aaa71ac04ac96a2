"""The service's log lines: uvicorn's text as before, or one JSON object a line.

Either way each line a request causes carries its request id, and phone numbers are
masked in the whole line as written (the message, its arguments, a traceback).
"""

import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

import orjson

from app.observability.requests import current
from app.privacy.masking import mask_phones_in_text

LogFormat = Literal["text", "json"]
_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")
# The access line's own fields, set by app.observability.requests.
_ACCESS_FIELDS = ("duration_ms",)


def _request_fields(record: logging.LogRecord) -> dict[str, Any]:
    note = getattr(record, "request", None)
    if note is None:
        return {}
    fields: dict[str, Any] = {"request_id": note.request_id}
    if record.name == "hotline.access":
        fields |= {
            "method": note.method,
            "path": note.path,
            "route": note.route,
            "status": note.status,
            "ticket": note.ticket,
            "actor_kind": note.actor_kind,
        }
        fields |= {name: getattr(record, name, None) for name in _ACCESS_FIELDS}
    return fields


class JsonLines(logging.Formatter):
    """time, level, logger, message; a request's lines add its id, and the access line
    its route, status, duration, ticket number and who called."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= _request_fields(record)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_phones_in_text(orjson.dumps(entry).decode())


class TextWithRequestId(logging.Formatter):
    """The line as `inner` writes it, then the request id when there is one."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        note = getattr(record, "request", None)
        if note is not None and note.request_id is not None:
            line = f"{line} request_id={note.request_id}"
        return mask_phones_in_text(line)


_remembering = False


def _remember_request() -> None:
    """Every record made while a request is served keeps that request's note."""
    global _remembering
    if _remembering:  # once a process: every app made in it shares the factory
        return
    _remembering = True
    previous = logging.getLogRecordFactory()

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request = current()
        return record

    logging.setLogRecordFactory(make_record)


def install(log_format: LogFormat, level: str, stream: TextIO | None = None) -> None:
    """Set up the process's logging for `log_format`. Runs after uvicorn set up its own
    loggers; running it again replaces what it set before."""
    _remember_request()
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in [h for h in root.handlers if getattr(h, "hotline", False)]:
        root.removeHandler(handler)
    if log_format == "json":
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonLines())
        handler.hotline = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        for name in _UVICORN:
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.propagate = True
        # The service's own access line, with the route and duration, replaces uvicorn's.
        logging.getLogger("uvicorn.access").disabled = True
        return
    logging.getLogger("uvicorn.access").disabled = False
    if not root.handlers:  # else the host (pytest, an embedding app) decides
        handler = logging.StreamHandler(stream or sys.stderr)
        plain = logging.Formatter("%(levelname)s:     %(name)s: %(message)s")
        handler.setFormatter(TextWithRequestId(plain))
        handler.hotline = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for name in _UVICORN:
        for handler in logging.getLogger(name).handlers:
            if handler.formatter is not None and not isinstance(
                handler.formatter, TextWithRequestId
            ):
                handler.setFormatter(TextWithRequestId(handler.formatter))
