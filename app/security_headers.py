"""Security headers on every answer: pure ASGI, so streaming answers keep streaming."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# The API answers data only. The docs pages load everything from this origin (their
# assets are served by the service, app/api_docs); ReDoc runs a worker from a blob.
_API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "worker-src 'self' blob:; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def _raw(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    )


# Built once, as ASGI sends them: every answer carries one of these sets.
_DOCS_HEADERS = _raw({**_ALWAYS, "Content-Security-Policy": _DOCS_POLICY})
_OTHER_HEADERS = _raw({**_ALWAYS, "Content-Security-Policy": _API_POLICY})
# API answers may hold personal data: no shared caches.
_API_HEADERS = (*_OTHER_HEADERS, *_raw({"Cache-Control": "no-store"}))


def _headers_for(path: str) -> tuple[tuple[bytes, bytes], ...]:
    if path.startswith(DOCS_PATHS):
        return _DOCS_HEADERS
    return _API_HEADERS if path.startswith("/api/") else _OTHER_HEADERS


class SecurityHeaders:
    """Adds each header the answer does not set itself (a photo keeps its own caching)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = _headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw ASGI headers rather than MutableHeaders, whose every setdefault walks
                # the list again: this runs on every answer.
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
