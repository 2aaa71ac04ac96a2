"""Open311 GeoReport v2, driven by someone else's client (georeport, from PyPI) against a
live server, and by raw requests checked against the specification's examples."""

import xml.etree.ElementTree as ElementTree
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from georeport import GeoReport

from app.demo.city import CENTRE_LAT, CENTRE_LON
from app.demo.people import DEMO_CLIENTS
from tests import factories

ROOT = "/open311/v2"
CALL_CENTRE, CITIZEN_APP, GRID_APP = (client.key for client in DEMO_CLIENTS)
# The fields of a service request in the specification's GET requests example, in order.
SPEC_REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SPEC_SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]


def report(**fields: str) -> dict[str, str]:
    """A POST requests form as an Open311 app sends it: a street light out, at the centre."""
    form = {
        "api_key": CITIZEN_APP,
        "service_code": factories.STREET_LIGHT,
        "lat": str(CENTRE_LAT),
        "long": str(CENTRE_LON),
        "address_string": "潭城区建安大道88号",
        "description": "路灯不亮三天了",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812341234",
    }
    return form | fields


def xml_of(response: httpx.Response) -> ElementTree.Element:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def post(client: TestClient, fmt: str = "json", **fields: str) -> httpx.Response:
    return client.post(f"{ROOT}/requests.{fmt}", data=report(**fields))


def created_id(client: TestClient, **fields: str) -> str:
    answer = post(client, **fields)
    assert answer.status_code == 201, answer.text
    service_request_id: str = answer.json()[0]["service_request_id"]
    return service_request_id


# --- someone else's client --------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_lists_files_and_finds_requests(
    live_server: str, output_format: str
) -> None:
    georeport = GeoReport(f"{live_server}{ROOT}", output_format=output_format)
    services = georeport.get_service_list()
    categories = httpx.get(f"{live_server}/api/v1/categories").json()
    codes = {child["code"] for group in categories for child in group["children"]}
    assert {service["service_code"] for service in services} == codes
    light = next(s for s in services if s["service_code"] == factories.STREET_LIGHT)
    assert light["group"] == categories[0]["name"]
    definition = georeport.get_service_definition(factories.STREET_LIGHT)
    attributes = definition["attributes"]
    if output_format == "xml":  # xmltodict: one child is a dict, not a list
        attributes = [attributes["attribute"]]
    assert [attribute["code"] for attribute in attributes] == ["request_type"]

    answer = httpx.post(f"{live_server}{ROOT}/requests.json", data=report())
    assert answer.status_code == 201, answer.text
    number = answer.json()[0]["service_request_id"]

    found = georeport.get_service_request(number)
    assert found["service_request_id"] == number
    assert found["status"] == "open"
    assert found["service_code"] == factories.STREET_LIGHT
    assert float(found["lat"]) == pytest.approx(CENTRE_LAT, abs=1e-6)
    assert float(found["long"]) == pytest.approx(CENTRE_LON, abs=1e-6)
    listed = georeport.get_service_requests(status="open", service_code=factories.STREET_LIGHT)
    listed = [listed] if isinstance(listed, dict) else listed
    assert number in {request["service_request_id"] for request in listed}
    if output_format == "json":  # the client reads an empty XML list as an error of its own
        assert number not in str(georeport.get_service_requests(status="closed"))


# --- raw requests against the specification ---------------------------------------------------


def test_a_request_is_answered_as_the_specification_shows(anonymous: TestClient) -> None:
    created = post(anonymous, "xml")
    assert created.status_code == 201, created.text
    (request,) = xml_of(created).iter("request")
    assert xml_of(created).tag == "service_requests"
    number = request.findtext("service_request_id")
    assert number
    assert request.findtext("token") == number

    shown = xml_of(anonymous.get(f"{ROOT}/requests/{number}.xml"))
    (element,) = shown.findall("request")
    assert [child.tag for child in element] == SPEC_REQUEST_FIELDS
    assert element.findtext("status") == "open"
    assert element.findtext("service_name") == "路灯损坏"  # 0101 in the demo city
    assert element.findtext("description") == "路灯不亮三天了"
    assert element.findtext("agency_responsible")  # routed to a unit at once
    json_view = anonymous.get(f"{ROOT}/requests/{number}.json").json()
    assert list(json_view[0]) == SPEC_REQUEST_FIELDS
    # The reporter is never shown, here or in a token's answer.
    assert "13812341234" not in shown.itertext()
    assert "张三" not in str(json_view)
    token = anonymous.get(f"{ROOT}/tokens/{number}.json").json()
    assert token == [{"service_request_id": number, "token": number}]


def test_services_and_definitions_follow_the_taxonomy(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    services = xml_of(anonymous.get(f"{ROOT}/services.xml"))
    first = services.find("service")
    assert first is not None
    assert [child.tag for child in first] == SPEC_SERVICE_FIELDS
    assert first.findtext("metadata") == "true"
    assert first.findtext("type") == "realtime"
    # A category that knows its request type asks for nothing more.
    changed = anonymous.put(
        f"/api/v1/categories/{factories.STREET_LIGHT}",
        json={"default_request_type": "help"},
        headers=auth["admin"],
    )
    assert changed.status_code == 200, changed.text
    listed = anonymous.get(f"{ROOT}/services.json").json()
    light = next(s for s in listed if s["service_code"] == factories.STREET_LIGHT)
    assert light["metadata"] is False
    definition = anonymous.get(f"{ROOT}/services/{factories.STREET_LIGHT}.json").json()
    assert definition == {"service_code": factories.STREET_LIGHT, "attributes": []}
    other = xml_of(anonymous.get(f"{ROOT}/services/0102.xml"))
    assert other.tag == "service_definition"
    attribute = other.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert [value.findtext("key") for value in attribute.iterfind("values/value")] == [
        "consultation", "help", "complaint", "report", "suggestion", "praise"
    ]  # fmt: skip
    missing = anonymous.get(f"{ROOT}/services/9999.json")
    assert missing.status_code == 404
    assert missing.json() == [{"code": 404, "description": "There is no service '9999'."}]


def test_errors_come_in_open311s_format(anonymous: TestClient) -> None:
    refused = post(anonymous, api_key="hlk_wrong")
    assert refused.status_code == 403
    assert refused.json() == [{"code": 403, "description": "The api_key is unknown or revoked."}]
    as_xml = xml_of(post(anonymous, "xml", api_key=""))
    assert as_xml.tag == "errors"
    assert as_xml.findtext("error/code") == "403"
    for fields, words in (
        ({"service_code": ""}, "service_code is required"),
        ({"service_code": "9999"}, "9999"),
        ({"lat": "", "long": "", "address_string": ""}, "A location is required"),
        ({"lat": "north"}, "lat must be a number"),
        ({"lat": "91"}, "lat:"),
        ({"description": ""}, "description:"),
        ({"media_url": "https://example.com/cat.jpg"}, "media_url"),
        ({"attribute[request_type]": "gossip"}, "attribute[request_type]"),
    ):
        answer = post(anonymous, **fields)
        assert answer.status_code == 400, (fields, answer.text)
        (error,) = answer.json()
        assert error["code"] == 400
        assert words in error["description"], (fields, error)
    assert anonymous.get(f"{ROOT}/requests/nothing-here.json").status_code == 404
    assert anonymous.get(f"{ROOT}/tokens/nothing-here.json").status_code == 404
    unknown_format = anonymous.get(f"{ROOT}/services.yaml")
    assert unknown_format.status_code == 404
    assert xml_of(unknown_format).tag == "errors"


def test_a_key_files_on_the_channel_it_is_bound_to(anonymous: TestClient) -> None:
    # The call centres' channels need a call's details, which Open311 has no field for.
    call_centre = post(anonymous, api_key=CALL_CENTRE)
    assert call_centre.status_code == 403
    assert "call centres" in call_centre.json()[0]["description"]
    patrol = post(anonymous, api_key=GRID_APP)
    assert patrol.status_code == 400
    assert "attribute[worker_id] is required" in patrol.json()[0]["description"]
    number = created_id(
        anonymous,
        api_key=GRID_APP,
        **{"attribute[worker_id]": "gw-0042", "attribute[grid_code]": factories.UNIT_GRID_CODE},
    )
    extended = anonymous.get(f"{ROOT}/requests/{number}.json?extensions=true").json()[0]
    assert extended["extended_attributes"]["channel"] == "grid_patrol"
    web = created_id(anonymous)
    web_extended = anonymous.get(f"{ROOT}/requests/{web}.json?extensions=true").json()[0]
    assert web_extended["extended_attributes"]["channel"] == "web"


def test_extensions_show_what_open311_has_no_field_for(anonymous: TestClient) -> None:
    number = created_id(anonymous)
    plain = anonymous.get(f"{ROOT}/requests/{number}.json").json()[0]
    assert "extended_attributes" not in plain
    shown = xml_of(
        anonymous.get(f"{ROOT}/requests.xml?extensions=true&service_request_id={number}")
    )
    extended = shown.find("request/extended_attributes")
    assert extended is not None
    assert extended.findtext("ticket_status") in {"new", "dispatched"}
    assert extended.findtext("grid_code")  # located in the demo city's grid
    clocks = extended.findall("clocks/clock")
    assert clocks
    assert all(clock.findtext("due_at") for clock in clocks)
    assert {clock.findtext("kind") for clock in clocks} >= {"reply"}


def test_the_standard_filters(anonymous: TestClient) -> None:
    light = created_id(anonymous)
    other = created_id(anonymous, service_code="0102")

    def ids(**params: Any) -> set[str]:
        answer = anonymous.get(f"{ROOT}/requests.json", params=params)
        assert answer.status_code == 200, answer.text
        return {request["service_request_id"] for request in answer.json()}

    assert {light, other} <= ids()
    assert light in ids(service_code=factories.STREET_LIGHT)
    assert other not in ids(service_code=factories.STREET_LIGHT)
    assert {light, other} <= ids(service_code=f"{factories.STREET_LIGHT},0102")
    assert light in ids(status="open")
    assert light not in ids(status="closed")
    assert ids(service_request_id=f"{light},{other}", status="closed") == {light, other}
    assert light not in ids(start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z")
    for params, words in (
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00"}, "zone"),
        ({"status": "pending"}, "status"),
    ):
        refused = anonymous.get(f"{ROOT}/requests.json", params=params)
        assert refused.status_code == 400
        assert words in refused.json()[0]["description"]


def test_discovery_names_the_endpoint_and_its_formats(anonymous: TestClient) -> None:
    document = anonymous.get(f"{ROOT}/discovery.json").json()
    (endpoint,) = document["endpoints"]
    assert endpoint["url"] == f"http://testserver{ROOT}"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    as_xml = xml_of(anonymous.get(f"{ROOT}/discovery.xml"))
    assert [f.text for f in as_xml.iterfind("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_a_confidential_or_personal_description_is_not_shown_whole(
    anonymous: TestClient, auth: dict[str, dict[str, str]]
) -> None:
    number = created_id(anonymous, description="请回电 13912345678 路灯坏了")
    shown = anonymous.get(f"{ROOT}/requests/{number}.json").json()[0]
    assert shown["description"] == "请回电 139****5678 路灯坏了"
    confidential = anonymous.post(
        "/api/v1/tickets", json=factories.web(confidential=True), headers=auth["citizen_app"]
    )
    assert confidential.status_code == 201
    hidden = anonymous.get(f"{ROOT}/requests/{confidential.json()['number']}.json").json()[0]
    assert hidden["description"] is None
