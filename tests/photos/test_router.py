"""Uploading photos over HTTP, serving them without metadata, and using them in tickets."""

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests import factories
from tests.photos.conftest import ClientMaker
from tests.photos.helpers import assert_problem, stored_files

PHOTOS = "/api/v1/photos"
TICKETS = "/api/v1/tickets"
EXIF_POINT = (27.3312, 118.1205)
SMALL_PHOTO_LIMIT = 1000


def _files(*uploads: tuple[str, bytes, str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", upload) for upload in uploads]


def _jpeg(data: bytes, name: str = "photo.jpg") -> tuple[str, bytes, str]:
    return (name, data, "image/jpeg")


def _upload(client: TestClient, data: bytes) -> dict[str, Any]:
    response = client.post(PHOTOS, files=_files(_jpeg(data)))
    assert response.status_code == 201, response.text
    [photo] = response.json()
    assert isinstance(photo, dict)
    return photo


# --- upload --------------------------------------------------------------------------------


def test_upload_answers_id_type_size_and_exif_gps(client: TestClient) -> None:
    jpeg = factories.jpeg_bytes(width=64, height=48, gps=EXIF_POINT, colour=(1, 2, 3))
    png = factories.png_bytes(width=30, height=20)

    response = client.post(
        PHOTOS, files=_files(_jpeg(jpeg, "street.jpg"), ("x.jpg", png, "image/jpeg"))
    )

    assert response.status_code == 201, response.text
    from_jpeg, from_png = response.json()
    jpeg_id = hashlib.sha256(jpeg).hexdigest()
    assert from_jpeg["id"] == jpeg_id
    assert from_jpeg["url"] == f"{PHOTOS}/{jpeg_id}"
    assert from_jpeg["content_type"] == "image/jpeg"
    assert (from_jpeg["width"], from_jpeg["height"]) == (64, 48)
    assert from_jpeg["exif_gps"] == {
        "lat": pytest.approx(EXIF_POINT[0], abs=1e-5),
        "lon": pytest.approx(EXIF_POINT[1], abs=1e-5),
    }
    # A PNG named .jpg and sent as image/jpeg is a PNG: the bytes decide.
    assert from_png["id"] == hashlib.sha256(png).hexdigest()
    assert from_png["content_type"] == "image/png"
    assert (from_png["width"], from_png["height"]) == (30, 20)
    assert from_png["exif_gps"] is None


TEXT_FILE = ("notes.jpg", b"this is a text file, not a photo\n", "image/jpeg")
HUGE_JPEG = _jpeg(factories.jpeg_bytes(width=400, height=300), "huge.jpg")
TRUNCATED_JPEG = _jpeg(factories.jpeg_bytes()[:300], "truncated.jpg")


@pytest.mark.parametrize(
    ("bad_file", "status", "slug"),
    [
        pytest.param(TEXT_FILE, 415, "unsupported-media-type", id="text"),
        pytest.param(HUGE_JPEG, 413, "payload-too-large", id="too-many-bytes"),
        pytest.param(TRUNCATED_JPEG, 422, "unprocessable", id="truncated-jpeg"),
    ],
)
@pytest.mark.parametrize("bad_first", [False, True], ids=["good-then-bad", "bad-then-good"])
def test_one_bad_file_stores_nothing_from_the_request(
    client_with: ClientMaker,
    own_uploads: Path,
    bad_file: tuple[str, bytes, str],
    status: int,
    slug: str,
    bad_first: bool,
) -> None:
    client = client_with(upload_dir=own_uploads, max_photo_bytes=SMALL_PHOTO_LIMIT)
    good = factories.png_bytes(width=17, height=13)
    uploads = [_jpeg(good, "good.jpg"), bad_file]
    if bad_first:
        uploads.reverse()

    response = client.post(PHOTOS, files=_files(*uploads))

    problem = assert_problem(response, status, slug)
    assert bad_file[0] in problem["detail"]  # the user learns which file was refused
    good_id = hashlib.sha256(good).hexdigest()
    assert_problem(client.get(f"{PHOTOS}/{good_id}"), 404)
    assert stored_files(own_uploads) == []


def test_photo_over_the_byte_limit_is_413_with_the_limit_in_the_detail(
    client_with: ClientMaker,
) -> None:
    client = client_with(max_photo_bytes=SMALL_PHOTO_LIMIT)
    big = factories.jpeg_bytes(width=400, height=300)
    assert len(big) > SMALL_PHOTO_LIMIT

    response = client.post(PHOTOS, files=_files(_jpeg(big)))

    problem = assert_problem(response, 413, "payload-too-large")
    assert str(SMALL_PHOTO_LIMIT) in problem["detail"]


def _multipart_body(data: bytes, boundary: str = "hotline-test-boundary") -> tuple[bytes, str]:
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), boundary


def test_body_over_the_multipart_limit_is_413(client_with: ClientMaker, own_uploads: Path) -> None:
    # The upload limit is max_photo_bytes * max_photos_per_ticket + overhead = 73,000 bytes.
    client = client_with(upload_dir=own_uploads, max_photo_bytes=SMALL_PHOTO_LIMIT)
    body, boundary = _multipart_body(b"\xff\xd8\xff" + b"\0" * 80_000)

    response = client.post(
        PHOTOS, content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )

    problem = assert_problem(response, 413, "payload-too-large")
    assert "73000" in problem["detail"]
    assert stored_files(own_uploads) == []


def test_streamed_body_over_the_multipart_limit_is_the_same_413_problem(
    client_with: ClientMaker, own_uploads: Path
) -> None:
    client = client_with(upload_dir=own_uploads, max_photo_bytes=SMALL_PHOTO_LIMIT)
    body, boundary = _multipart_body(b"\xff\xd8\xff" + b"\0" * 80_000)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is sent chunked
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = client.post(
        PHOTOS,
        content=chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert stored_files(own_uploads) == []
    assert_problem(response, 413, "payload-too-large")


def test_more_files_than_a_ticket_takes_is_422(client_with: ClientMaker) -> None:
    client = client_with(max_photos_per_ticket=2)
    photos = [factories.png_bytes(width=5 + n, height=5) for n in range(3)]

    response = client.post(PHOTOS, files=_files(*(_jpeg(photo) for photo in photos)))

    problem = assert_problem(response, 422)
    assert "2" in problem["detail"]


def test_same_bytes_twice_give_one_photo_and_one_file(
    client_with: ClientMaker, own_uploads: Path
) -> None:
    client = client_with(upload_dir=own_uploads)
    jpeg = factories.jpeg_bytes(colour=(7, 8, 9))

    first = _upload(client, jpeg)
    second = _upload(client, jpeg)

    assert first["id"] == second["id"] == hashlib.sha256(jpeg).hexdigest()
    assert len(stored_files(own_uploads)) == 1


# --- serving -------------------------------------------------------------------------------


def test_served_photo_has_its_type_and_no_exif(client: TestClient) -> None:
    jpeg = factories.jpeg_bytes(width=64, height=48, gps=EXIF_POINT, colour=(11, 12, 13))
    assert b"PhoneMaker" in jpeg
    photo = _upload(client, jpeg)

    response = client.get(photo["url"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert b"PhoneMaker" not in response.content
    with Image.open(io.BytesIO(response.content)) as served:
        assert served.format == "JPEG"
        assert served.size == (64, 48)
        assert dict(served.getexif()) == {}


def test_served_png_is_image_png(client: TestClient) -> None:
    png = factories.png_bytes(width=9, height=7)
    photo = _upload(client, png)

    response = client.get(photo["url"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as served:
        assert (served.format, served.size) == ("PNG", (9, 7))


def test_unknown_photo_is_404_problem(client: TestClient) -> None:
    unknown = "0" * 64
    problem = assert_problem(client.get(f"{PHOTOS}/{unknown}"), 404, "not-found")
    assert unknown in problem["detail"]


# --- photos in tickets ---------------------------------------------------------------------


def _ticket_detail(client: TestClient, number: str) -> dict[str, Any]:
    response = client.get(f"{TICKETS}/{number}")
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


def _received_event(detail: dict[str, Any]) -> dict[str, Any]:
    [received] = [event for event in detail["timeline"] if event["kind"] == "received"]
    assert isinstance(received, dict)
    return received


def test_photo_report_shows_its_photos(client: TestClient) -> None:
    jpeg = _upload(client, factories.jpeg_bytes(width=40, height=30, colour=(21, 22, 23)))
    png = _upload(client, factories.png_bytes(width=12, height=10))

    response = client.post(TICKETS, json=factories.photo_report([jpeg["id"], png["id"]]))

    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["channel"] == "photo_report"
    assert [
        (p["photo_id"], p["url"], p["content_type"], p["width"], p["height"])
        for p in ticket["photos"]
    ] == [
        (jpeg["id"], f"{PHOTOS}/{jpeg['id']}", "image/jpeg", 40, 30),
        (png["id"], f"{PHOTOS}/{png['id']}", "image/png", 12, 10),
    ]
    assert client.get(ticket["photos"][0]["url"]).status_code == 200
    # The client's own location wins over any EXIF.
    assert ticket["location"]["source"]["crs"] == "gcj02"
    received = _received_event(_ticket_detail(client, ticket["number"]))
    assert received["payload"]["location_source"] == "client"
    assert received["payload"]["photos"] == 2


def test_photo_report_without_location_is_placed_by_exif_gps(client: TestClient) -> None:
    no_gps = _upload(client, factories.jpeg_bytes(colour=(31, 32, 33)))
    with_gps = _upload(client, factories.jpeg_bytes(gps=EXIF_POINT, colour=(34, 35, 36)))
    body = factories.photo_report([no_gps["id"], with_gps["id"]])
    del body["location"]

    response = client.post(TICKETS, json=body)

    assert response.status_code == 201, response.text
    ticket = response.json()
    lat, lon = EXIF_POINT
    assert ticket["location"] == {
        "lat": pytest.approx(lat, abs=1e-5),
        "lon": pytest.approx(lon, abs=1e-5),
        "source": {
            "lat": pytest.approx(lat, abs=1e-5),
            "lon": pytest.approx(lon, abs=1e-5),
            "crs": "wgs84",
        },
        "radius_m": None,  # a phone's GPS: the spot itself
    }
    received = _received_event(_ticket_detail(client, ticket["number"]))
    assert received["payload"]["location_source"] == "photo_exif"


def test_photo_report_without_location_or_gps_has_no_location(client: TestClient) -> None:
    photo = _upload(client, factories.jpeg_bytes(colour=(41, 42, 43)))
    body = factories.photo_report([photo["id"]])
    del body["location"]

    response = client.post(TICKETS, json=body)

    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["location"] is None
    received = _received_event(_ticket_detail(client, ticket["number"]))
    assert received["payload"]["location_source"] is None


def test_photo_never_uploaded_is_422_and_nothing_is_written(client: TestClient) -> None:
    uploaded = _upload(client, factories.jpeg_bytes(colour=(51, 52, 53)))
    never_uploaded = hashlib.sha256(b"never uploaded").hexdigest()
    description = factories.unique("路面塌陷-照片未上传")
    body = factories.photo_report([uploaded["id"], never_uploaded], description=description)

    response = client.post(TICKETS, json=body)

    problem = assert_problem(response, 422, "unknown-reference")
    assert never_uploaded in problem["detail"]
    assert problem["missing"] == [never_uploaded]
    listed = client.get(TICKETS, params={"q": description, "channel": "photo_report"})
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    # The same body with the photo uploaded goes through: the 422 was about the photo.
    del body["photos"][1]
    assert client.post(TICKETS, json=body).status_code == 201
    listed_after = client.get(TICKETS, params={"q": description}).json()["items"]
    assert [ticket["external_id"] for ticket in listed_after] == [body["external_id"]]
