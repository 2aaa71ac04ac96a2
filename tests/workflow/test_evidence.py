"""Replies and notes with evidence: staff upload photos and files and attach them to a
reply, a note or a return visit; the citizen's own view shows the reply and its public
photos and files (a merged ticket's citizen: those of the ticket that handled both); every
unit with a part records its progress, and assisting units mark their part done."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import factories
from tests.workflow.helpers import (
    PROBLEM_JSON,
    Auth,
    Json,
    act,
    department_ticket,
    done,
    events,
    file_ticket,
    read,
)

PHOTOS = "/api/v1/photos"
FILES = "/api/v1/files"
LOOKUP = "/api/v1/public/tickets/lookup"
REPAIRED = "路灯已更换灯泡，经现场核实恢复照明。"


def upload(client: TestClient, headers: dict[str, str], colour: tuple[int, int, int]) -> str:
    files = [("files", ("p.jpg", factories.jpeg_bytes(colour=colour), "image/jpeg"))]
    response = client.post(PHOTOS, files=files, headers=headers)
    assert response.status_code == 201, response.text
    photo_id: str = response.json()[0]["id"]
    return photo_id


def upload_file(client: TestClient, headers: dict[str, str], colour: tuple[int, int, int]) -> str:
    files = [("files", ("整改报告.pdf", factories.pdf_bytes(colour=colour), "application/pdf"))]
    response = client.post(FILES, files=files, headers=headers)
    assert response.status_code == 201, response.text
    file_id: str = response.json()[0]["id"]
    return file_id


def citizen_view(anonymous: TestClient, ticket: Json) -> Json:
    body = {"number": ticket["number"], "tracking_code": ticket["tracking_code"]}
    response = anonymous.post(LOOKUP, json=body)
    assert response.status_code == 200, response.text
    view: Json = response.json()
    return view


@pytest.fixture
def signed(client: TestClient, auth: Auth) -> Json:
    ticket = department_ticket(client)
    done(client, ticket["number"], "sign", {}, auth["urban"])
    return ticket


def test_a_unit_replies_with_photos_the_citizen_sees(
    client: TestClient, anonymous: TestClient, auth: Auth, signed: Json
) -> None:
    number = signed["number"]
    photos = [upload(client, auth["urban"], (10, 20, 30)), upload(client, auth["urban"], (1, 2, 3))]
    body = {"reply": REPAIRED, "photos": photos}
    replied = done(client, number, "reply", body, auth["urban"])
    shown = [(p["photo_id"], p["role"], p["public"]) for p in replied["photos"]]
    assert shown == [(photos[0], "reply", True), (photos[1], "reply", True)]
    payload = events(replied, "replied")[0]["payload"]
    assert (payload["reply"], payload["photos"]) == (REPAIRED, photos)

    view = citizen_view(anonymous, signed)
    assert view["reply"] == REPAIRED
    urls = [photo["url"] for photo in view["reply_photos"]]
    assert urls == [f"/api/v1/public/photos/{photo_id}" for photo_id in photos]
    served = anonymous.get(urls[0])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"


def test_the_reporters_own_and_internal_photos_are_not_public(
    client: TestClient, anonymous: TestClient, auth: Auth, signed: Json
) -> None:
    number = signed["number"]
    internal = upload(client, auth["urban"], (90, 90, 90))
    note = {"text": "现场勘查：灯杆线路老化", "photos": [internal]}
    noted = done(client, number, "notes", note, auth["urban"])
    assert [p["public"] for p in noted["photos"]] == [False]
    assert events(noted, "note_added")[0]["payload"] == {"text": note["text"], "photos": [internal]}
    private = done(
        client,
        number,
        "reply",
        {"reply": REPAIRED, "photos": [internal], "photos_public": False},
        auth["urban"],
    )
    assert {p["role"]: p["public"] for p in private["photos"]} == {"note": False, "reply": False}
    view = citizen_view(anonymous, signed)
    assert view["reply_photos"] == []
    assert "note_added" not in [event["kind"] for event in view["timeline"]]
    assert anonymous.get(f"/api/v1/public/photos/{internal}").status_code == 404


def test_a_public_note_is_read_by_the_citizen_with_its_photos(
    client: TestClient, anonymous: TestClient, auth: Auth, signed: Json
) -> None:
    photo = upload(client, auth["urban"], (200, 100, 0))
    note = {"text": "已联系供电公司，预计明日更换灯杆", "public": True, "photos": [photo]}
    done(client, signed["number"], "notes", note, auth["urban"])
    [progress] = [e for e in citizen_view(anonymous, signed)["timeline"] if e["text"]]
    assert progress["kind"] == "public_note_added"
    assert progress["text"] == note["text"]
    assert [p["url"] for p in progress["photos"]] == [f"/api/v1/public/photos/{photo}"]


def test_the_return_visit_keeps_its_photos_for_staff(
    client: TestClient, anonymous: TestClient, auth: Auth, signed: Json
) -> None:
    done(client, signed["number"], "reply", {"reply": REPAIRED}, auth["urban"])
    photo = upload(client, auth["dispatcher"], (5, 5, 5))
    visit = {"satisfaction": "satisfied", "solved": True, "photos": [photo]}
    visited = done(client, signed["number"], "return-visit", visit)
    assert [(p["role"], p["public"]) for p in visited["photos"]] == [("visit", False)]
    assert events(visited, "visited")[0]["payload"]["photos"] == [photo]


def test_a_reply_with_files_offers_the_public_ones_to_the_citizen(
    client: TestClient, anonymous: TestClient, auth: Auth, signed: Json
) -> None:
    number, urban = signed["number"], auth["urban"]
    internal = upload_file(client, urban, (60, 60, 60))
    noted = done(client, number, "notes", {"text": "检测数据", "files": [internal]}, urban)
    assert events(noted, "note_added")[0]["payload"] == {"text": "检测数据", "files": [internal]}
    report = upload_file(client, urban, (61, 61, 61))
    photo = upload(client, urban, (62, 62, 62))
    body = {"reply": REPAIRED, "photos": [photo], "files": [report]}

    replied = done(client, number, "reply", body, urban)

    shown = [(f["file_id"], f["role"], f["public"], f["filename"]) for f in replied["files"]]
    assert shown == [
        (internal, "note", False, "整改报告.pdf"),
        (report, "reply", True, "整改报告.pdf"),
    ]
    assert [p["photo_id"] for p in replied["photos"]] == [photo]  # files are not photos
    payload = events(replied, "replied")[0]["payload"]
    assert (payload["photos"], payload["files"]) == ([photo], [report])
    assert client.get(replied["files"][1]["url"], headers=urban).status_code == 200

    view = citizen_view(anonymous, signed)
    assert [f["url"] for f in view["reply_files"]] == [f"/api/v1/public/files/{report}"]
    assert [p["url"] for p in view["reply_photos"]] == [f"/api/v1/public/photos/{photo}"]
    served = anonymous.get(view["reply_files"][0]["url"])
    assert served.status_code == 200
    assert served.content == factories.pdf_bytes(colour=(61, 61, 61))
    # Offered as a download, without the name staff gave it.
    assert "filename*" not in served.headers["content-disposition"]
    assert anonymous.get(f"/api/v1/public/files/{internal}").status_code == 404


def test_files_follow_the_visibility_of_their_note_and_the_visit_keeps_them_for_staff(
    client: TestClient, anonymous: TestClient, auth: Auth, signed: Json
) -> None:
    number = signed["number"]
    public = upload_file(client, auth["urban"], (70, 70, 70))
    note = {"text": "已下达整改通知", "public": True, "files": [public]}
    done(client, number, "notes", note, auth["urban"])
    [progress] = [e for e in citizen_view(anonymous, signed)["timeline"] if e["text"]]
    assert [f["url"] for f in progress["files"]] == [f"/api/v1/public/files/{public}"]
    assert progress["photos"] == []

    private = {"reply": REPAIRED, "files": [upload_file(client, auth["urban"], (71, 71, 71))]}
    done(client, number, "reply", private | {"files_public": False}, auth["urban"])
    assert citizen_view(anonymous, signed)["reply_files"] == []
    visit_file = upload_file(client, auth["dispatcher"], (72, 72, 72))
    visit = {"satisfaction": "satisfied", "solved": True, "files": [visit_file]}
    visited = done(client, number, "return-visit", visit)
    assert [(f["role"], f["public"]) for f in visited["files"] if f["file_id"] == visit_file] == [
        ("visit", False)
    ]
    assert events(visited, "visited")[0]["payload"]["files"] == [visit_file]


def test_a_file_listed_as_a_photo_is_refused_saying_where_it_belongs(
    client: TestClient, auth: Auth, signed: Json
) -> None:
    report = upload_file(client, auth["urban"], (80, 80, 80))
    version = read(client, signed["number"])["version"]

    body = {"reply": REPAIRED, "photos": [report]}
    response = act(client, signed["number"], "reply", body, auth["urban"])

    assert response.status_code == 422, response.text
    assert response.json()["detail"] == f"{report} is a file, not a photo: list it under files."
    assert read(client, signed["number"])["version"] == version


def test_a_merged_citizen_sees_the_reply_and_public_evidence_of_the_ticket_that_handled_it(
    client: TestClient, anonymous: TestClient, auth: Auth
) -> None:
    urban = auth["urban"]
    parent = department_ticket(client)
    child_body = factories.hotline_12345(
        reporter={"name": "李四", "phone": "13900001111"},
        description="建安大道88号路灯坏了好几天",
        call=factories.call(caller_number="13900001111"),
    )
    child = file_ticket(client, child_body)
    merge = {"parent_number": parent["number"], "reason": "同一盏路灯"}
    assert act(client, child["number"], "merge", merge).json()["status"] == "merged"
    before = citizen_view(anonymous, child)
    assert (before["reply"], before["reply_photos"], before["reply_files"]) == (None, [], [])

    secret_photo = upload(client, urban, (90, 91, 92))
    secret_file = upload_file(client, urban, (90, 91, 92))
    internal = {
        "text": "举报人张三反映邻居私接电线",
        "photos": [secret_photo],
        "files": [secret_file],
    }
    done(client, parent["number"], "sign", {}, urban)
    done(client, parent["number"], "notes", internal, urban)
    shown_photo = upload(client, urban, (93, 94, 95))
    shown_file = upload_file(client, urban, (93, 94, 95))
    kept_file = upload_file(client, urban, (96, 97, 98))
    reply = {"reply": REPAIRED, "photos": [shown_photo], "files": [shown_file]}
    done(client, parent["number"], "reply", reply, urban)
    done(client, parent["number"], "notes", {"text": "附件", "files": [kept_file]}, urban)

    view = citizen_view(anonymous, child)

    assert view["number"] == child["number"]
    assert view["reply"] == REPAIRED
    assert [p["url"] for p in view["reply_photos"]] == [f"/api/v1/public/photos/{shown_photo}"]
    assert [f["url"] for f in view["reply_files"]] == [f"/api/v1/public/files/{shown_file}"]
    assert anonymous.get(view["reply_files"][0]["url"]).status_code == 200
    assert anonymous.get(view["reply_photos"][0]["url"]).status_code == 200
    # Nothing else of the other ticket: not its reporter, its words, its notes or evidence.
    text = json.dumps(view, ensure_ascii=False)
    for private in ("张三", "13812341234", "138****1234", parent["description"], internal["text"]):
        assert private not in text
    for hidden in (secret_photo, secret_file, kept_file, parent["tracking_code"]):
        assert hidden not in text
    assert view["title"] == child["title"]


def test_assisting_units_record_their_part_and_the_lead_sees_who_has_not(
    client: TestClient, auth: Auth
) -> None:
    ticket = department_ticket(client)
    number = ticket["number"]
    joint = {
        "lead": {"kind": "department", "code": "public_security"},
        "assist_department_codes": ["urban_management", "market_regulation"],
        "reason": "占道经营与路灯损坏一并处置",
    }
    done(client, number, "joint-handling", joint)
    as_assistant = read(client, number, auth["urban"])
    assert as_assistant["allowed_actions"] == ["notes"]

    part = {"text": "已清理占道摊位", "part_done": True}
    noted = done(client, number, "notes", part, auth["urban"])
    done_at = {unit["code"]: unit["done_at"] for unit in noted["assisting_units"]}
    assert done_at["urban_management"] is not None
    assert done_at["market_regulation"] is None  # the one the lead still waits for
    [assist] = events(noted, "assist_done")
    assert assist["payload"] == {"unit": "urban_management", "note": part["text"]}

    again = act(client, number, "notes", part, auth["urban"])
    assert again.status_code == 409, again.text
    not_assisting = act(client, number, "notes", part)  # the centre assists nothing
    assert not_assisting.status_code == 403, not_assisting.text
    assert not_assisting.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    ("who", "body", "expected"),
    [
        ("street", {"text": "x"}, 404),  # no part in a department's ticket: not even seen
        ("urban", {"text": "x", "photos": ["0" * 64]}, 422),
        ("urban", {"text": ""}, 422),
    ],
    ids=["no-part", "photo-never-uploaded", "empty"],
)
def test_a_note_nobody_may_write_changes_nothing(
    client: TestClient, auth: Auth, signed: Json, who: str, body: dict[str, Any], expected: int
) -> None:
    version = read(client, signed["number"])["version"]
    response = act(client, signed["number"], "notes", body, auth[who])
    assert response.status_code == expected, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    after = read(client, signed["number"])
    assert after["version"] == version
    assert not events(after, "note_added")


def test_a_closed_ticket_takes_no_more_notes(client: TestClient, auth: Auth, signed: Json) -> None:
    number = signed["number"]
    done(client, number, "reply", {"reply": REPAIRED}, auth["urban"])
    done(client, number, "close", {"note": "市民表示无需回访"})
    response = act(client, number, "notes", {"text": "补充"}, auth["urban"])
    assert response.status_code == 409, response.text
    assert "notes" not in response.json()["allowed_actions"]
