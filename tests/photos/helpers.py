"""Steps shared by the photo and file tests: a refusal as problem+json, the files on disk."""

from pathlib import Path
from typing import Any

import httpx

PROBLEM_TYPE_BASE = "https://hotline.example.gov.cn/problems/"


def assert_problem(
    response: httpx.Response, status: int, slug: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_TYPE_BASE)
    assert body["title"]
    assert body["detail"]
    if slug is not None:
        assert body["type"] == PROBLEM_TYPE_BASE + slug
    return body


def stored_files(upload_dir: Path) -> list[Path]:
    if not upload_dir.exists():
        return []
    return [path for path in upload_dir.rglob("*") if path.is_file()]
