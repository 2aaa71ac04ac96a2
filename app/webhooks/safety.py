"""Where a webhook may point: never at the service's own network (SSRF).

A URL is refused when any address its host resolves to is loopback, private, link-local
(the cloud metadata service lives there: 169.254.169.254, fd00:ec2::254), shared
(100.64/10), multicast, reserved or unspecified, and when it is not https; both unless
HOTLINE_WEBHOOK_ALLOW_PRIVATE is on. It is checked when the subscription is made and
again before every POST, as a name may be pointed elsewhere meanwhile."""

import ipaddress
import socket
from urllib.parse import urlsplit

from app.errors import UnprocessableContent

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class RefusedUrl(UnprocessableContent):
    slug, title = "refused-url", "Refused webhook URL"


def _refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for test, words in (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_private, "a private address"),
        (isinstance(address, ipaddress.IPv4Address) and address in _SHARED, "a shared address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
    ):
        if test:
            return words
    return None


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedUrl(f"The URL's host {host!r} does not resolve.", field="url") from error
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def check_url(url: str, *, allow_private: bool) -> None:
    """422 (`RefusedUrl`) saying why, when `url` may not receive webhooks."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise RefusedUrl(f"The URL is malformed: {error}.", field="url") from error
    allowed_schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in allowed_schemes:
        raise RefusedUrl("Webhook URLs must be https.", field="url")
    if not parts.hostname:
        raise RefusedUrl("The URL names no host.", field="url")
    if parts.username or parts.password:
        raise RefusedUrl("The URL must not carry a user name or password.", field="url")
    if allow_private:
        return
    for address in _addresses(parts.hostname, port):
        reason = _refused_address(address)
        if reason is not None:
            raise RefusedUrl(
                f"The URL's host {parts.hostname!r} resolves to {reason} ({address}); "
                "webhooks go to public addresses only.",
                field="url",
            )
