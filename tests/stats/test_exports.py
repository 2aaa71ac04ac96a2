"""Exports as a user opens them: CSV with a BOM that Excel reads as UTF-8, XLSX read back
with openpyxl, the queue's filters and the caller's scope, and the monthly workbook's
sheets and charts."""

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app
from tests import factories
from tests.apps import in_test_transaction
from tests.workflow.helpers import PROBLEM_JSON, Auth, department_ticket, file_ticket

# The periods are the city's calendar days: tickets filed and counted at one standing
# moment, so a run across midnight or a month's end counts them in the same period.
pytestmark = pytest.mark.usefixtures("clock", "counted_before_reading")

EXPORT = "/api/v1/tickets/export"
BOM = b"\xef\xbb\xbf"


def _csv(response_content: bytes) -> list[dict[str, str]]:
    assert response_content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(response_content[len(BOM) :].decode("utf-8"))))


def test_the_queue_export_keeps_the_queues_filters_and_the_callers_scope(
    client: TestClient, auth: Auth
) -> None:
    urban = department_ticket(client)["number"]
    patrol = file_ticket(client, factories.grid_patrol())["number"]

    everything = client.get(EXPORT)
    assert everything.status_code == 200, everything.text
    assert everything.headers["content-type"].startswith("text/csv")
    rows = _csv(everything.content)
    assert {row["number"] for row in rows} >= {urban, patrol}
    [row] = [row for row in rows if row["number"] == urban]
    assert row["title"].startswith("小区门口路灯不亮")
    assert row["assigned_department"] == "urban_management"
    assert "reporter_phone" not in row

    patrols = _csv(client.get(EXPORT, params={"channel": "grid_patrol"}).content)
    assert [row["number"] for row in patrols] == [patrol]
    own = _csv(client.get(EXPORT, headers=auth["urban"]).content)
    assert [row["number"] for row in own] == [urban]

    as_xlsx = client.get(EXPORT, params={"format": "xlsx", "channel": "grid_patrol"})
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)["tickets"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "number"
    assert [line[0] for line in values[1:]] == [patrol]


def test_the_queue_csv_shows_local_times_and_quotes_formulas(
    client: TestClient, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 3, 2, 23, 30, 15, 987654, tzinfo=UTC))  # 07:30:15 in the city
    number = file_ticket(client, factories.hotline_12345(title='=HYPERLINK("x")'))["number"]

    [row] = [row for row in _csv(client.get(EXPORT).content) if row["number"] == number]
    assert row["created_at"] == "2026-03-03 07:30:15"
    assert row["updated_at"] == "2026-03-03 07:30:15"
    assert row["title"] == '\'=HYPERLINK("x")'

    as_xlsx = client.get(EXPORT, params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)["tickets"]
    [line] = [line for line in sheet.iter_rows(values_only=True) if line[0] == number]
    assert isinstance(line[1], datetime)  # a date cell, not text
    assert line[1].replace(microsecond=0) == datetime(2026, 3, 3, 7, 30, 15)


def test_the_queue_csv_keeps_awkward_text_whole_under_search_and_list_filters(
    client: TestClient,
) -> None:
    """Commas, quotes, line breaks, percent signs and every formula start survive the trip
    through a spreadsheet reader, with a text search and a list filter applied."""
    titles = {
        '路灯,不亮 "三天" 50%': '路灯,不亮 "三天" 50%',
        "井盖\n缺失": "井盖\n缺失",
        "+86 来电": "'+86 来电",
        "-号楼": "'-号楼",
        "@物业": "'@物业",
    }
    numbers = {
        file_ticket(client, factories.hotline_12345(title=title, address=f"=地址{index}"))[
            "number"
        ]: title
        for index, title in enumerate(titles)
    }
    other = file_ticket(client, factories.grid_patrol())["number"]

    params = {"q": "路灯不亮", "channel": ["hotline_12345", "minsheng_110"], "status": []}
    rows = {row["number"]: row for row in _csv(client.get(EXPORT, params=params).content)}
    assert other not in rows
    for number, title in numbers.items():
        assert rows[number]["title"] == titles[title]
        assert rows[number]["address"].startswith("'=地址")
        assert rows[number]["channel"] == "hotline_12345"
        assert rows[number]["category"] == "0101"
        assert rows[number]["created_at"].count(":") == 2


def test_a_city_with_summer_time_exports_its_own_local_times(
    settings: Settings,
    session_factory: sessionmaker[Session],
    auth: Auth,
    clock: FrozenClock,
) -> None:
    app = in_test_transaction(
        create_app(settings.model_copy(update={"timezone": "Europe/Berlin"})), session_factory
    )
    with TestClient(app, headers=auth["dispatcher"]) as client:
        clock.set(datetime(2026, 3, 28, 12, 0, 1, tzinfo=UTC))  # winter time: 13:00:01
        winter = file_ticket(client, factories.hotline_12345())["number"]
        clock.set(datetime(2026, 3, 30, 12, 0, 1, tzinfo=UTC))  # summer time: 14:00:01
        summer = file_ticket(client, factories.hotline_12345())["number"]

        rows = {row["number"]: row for row in _csv(client.get(EXPORT).content)}

    assert rows[winter]["created_at"] == "2026-03-28 13:00:01"
    assert rows[summer]["created_at"] == "2026-03-30 14:00:01"


def test_an_export_longer_than_the_maximum_is_refused(client: TestClient) -> None:
    params = {"created_from": "2020-01-01T00:00:00Z", "created_to": "2026-01-01T00:00:00Z"}
    response = client.get(EXPORT, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert "366 days" in response.json()["detail"]


def test_reports_and_rankings_export_as_csv_and_xlsx(client: TestClient) -> None:
    department_ticket(client)
    report = client.get(
        "/api/v1/stats/report/export", params={"by": "unit", "unit_kind": "department"}
    )
    assert report.status_code == 200, report.text
    rows = _csv(report.content)
    [urban] = [row for row in rows if row["code"] == "urban_management"]
    assert urban["assigned"] == "1"
    assert urban["previous_assigned"] == "0"
    assert rows[-1]["name"].startswith("全市")

    ranking = client.get("/api/v1/stats/rankings/export", params={"format": "xlsx"})
    assert ranking.status_code == 200
    sheet = load_workbook(io.BytesIO(ranking.content), read_only=True)["ranking"]
    header, *lines = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("rank", "tied", "code", "name")
    assert len(lines) == len([grid for grid in factories.CITY.grids if grid.level == 1])


def test_the_monthly_workbook_has_a_sheet_per_report_and_native_charts(
    client: TestClient,
) -> None:
    department_ticket(client)
    response = client.get("/api/v1/stats/monthly.xlsx")
    assert response.status_code == 200, response.text
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "streets",
        "departments",
        "categories",
        "channels",
        "ranking",
        "trend",
    ]
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        charts = [name for name in package.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 2
        kinds = {name: package.read(name) for name in charts}
    assert any(b"<barChart>" in xml for xml in kinds.values())
    assert any(b"<lineChart>" in xml for xml in kinds.values())
    trend = list(workbook["trend"].iter_rows(values_only=True))
    assert len(trend) == 13  # the header and twelve months
