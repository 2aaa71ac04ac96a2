"""Loading a city's folder on both databases: what a good folder gives, and every problem
of a bad one named by file, row and field with nothing written."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import SYSTEM_EDITOR
from app.auth.models import StaffUser
from app.categories.models import Category
from app.city.folder import DEPARTMENTS, CityRejected, LoadResult, load_city
from app.city.tables import write_xlsx
from app.routing.models import RoutingRule
from app.units.models import Department
from tests import factories

GOOD = {
    "departments.csv": "code,name,kind\nt_water,测试水务局,public_enterprise\nt_roads,测试路政,\n",
    "categories.csv": (
        "code,name,parent_code,default_priority,default_department_code\n"
        "97,测试供水,,urgent,\n"
        "9701,测试漏水,97,urgent,t_water\n"
        "9702,测试路面,97,,t_roads\n"
    ),
    "keywords.csv": "category_code,keywords,weight\n9701,漏水;爆管,2\n",
    "routing_rules.csv": (
        "name,position,target_kind,category_codes,target_department_code\n"
        "测试漏水归水务,5,department,9701,t_water\n"
    ),
    "staff.csv": (
        "username,display_name,role,department_code,password\n"
        "t.water,水务承办人,unit_handler,t_water,tea-by-the-min-river-9\n"
        "t.dispatch,值班员,dispatcher,,\n"
    ),
    "integrations.csv": "name,channels,key\n测试市民App,web;qr_code,\n",
}


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "city"
    folder.mkdir()
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def _load(session: Session, folder: Path) -> LoadResult:
    result = load_city(session, folder, editor=SYSTEM_EDITOR)
    session.commit()
    return result


def _refused(session: Session, folder: Path) -> set[tuple[str, int | None, str | None]]:
    """The problems, as (file, row, field); what the folder wrote is rolled back, as the
    command does."""
    with pytest.raises(CityRejected) as refused, session.begin_nested():
        load_city(session, folder, editor=SYSTEM_EDITOR)
    problems = refused.value.extensions["problems"]
    return {(problem["file"], problem["row"], problem["field"]) for problem in problems}


def _test_departments(session: Session) -> list[str]:
    query = select(Department.code).where(Department.code.like("t\\_%", escape="\\"))
    return sorted(session.scalars(query))


@pytest.fixture
def loaded(session: Session, tmp_path: Path) -> LoadResult:
    return _load(session, _folder(tmp_path, dict(GOOD)))


def test_a_folder_sets_up_units_categories_rules_staff_and_keys(
    loaded: LoadResult, session: Session
) -> None:
    assert loaded.counts == {
        "departments": 2,
        "categories": 3,
        "keywords": 1,
        "routing_rules": 1,
        "staff": 2,
        "integrations": 1,
    }
    assert _test_departments(session) == ["t_roads", "t_water"]
    leak = session.scalars(select(Category).where(Category.code == "9701")).one()
    group = session.scalars(select(Category).where(Category.code == "97")).one()
    assert (leak.parent_id, leak.default_priority) == (group.id, "urgent")
    rule = session.scalars(select(RoutingRule).where(RoutingRule.name == "测试漏水归水务")).one()
    assert rule.target_department_code == "t_water"
    dispatcher = session.scalars(select(StaffUser).where(StaffUser.username == "t.dispatch")).one()
    assert dispatcher.must_change_password  # its password was made up, for one use
    assert [(s.kind, s.owner) for s in loaded.secrets] == [
        ("one-time password", "t.dispatch"),
        ("API key", "测试市民App"),
    ]


def test_what_was_loaded_works_at_once(loaded: LoadResult, anonymous: TestClient) -> None:
    key = next(s.value for s in loaded.secrets if s.kind == "API key")

    filed = anonymous.post(
        "/api/v1/tickets",
        json=factories.web(category_code="9701", description="小区门口水管爆管漏水"),
        headers={"X-API-Key": key},
    )

    assert filed.status_code == 201, filed.text
    assert filed.json()["assigned_unit"]["code"] == "t_water"


def test_every_problem_is_named_and_nothing_is_written(session: Session, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = dict(GOOD)
    files["departments.csv"] = (
        "code,name,kind\n"
        "t_water,测试水务局,public_enterprise\n"
        ",,\n"  # an empty row among the others
        "t_water,又一个水务局,\n"  # row 4: the code again
        "t_parks,,\n"  # row 5: no name
        "t_old,撤并的局,functional\n"
    )
    files["categories.csv"] = (
        "code,name,parent_code\n"
        "97,测试供水,\n"
        "9701,测试漏水,97\n"
        "9901,无此大类,99\n"  # row 4: no group 99
        "970101,三级分类,9701\n"  # row 5: a category as the parent
        "9801,不以大类开头,97\n"  # row 6: code does not start with the group's
    )
    files["keywords.csv"] = "category_code,keywords,colour\n9701,漏水,blue\n"
    files["routing_rules.csv"] = (
        "name,position,target_kind,category_codes,target_department_code\n"
        "去无此部门,5,department,9701,t_nowhere\n"
    )
    files["staff.csv"] = (
        "username,display_name,role,department_code,password\n"
        "t.water,水务承办人,unit_handler,t_water,password123\n"
    )

    problems = _refused(session, _folder(tmp_path, files))

    assert {
        ("departments.csv", 3, None),
        ("departments.csv", 4, "code"),
        ("departments.csv", 5, "name"),
        ("categories.csv", 4, "parent_code"),
        ("categories.csv", 5, "parent_code"),
        ("categories.csv", 6, "code"),
        ("keywords.csv", 1, "colour"),
        ("routing_rules.csv", 2, "target_department_code"),
        ("staff.csv", 2, "password"),
    } <= problems
    assert _test_departments(session) == []
    assert session.scalars(select(Category).where(Category.code == "97")).first() is None


def test_a_retired_unit_cannot_be_a_routing_target(session: Session, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "departments.csv": "code,name,active\nt_old,撤并的局,false\n",
        "routing_rules.csv": (
            "name,position,target_kind,target_department_code\n去已撤并部门,5,department,t_old\n"
        ),
    }

    assert ("routing_rules.csv", 2, "target_department_code") in _refused(
        session, _folder(tmp_path, files)
    )


def test_a_missing_column_is_named(session: Session, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"departments.csv": "code,title\nt_water,水务\n"}

    problems = _refused(session, _folder(tmp_path, files))

    assert {("departments.csv", 1, "name"), ("departments.csv", 1, "title")} <= problems


def test_a_gbk_file_from_excel_is_read(session: Session, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"departments.csv": GOOD["departments.csv"].encode("gbk")}

    result = _load(session, _folder(tmp_path, files))

    assert result.notes == ["departments.csv: not UTF-8, read as GBK"]
    names = session.scalars(select(Department.name).where(Department.code == "t_water"))
    assert list(names) == ["测试水务局"]


def test_a_file_in_no_chinese_encoding_is_refused_clearly(session: Session, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"departments.csv": b"code,name\n\x80\x80\xff,x\n"}

    with pytest.raises(CityRejected) as refused, session.begin_nested():
        load_city(session, _folder(tmp_path, files), editor=SYSTEM_EDITOR)

    [problem] = refused.value.extensions["problems"]
    assert problem["file"] == "departments.csv"
    assert "neither UTF-8 nor GBK" in problem["message"]


def test_an_excel_workbook_is_read(session: Session, tmp_path: Path) -> None:
    folder = _folder(tmp_path, {})
    rows = [
        {"code": "t_water", "name": "测试水务局", "active": "true"},
        {"code": "t_roads", "name": "测试路政"},
    ]
    write_xlsx(folder / "departments.xlsx", DEPARTMENTS, rows)

    assert _load(session, folder).counts == {"departments": 2}
    assert _test_departments(session) == ["t_roads", "t_water"]


def test_a_file_the_loader_does_not_know_is_named(session: Session, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "departments.csv": GOOD["departments.csv"],
        "departmnets.csv": "code,name\nt_typo,拼错的文件\n",
    }

    result = _load(session, _folder(tmp_path, files))

    assert result.notes == [
        "departmnets.csv: not one of the folder's files (README.md lists them); not read"
    ]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("not json", None),
        ('{"type": "FeatureCollection", "hotline_crs": "mars", "features": []}', "hotline_crs"),
    ],
)
def test_a_grid_map_that_cannot_be_read_is_named(
    session: Session, tmp_path: Path, content: str, field: str | None
) -> None:
    files: dict[str, str | bytes] = {
        "departments.csv": GOOD["departments.csv"],
        "grids.geojson": content,
    }

    assert {(p[0], p[2]) for p in _refused(session, _folder(tmp_path, files))} == {
        ("grids.geojson", field)
    }
    assert _test_departments(session) == []
