"""Where photos' bytes are kept: files under the upload directory, or the database, so
that replicas need no shared disk; switching copies them with `hotline migrate-photos`."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cli import main
from app.config import Settings
from app.db import create_db_engine
from app.photos import imaging
from app.photos.models import Photo, PhotoBytes
from app.photos.service import store_photo
from app.photos.storage import DATABASE, FILESYSTEM, PhotoStore, copy_photos
from app.schema_version import upgrade_to_head
from tests import factories
from tests.photos.conftest import ClientMaker

PHOTOS = "/api/v1/photos"


def _upload(client: TestClient, colour: tuple[int, int, int]) -> str:
    data = factories.jpeg_bytes(colour=colour)
    response = client.post(PHOTOS, files=[("files", ("p.jpg", data, "image/jpeg"))])
    assert response.status_code == 201, response.text
    photo_id: str = response.json()[0]["id"]
    return photo_id


def _files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


def test_with_database_storage_photos_are_served_and_no_file_is_written(
    client_with: ClientMaker, tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    in_files = client_with(upload_dir=tmp_path / "files")
    in_database = client_with(photo_storage=DATABASE, upload_dir=uploads)
    photo_id = _upload(in_database, (10, 120, 200))

    served = in_database.get(f"{PHOTOS}/{photo_id}")

    assert served.status_code == 200, served.text
    assert served.headers["content-type"] == "image/jpeg"
    assert served.content[:3] == b"\xff\xd8\xff"
    assert _files(uploads) == []
    # The same photo sent where files are kept is stored there too, with the same bytes.
    assert _upload(in_files, (10, 120, 200)) == photo_id
    assert in_files.get(f"{PHOTOS}/{photo_id}").content == served.content


def test_a_photo_whose_bytes_this_server_lacks_is_503_saying_why(
    client_with: ClientMaker, tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    client = client_with(upload_dir=uploads)
    photo_id = _upload(client, (30, 30, 30))
    for path in _files(uploads):
        path.unlink()  # another replica's directory, not shared

    answer = client.get(f"{PHOTOS}/{photo_id}")

    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "migrate-photos" in answer.json()["detail"]
    assert "not shared" in answer.json()["detail"]


def test_switching_storage_serves_old_photos_once_they_are_copied(
    client_with: ClientMaker, session: Session, tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    before = client_with(upload_dir=uploads)
    after = client_with(photo_storage=DATABASE, upload_dir=uploads)
    photo_id = _upload(before, (200, 200, 0))
    original = before.get(f"{PHOTOS}/{photo_id}").content
    assert after.get(f"{PHOTOS}/{photo_id}").status_code == 503

    totals = list(
        copy_photos(session, PhotoStore(FILESYSTEM, uploads), PhotoStore(DATABASE, uploads))
    )[-1]
    session.commit()

    assert photo_id not in totals.missing
    assert totals.copied >= 1
    assert after.get(f"{PHOTOS}/{photo_id}").content == original
    again = list(
        copy_photos(session, PhotoStore(FILESYSTEM, uploads), PhotoStore(DATABASE, uploads))
    )[-1]
    assert again.copied == 0  # copied once: a second run finds it there


def test_migrate_photos_copies_and_names_what_neither_storage_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'photos.db'}"
    uploads = tmp_path / "uploads"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    monkeypatch.setenv("HOTLINE_UPLOAD_DIR", str(uploads))
    engine = create_db_engine(Settings(database_url=url))
    upgrade_to_head(engine)
    clean = imaging.clean_photo(factories.jpeg_bytes(), max_bytes=10**6, max_pixels=10**6)
    with Session(engine) as session:
        store_photo(session, PhotoStore(FILESYSTEM, uploads), clean)
        lost = imaging.clean_photo(
            factories.jpeg_bytes(colour=(1, 2, 3)), max_bytes=10**6, max_pixels=10**6
        )
        store_photo(session, PhotoStore(FILESYSTEM, uploads), lost)
        session.commit()
    for path in _files(uploads):
        if lost.sha256 in path.name:
            path.unlink()

    with pytest.raises(SystemExit, match=f"1 photos .* neither storage: {lost.sha256}"):
        main(["migrate-photos", "--to", "database"])

    assert "1 copied, 0 already there" in capsys.readouterr().out
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PhotoBytes)) == 1
        assert session.scalar(select(func.count()).select_from(Photo)) == 2
    engine.dispose()
