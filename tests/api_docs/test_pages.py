"""/docs and /redoc work on a network without internet: every script and stylesheet they
name is served by the service itself."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient


class _Assets(HTMLParser):
    """The URLs of the scripts, stylesheets and icons a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")


def _assets_of(page: str) -> list[str]:
    parser = _Assets()
    parser.feed(page)
    return parser.urls


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param("/docs", {".js", ".css", ".png"}, id="swagger-ui"),
        pytest.param("/redoc", {".js", ".png"}, id="redoc"),
    ],
)
def test_every_asset_a_docs_page_names_is_served_here(
    anonymous: TestClient, page: str, expected: set[str]
) -> None:
    response = anonymous.get(page)
    assert response.status_code == 200
    urls = _assets_of(response.text)

    assert {url[url.rfind(".") :] for url in urls} == expected
    for url in urls:
        assert not urlsplit(url).netloc, f"{page} loads {url} from another origin"
        asset = anonymous.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    # Nothing else reaches out either: no CDN, no fonts, no validator badge.
    assert "https://" not in response.text


def test_swagger_ui_is_told_to_send_the_document_to_no_validator(anonymous: TestClient) -> None:
    assert '"validatorUrl": null' in anonymous.get("/docs").text
