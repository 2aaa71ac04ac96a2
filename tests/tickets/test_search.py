"""Text search in the queue (`q`): what an agent types to find a repeat caller's ticket."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.tickets import counting, search
from app.tickets.models import Ticket
from tests import factories

TICKETS = "/api/v1/tickets"


def _post(client: TestClient, body: dict[str, Any]) -> str:
    response = client.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def _search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(TICKETS, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def _numbers(client: TestClient, **params: Any) -> list[str]:
    return [item["number"] for item in _search(client, **params)["items"]]


@pytest.fixture
def calls(client: TestClient) -> dict[str, str]:
    summary = factories.call(agent_summary="来电人称楼上住户长期深夜跳绳，已劝阻无效")
    return {
        "title": _post(client, factories.web(title="井盖松动发出异响", description="请尽快处理")),
        "description": _post(
            client, factories.hotline_12345(description="东门菜市场门口污水横流，气味难闻")
        ),
        "address": _post(client, factories.hotline_12345(address="潭城区梅山路Block 7号楼")),
        "summary": _post(client, factories.hotline_12345(call=summary, description="噪声扰民")),
        "other": _post(client, factories.qr_code(description="楼道堆放杂物")),
    }


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("title", "井盖松动"),
        ("description", "菜市场门口"),
        ("address", "梅山路"),
        ("summary", "深夜跳绳"),
    ],
)
def test_text_is_found_in_each_searched_field(
    client: TestClient, calls: dict[str, str], field: str, words: str
) -> None:
    page = _search(client, q=words)
    assert [item["number"] for item in page["items"]] == [calls[field]]
    assert page["text_searched_newest"] is None  # the index answered


def test_the_agents_summary_is_shown_on_the_ticket(
    client: TestClient, calls: dict[str, str]
) -> None:
    ticket = client.get(f"{TICKETS}/{calls['summary']}").json()
    assert ticket["agent_summary"] == "来电人称楼上住户长期深夜跳绳，已劝阻无效"


def test_any_substring_matches_and_latin_letters_ignore_case(
    client: TestClient, calls: dict[str, str]
) -> None:
    assert _numbers(client, q="市场门") == [calls["description"]]  # not a word on its own
    assert _numbers(client, q="block 7") == [calls["address"]]
    assert _numbers(client, q="  梅山路  ") == [calls["address"]]  # spaces around are dropped
    assert _numbers(client, q="梅山路 Block 8") == []


def test_a_text_matches_only_a_field_that_holds_it_whole(client: TestClient) -> None:
    # Each ticket holds the trigrams searched for 梅山路口施工 ("梅山路", "口施工"), but
    # apart, or in two fields: the whole text is in the last one only. Latin letters match
    # in either case, and only the whole text.
    _post(client, factories.hotline_12345(description="梅山路旁边，十字路口施工"))
    _post(client, factories.hotline_12345(address="梅山路", description="口施工的噪音"))
    _post(client, factories.web(title="梅山路", description="口施工"))
    whole = _post(client, factories.hotline_12345(description="梅山路口施工，噪音扰民"))
    assert _numbers(client, q="梅山路口施工") == [whole]
    _post(client, factories.hotline_12345(address="Block 7 Gate", description="Block 7号楼"))
    latin = _post(client, factories.hotline_12345(address="BLOCK 7 GATE 2"))
    assert _numbers(client, q="block 7 gate 2") == [latin]


@pytest.mark.parametrize(
    "words", ['"井盖', "井盖*", "井盖 OR 菜市场", "NEAR(井盖)", "100%_", "a\\b", "'; --", "^井盖"]
)
def test_search_syntax_is_taken_literally(
    client: TestClient, calls: dict[str, str], words: str
) -> None:
    assert _numbers(client, q=words) == []


def test_one_or_two_characters_are_looked_for_among_the_newest(
    client: TestClient, calls: dict[str, str]
) -> None:
    page = _search(client, q="井盖")
    assert [item["number"] for item in page["items"]] == [calls["title"]]
    assert page["text_searched_newest"] == search.SHORT_TEXT_NEWEST
    assert _numbers(client, q="绳") == [calls["summary"]]
    assert _numbers(client, q="bL") == [calls["address"]]


def test_search_keeps_filters_order_and_pages(client: TestClient, calls: dict[str, str]) -> None:
    more = [_post(client, factories.hotline_12345(address=f"梅山路{n}号")) for n in range(3)]
    expected = sorted([calls["address"], *more], reverse=True)  # newest first
    assert _numbers(client, q="梅山路") == expected
    assert _numbers(client, q="梅山路", channel="qr_code") == []

    seen: list[str] = []
    params: dict[str, Any] = {"q": "梅山路", "limit": 1}
    while True:
        page = _search(client, **params)
        seen += [item["number"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == expected


def test_a_unit_finds_only_the_tickets_of_its_scope(
    client: TestClient, auth: dict[str, dict[str, str]], calls: dict[str, str]
) -> None:
    light = _post(client, factories.hotline_12345(description="路灯不亮，梅山路口"))
    noise = _post(
        client, factories.minsheng_110(category_code="0201", description="梅山路口施工噪音")
    )
    assert set(_numbers(client, q="梅山路口")) == {light, noise}
    client.headers.update(auth["urban"])  # the urban management bureau leads street lights
    assert _numbers(client, q="梅山路口") == [light]


def test_the_index_follows_a_changed_text(
    client: TestClient, session: Session, calls: dict[str, str]
) -> None:
    session.execute(
        update(Ticket).where(Ticket.number == calls["title"]).values(title="路面积水严重")
    )
    session.commit()
    assert _numbers(client, q="井盖松动") == []
    assert _numbers(client, q="积水严重") == [calls["title"]]


def test_count_exact_counts_what_the_filters_and_scope_choose(
    client: TestClient, auth: dict[str, dict[str, str]], calls: dict[str, str]
) -> None:
    assert _search(client)["count"] is None  # counted only when asked
    page = _search(client, count="exact", limit=1)
    assert (page["count"], page["count_is_estimate"]) == (len(calls), False)
    assert _search(client, count="exact", channel="hotline_12345")["count"] == 3
    assert _search(client, count="exact", q="梅山路")["count"] == 1
    client.headers.update(auth["urban"])  # leads some of them only
    own = _search(client, count="exact")
    assert own["count"] == len(own["items"]) < len(calls)


def test_past_the_threshold_the_count_is_an_estimate_and_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small queue stands in for a large one: an exact count up to 3, a sample of 4 rows.
    monkeypatch.setattr(counting, "EXACT_UP_TO", 3)
    monkeypatch.setattr(counting, "SAMPLE_ROWS", 4)
    monkeypatch.setattr(counting, "SAMPLE_SLICES", 2)
    for n in range(20):
        body = factories.web() if n % 2 else factories.qr_code()
        _post(client, body)

    assert _search(client, count="exact", channel="web")["count_is_estimate"] is True
    everything = _search(client, count="exact")
    assert (everything["count"], everything["count_is_estimate"]) == (20, True)
    assert _search(client, count="exact", channel="web")["count"] == 10
    none = _search(client, count="exact", created_to="2000-01-01T00:00:00Z")
    assert (none["count"], none["count_is_estimate"]) == (0, False)


def test_count_takes_only_exact(client: TestClient) -> None:
    response = client.get(TICKETS, params={"count": "roughly"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
