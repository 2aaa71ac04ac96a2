"""Staff's files over HTTP: a PDF uploaded, checked from its bytes, stored as photos are
(on disk or in the database) and downloaded again; everything else refused, storing
nothing."""

import hashlib
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests import factories
from tests.photos.conftest import ClientMaker
from tests.photos.helpers import assert_problem, stored_files

FILES = "/api/v1/files"
PHOTOS = "/api/v1/photos"
TICKETS = "/api/v1/tickets"
NOTICE = "整改通知书.pdf"

Upload = tuple[str, bytes, str]


def _form(*uploads: Upload) -> list[tuple[str, Upload]]:
    return [("files", upload) for upload in uploads]


def _pdf(data: bytes, name: str = NOTICE) -> Upload:
    # Sent as a browser sends an unknown type: the bytes decide, not this.
    return (name, data, "application/octet-stream")


def test_a_pdf_is_uploaded_and_downloaded_as_it_came(
    client_with: ClientMaker, own_uploads: Path
) -> None:
    client = client_with(upload_dir=own_uploads)
    pdf = factories.pdf_bytes(pages=2)
    file_id = hashlib.sha256(pdf).hexdigest()

    response = client.post(FILES, files=_form(_pdf(pdf)))

    assert response.status_code == 201, response.text
    assert response.json() == [
        {
            "id": file_id,
            "url": f"{FILES}/{file_id}",
            "content_type": "application/pdf",
            "size_bytes": len(pdf),
            "filename": NOTICE,
        }
    ]
    assert len(stored_files(own_uploads)) == 1
    served = client.get(f"{FILES}/{file_id}")
    assert served.status_code == 200
    assert served.content == pdf
    assert served.headers["content-type"] == "application/pdf"
    # A download under its own name, never shown in this site's pages; not in shared caches.
    disposition = served.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="{file_id[:16]}.pdf"')
    assert f"filename*=UTF-8''{quote(NOTICE)}" in disposition
    assert served.headers["cache-control"].startswith("private")


def test_files_kept_in_the_database_need_no_disk(
    client_with: ClientMaker, own_uploads: Path
) -> None:
    client = client_with(upload_dir=own_uploads, photo_storage="database")
    pdf = factories.pdf_bytes(colour=(3, 3, 3))

    [uploaded] = client.post(FILES, files=_form(_pdf(pdf))).json()

    assert stored_files(own_uploads) == []
    assert client.get(uploaded["url"]).content == pdf


def test_the_same_file_twice_is_one_file_under_its_first_name(
    client_with: ClientMaker, own_uploads: Path
) -> None:
    client = client_with(upload_dir=own_uploads)
    pdf = factories.pdf_bytes(colour=(4, 4, 4))

    first = client.post(FILES, files=_form(_pdf(pdf, "检查报告.pdf"))).json()
    again = client.post(FILES, files=_form(_pdf(pdf, "copy.pdf"))).json()

    assert first == again
    assert first[0]["filename"] == "检查报告.pdf"
    assert len(stored_files(own_uploads)) == 1


SMALL_LIMIT = 6000  # over a page or an office file, under five pages
HALF_A_PDF = factories.pdf_bytes(colour=(5, 5, 5))[:800]


@pytest.mark.parametrize(
    ("bad", "status", "slug", "says"),
    [
        pytest.param(
            ("现场.jpg", factories.jpeg_bytes(), "application/pdf"),
            415,
            "unsupported-media-type",
            "/api/v1/photos",
            id="photo",
        ),
        pytest.param(
            ("台账.xlsx", factories.xlsx_bytes(), "application/pdf"),
            415,
            "unsupported-media-type",
            "as PDF",
            id="office-document",
        ),
        pytest.param(
            ("big.pdf", factories.pdf_bytes(pages=5), "application/pdf"),
            413,
            "payload-too-large",
            str(SMALL_LIMIT),
            id="too-large",
        ),
        pytest.param(
            ("cut.pdf", HALF_A_PDF, "application/pdf"),
            422,
            "unprocessable",
            "no end-of-file marker",
            id="truncated",
        ),
    ],
)
def test_one_refused_file_stores_nothing_and_says_why(
    client_with: ClientMaker,
    own_uploads: Path,
    bad: Upload,
    status: int,
    slug: str,
    says: str,
) -> None:
    client = client_with(upload_dir=own_uploads, max_photo_bytes=SMALL_LIMIT)
    good = factories.pdf_bytes(colour=(6, 6, 6))
    assert len(good) <= SMALL_LIMIT

    response = client.post(FILES, files=_form(_pdf(good), bad))

    problem = assert_problem(response, status, slug)
    assert bad[0] in problem["detail"]
    assert says in problem["detail"]
    assert stored_files(own_uploads) == []
    assert_problem(client.get(f"{FILES}/{hashlib.sha256(good).hexdigest()}"), 404)


def test_photos_and_files_do_not_stand_in_for_each_other(client: TestClient) -> None:
    [photo] = client.post(
        PHOTOS, files=[("files", ("p.jpg", factories.jpeg_bytes(colour=(7, 7, 7)), "image/jpeg"))]
    ).json()
    [file] = client.post(FILES, files=_form(_pdf(factories.pdf_bytes(colour=(7, 7, 7))))).json()

    assert_problem(client.get(f"{FILES}/{photo['id']}"), 404)
    assert_problem(client.get(f"{PHOTOS}/{file['id']}"), 404)
    # A citizen's report carries photos, never a staff file in their place.
    refused = client.post(TICKETS, json=factories.photo_report([file["id"]]))
    assert_problem(refused, 422, "unknown-reference")


def test_integrations_upload_photos_but_not_files(
    client: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    pdf = factories.pdf_bytes(colour=(8, 8, 8))

    response = client.post(FILES, files=_form(_pdf(pdf)), headers=auth["citizen_app"])

    problem = assert_problem(response, 403)
    assert "does not upload files" in problem["detail"]
