"""The knowledge base over HTTP: units keep their own articles, agents find them, owners see
what is due for review, calls answered with an article are counted."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.clock import FrozenClock
from app.errors import UnknownReference
from app.kb import service as kb_service

ARTICLES = "/api/v1/kb/articles"
SEARCH = "/api/v1/kb/search"
Auth = dict[str, dict[str, str]]
# 10:00 in Tancheng (UTC+8) on 2026-12-07: the city's date is the 7th.
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
STREET = "351002001"
COMMUNITY = "351002001001"
OTHER_STREET = "351002002"

STREET_LIGHT = {
    "question": "路灯晚上不亮，找谁来修？",
    "answer": "城市道路的路灯由区城管局路灯管理所维护，拨打12345报修并说明灯杆编号。",
    "category_code": "0101",
    "keywords": ["路灯报修", "灯杆编号"],
}
ELDER_ALLOWANCE = {
    "question": "80岁以上老人的高龄津贴怎么申请？",
    "answer": "年满80周岁的本区户籍老人，由家属携带身份证、户口簿到社区居委会申请，按月发放。",
    "keywords": ["高龄津贴", "老人补贴"],
}


@pytest.fixture(autouse=True)
def _at_ten_in_the_morning(clock: FrozenClock) -> None:
    clock.set(NOW)


def _create(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(ARTICLES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _search(client: TestClient, headers: dict[str, str], q: str, **params: Any) -> list[Any]:
    response = client.get(SEARCH, params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    hits: list[Any] = response.json()
    return hits


def test_a_unit_writes_an_article_that_an_agent_then_finds(client: TestClient, auth: Auth) -> None:
    article = _create(client, auth["urban"], **STREET_LIGHT)
    assert article["owner_department"] == {"code": "urban_management", "name": "城市管理局"}
    assert article["category_name"] == "路灯损坏"
    assert article["valid_from"] == TODAY.isoformat()
    assert article["review_date"] == (TODAY + timedelta(days=365)).isoformat()
    assert (article["in_force"], article["may_edit"], article["citations"]) == (True, True, 0)
    _create(client, auth["admin"], owner_grid=STREET, **ELDER_ALLOWANCE)

    hits = _search(client, auth["dispatcher"], "我们这条街的灯坏了一直不亮，该找哪个部门")
    assert hits[0]["article"]["id"] == article["id"]
    assert hits[0]["article"]["may_edit"] is False
    assert [
        hit["article"]["question"] for hit in _search(client, auth["supervisor"], "老人补贴")
    ] == [ELDER_ALLOWANCE["question"]]
    # A word no article holds finds nothing, rather than anything.
    assert _search(client, auth["dispatcher"], "护照签注") == []
    read = client.get(f"{ARTICLES}/{article['id']}", headers=auth["gridworker"]).json()
    assert read["answer"] == STREET_LIGHT["answer"]


def test_units_keep_their_own_articles_and_those_of_the_grids_below(
    client: TestClient, auth: Auth
) -> None:
    refused = client.post(
        ARTICLES, json=STREET_LIGHT | {"owner_department": "water"}, headers=auth["urban"]
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    for reader in ("dispatcher", "supervisor", "gridworker"):
        assert client.post(ARTICLES, json=STREET_LIGHT, headers=auth[reader]).status_code == 403

    community_article = _create(client, auth["street"], owner_grid=COMMUNITY, **ELDER_ALLOWANCE)
    street_article = _create(client, auth["street"], **ELDER_ALLOWANCE)
    assert street_article["owner_grid"]["code"] == STREET
    assert (
        client.post(
            ARTICLES, json=ELDER_ALLOWANCE | {"owner_grid": OTHER_STREET}, headers=auth["street"]
        ).status_code
        == 403
    )

    change = {"answer": "年满80周岁的老人由社区代办，津贴按月打卡。"}
    community = auth["community"]
    assert (
        client.put(f"{ARTICLES}/{street_article['id']}", json=change, headers=community).status_code
        == 403
    )
    changed = client.put(f"{ARTICLES}/{community_article['id']}", json=change, headers=community)
    assert changed.status_code == 200
    assert changed.json()["answer"] == change["answer"]
    assert (
        client.get(f"{ARTICLES}/{street_article['id']}", headers=community).json()["may_edit"]
        is False
    )
    by_street = client.put(
        f"{ARTICLES}/{community_article['id']}", json=change, headers=auth["street"]
    )
    assert by_street.status_code == 200
    by_admin = client.put(
        f"{ARTICLES}/{street_article['id']}",
        json={"owner_department": "justice"},
        headers=auth["admin"],
    )
    assert by_admin.json()["owner_department"]["code"] == "justice"
    assert by_admin.json()["owner_grid"] is None
    # No longer the street's: its staff cannot change it back.
    again = client.put(f"{ARTICLES}/{street_article['id']}", json=change, headers=auth["street"])
    assert again.status_code == 403

    mine = client.get(ARTICLES, params={"mine": "true"}, headers=auth["street"]).json()["items"]
    assert [item["id"] for item in mine] == [community_article["id"]]


def test_a_change_is_searched_at_once_and_a_withdrawn_article_is_not(
    client: TestClient, auth: Auth, session: Session
) -> None:
    article = _create(client, auth["urban"], **STREET_LIGHT)
    changed = client.put(
        f"{ARTICLES}/{article['id']}",
        json={"question": "井盖丢了找谁？", "keywords": ["井盖缺失"], "category_code": None},
        headers=auth["urban"],
    ).json()
    assert changed["category_code"] is None
    assert changed["keywords"] == ["井盖缺失"]
    assert [hit["article"]["id"] for hit in _search(client, auth["dispatcher"], "井盖缺失")] == [
        article["id"]
    ]
    assert (
        _search(client, auth["dispatcher"], "路灯报修")[0]["score"]
        < _search(client, auth["dispatcher"], "井盖缺失")[0]["score"]
    )

    retired = client.post(f"{ARTICLES}/{article['id']}/retire", headers=auth["urban"])
    assert retired.status_code == 200
    assert retired.json()["retired"] is True
    assert retired.json()["in_force"] is False
    assert _search(client, auth["dispatcher"], "井盖缺失") == []
    assert client.get(ARTICLES, headers=auth["dispatcher"]).json()["items"] == []
    listed = client.get(ARTICLES, params={"include_retired": "true"}, headers=auth["dispatcher"])
    assert [item["id"] for item in listed.json()["items"]] == [article["id"]]
    with pytest.raises(UnknownReference):
        kb_service.citable_article(session, str(article["id"]), TODAY)


def test_an_article_past_its_review_date_is_flagged_to_its_owner(
    client: TestClient, auth: Auth, clock: FrozenClock
) -> None:
    due = _create(client, auth["urban"], review_date=TODAY.isoformat(), **STREET_LIGHT)
    later = _create(
        client,
        auth["urban"],
        review_date=(TODAY + timedelta(days=1)).isoformat(),
        **ELDER_ALLOWANCE,
    )
    _create(client, auth["street"], review_date="2026-01-01", **ELDER_ALLOWANCE)
    assert due["due_for_review"] is True
    assert later["due_for_review"] is False

    def to_review(who: str) -> list[int]:
        params = {"mine": "true", "due_for_review": "true"}
        page = client.get(ARTICLES, params=params, headers=auth[who]).json()
        return [item["id"] for item in page["items"]]

    assert to_review("urban") == [due["id"]]
    clock.advance(timedelta(days=1))
    assert to_review("urban") == [due["id"], later["id"]]
    reviewed = client.put(
        f"{ARTICLES}/{due['id']}", json={"review_date": "2027-12-01"}, headers=auth["urban"]
    )
    assert reviewed.json()["due_for_review"] is False
    assert to_review("urban") == [later["id"]]
    # A reader's "mine" is empty: nobody asks a dispatcher to review.
    assert to_review("dispatcher") == []


def test_only_articles_in_force_are_searched(client: TestClient, auth: Auth) -> None:
    future = _create(client, auth["urban"], valid_from="2027-01-01", **STREET_LIGHT)
    ended = _create(client, auth["urban"], valid_to="2026-12-06", **STREET_LIGHT)
    current = _create(client, auth["urban"], **STREET_LIGHT)
    assert (future["in_force"], ended["in_force"]) == (False, False)
    assert [hit["article"]["id"] for hit in _search(client, auth["dispatcher"], "路灯不亮")] == [
        current["id"]
    ]
    others = _search(client, auth["urban"], "路灯不亮", in_force="false")
    assert sorted(hit["article"]["id"] for hit in others) == sorted([future["id"], ended["id"]])
    listed = client.get(ARTICLES, params={"in_force": "false"}, headers=auth["urban"]).json()
    assert sorted(item["id"] for item in listed["items"]) == sorted([future["id"], ended["id"]])


def test_search_and_lists_filter_by_category_group_and_owner(
    client: TestClient, auth: Auth
) -> None:
    light = _create(client, auth["urban"], **STREET_LIGHT)
    _create(
        client, auth["admin"], owner_grid=STREET, **ELDER_ALLOWANCE | {"question": "路灯补贴？"}
    )
    in_group = _search(client, auth["dispatcher"], "路灯", category="01")
    assert [hit["article"]["id"] for hit in in_group] == [light["id"]]
    by_owner = client.get(ARTICLES, params={"owner_grid": STREET}, headers=auth["dispatcher"])
    assert [item["owner_grid"]["code"] for item in by_owner.json()["items"]] == [STREET]


def test_the_longest_article_allowed_is_kept_whole(client: TestClient, auth: Auth) -> None:
    keywords = [f"{number:02d}" + "路" * 48 for number in range(30)]
    body = STREET_LIGHT | {"question": "问" * 300, "answer": "答" * 4000, "keywords": keywords}
    article = _create(client, auth["urban"], **body)
    assert article["keywords"] == keywords
    assert len(article["answer"]) == 4000


def test_pages_follow_one_another(client: TestClient, auth: Auth) -> None:
    created = [_create(client, auth["urban"], **STREET_LIGHT)["id"] for _ in range(3)]
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = client.get(ARTICLES, params=params, headers=auth["dispatcher"]).json()
        seen.extend(item["id"] for item in page["items"])
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (STREET_LIGHT | {"category_code": "9999"}, "category_code"),
        (STREET_LIGHT | {"owner_department": "no_such_unit"}, "owner_department"),
        (STREET_LIGHT | {"valid_from": "2027-01-02", "valid_to": "2027-01-01"}, "body"),
        (STREET_LIGHT | {"owner_department": "water", "owner_grid": STREET}, "body"),
        (STREET_LIGHT | {"question": ""}, "body.question"),
        (STREET_LIGHT | {"answer": "含\u0000字符"}, "body.answer"),
        (STREET_LIGHT | {"keywords": ["x" * 51]}, "body.keywords.0"),
        (STREET_LIGHT | {"colour": "red"}, "body.colour"),
    ],
)
def test_bad_articles_are_refused_with_the_field_named(
    client: TestClient, auth: Auth, body: dict[str, Any], field: str
) -> None:
    response = client.post(ARTICLES, json=body, headers=auth["admin"])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    fields = [error["field"] for error in problem.get("errors", [])] or [problem.get("field")]
    assert any(found.startswith(field) for found in fields), problem


def test_bad_requests_are_problems_not_errors(client: TestClient, auth: Auth) -> None:
    article = _create(client, auth["urban"], **STREET_LIGHT)
    headers = auth["urban"]
    answers = {
        "empty question": client.get(SEARCH, params={"q": " "}, headers=headers),
        "unknown category": client.get(
            SEARCH, params={"q": "路灯", "category": "77"}, headers=headers
        ),
        "bad cursor": client.get(ARTICLES, params={"cursor": "abc"}, headers=headers),
        "unknown owner": client.get(ARTICLES, params={"owner_department": "x"}, headers=headers),
        "dates reversed": client.put(
            f"{ARTICLES}/{article['id']}", json={"valid_to": "2026-01-01"}, headers=headers
        ),
        "question cleared": client.put(
            f"{ARTICLES}/{article['id']}", json={"question": None}, headers=headers
        ),
    }
    for why, response in answers.items():
        assert response.status_code == 422, why
        assert response.headers["content-type"] == "application/problem+json", why
    missing = client.get(f"{ARTICLES}/999999", headers=headers)
    assert missing.status_code == 404
    stranger = {"Authorization": "Bearer not-a-token"}
    assert client.get(SEARCH, params={"q": "路灯"}, headers=stranger).status_code == 401


def test_calls_answered_with_an_article_are_counted(
    client: TestClient, auth: Auth, session: Session, clock: FrozenClock
) -> None:
    article = _create(client, auth["urban"], **STREET_LIGHT)
    other = _create(client, auth["urban"], **ELDER_ALLOWANCE)
    cited = kb_service.citable_article(session, str(article["id"]), TODAY)
    kb_service.record_citation(session, cited, ticket_id=None)
    clock.advance(timedelta(hours=1))
    kb_service.record_citation(session, cited, ticket_id=None)
    session.commit()

    read = client.get(f"{ARTICLES}/{article['id']}", headers=auth["dispatcher"]).json()
    assert read["citations"] == 2
    assert kb_service.citation_counts(session) == {article["id"]: 2}
    assert kb_service.citation_counts(session, since=NOW + timedelta(minutes=30)) == {
        article["id"]: 1
    }
    assert kb_service.citation_counts(session, [other["id"]]) == {}
    for reference in ("999999", "abc", "", "1" * 40, str(-article["id"])):
        with pytest.raises(UnknownReference) as refused:
            kb_service.citable_article(
                session, reference, TODAY, field="answered_at_once.kb_article"
            )
        assert refused.value.extensions["field"] == "answered_at_once.kb_article"


def test_indexing_again_finds_the_same_articles(
    client: TestClient, auth: Auth, session: Session
) -> None:
    light = _create(client, auth["urban"], **STREET_LIGHT)
    before = _search(client, auth["dispatcher"], "路灯坏了")
    assert kb_service.reindex(session) == 1
    session.commit()
    assert _search(client, auth["dispatcher"], "路灯坏了") == before
    assert before[0]["article"]["id"] == light["id"]
