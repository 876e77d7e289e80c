"""Open311 GeoReport v2 (issue 15 item 8), spoken to as a city app would: a plain HTTP client (urllib) against a
live server, in both formats. A request posted with the Office's api_key becomes a referral ticket (R2.6) on
the catalogue's matter (R2.7); anyone may follow its status and public reply, never the requester's data."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from jiesu.api.services import token_create
from jiesu.catalogue.models import Matter
from jiesu.catalogue.seeding import catalogue_seed
from jiesu.open311.models import ServiceRequest
from jiesu.tickets import services
from jiesu.tickets.models import Channel, Ticket
from jiesu.tickets.states import Status
from tests.support import unit, user

NAME, PHONE = "王建国", "13800138000"


@pytest.fixture
def city(transactional_db: None, live_server):  # noqa: ANN201
    from jiesu.demo.accounts import load_demo_org  # noqa: PLC0415 - the demo app only in tests

    load_demo_org()
    catalogue_seed()
    return live_server.url + "/open311/v2/"


def call(url: str, data: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body)  # noqa: S310 - the test's own live server
    if body is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as failed:
        return failed.code, failed.headers["Content-Type"], failed.read()


def xml_of(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - the answer of the test's own live server


def get_json(url: str, data: dict[str, str] | None = None) -> tuple[int, Any]:
    status, kind, body = call(url, data)
    assert kind.startswith("application/json")
    return status, json.loads(body)


def get_xml(url: str, data: dict[str, str] | None = None) -> tuple[int, ET.Element]:
    status, kind, body = call(url, data)
    assert kind.startswith("text/xml") and body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return status, xml_of(body)


def post_form(api_key: str, code: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": api_key,
        "service_code": code,
        "description": "3号宿舍楼暖气片冰凉，室温只有十几度。",
        "address_string": "北京校区3号宿舍楼",
        "first_name": "建国",
        "last_name": "王",
        "phone": PHONE,
        "attribute[campus]": "beijing",
        "attribute[source]": "12345",
        "attribute[reference]": "BJ-2026-001",
        **extra,
    }


def test_a_city_app_lists_services_posts_and_follows_a_request(city: str) -> None:
    heating = Matter.objects.get(name="供暖")
    status, found = get_json(city + "discovery.json")
    assert status == 200 and found["endpoints"][0]["url"].endswith("/open311/v2/")
    assert get_xml(city + "discovery.xml")[1].find("endpoints/endpoint/formats/format") is not None

    status, listed = get_json(city + "services.json")
    assert status == 200 and len(listed) >= 80
    assert {"service_code": heating.code, "service_name": "供暖", "type": "realtime"}.items() <= next(
        s for s in listed if s["service_code"] == heating.code
    ).items()
    assert not any(len(s["service_code"]) == 2 for s in listed)  # categories are not services
    codes = [e.text for e in get_xml(city + "services.xml")[1].findall("service/service_code")]
    assert codes == [s["service_code"] for s in listed]

    status, definition = get_json(city + f"services/{heating.code}.json")
    campus = next(a for a in definition["attributes"] if a["code"] == "campus")
    assert (
        status == 200
        and campus["required"] is True
        and {"key": "beijing", "name": "北京校区"} in campus["values"]
    )
    root = get_xml(city + f"services/{heating.code}.xml")[1]
    assert root.tag == "service_definition" and root.findtext("attributes/attribute/code") == "campus"

    key = token_create(user=user("dispatcher"), name="12345 city app").secret
    status, made = get_json(city + "requests.json", post_form(key, heating.code))
    assert status == 201 and made[0]["service_notice"]
    number = made[0]["service_request_id"]
    ticket = Ticket.objects.get(number=number)
    assert (ticket.channel, ticket.status, ticket.source_name, ticket.source_reference) == (
        Channel.REFERRAL,
        Status.NEW,
        "12345市民服务热线",  # spelled as on a referral sheet
        "BJ-2026-001",
    )
    assert ticket.requester_name == NAME and "3号宿舍楼" in ticket.content
    status, root = get_xml(
        city + "requests.xml", post_form(key, heating.code, description="食堂窗口排队太久")
    )
    assert status == 201 and root.tag == "service_requests"
    second = root.findtext("request/service_request_id")
    assert ServiceRequest.objects.count() == 2

    status, both = get_json(
        city + "requests.json?" + urllib.parse.urlencode({"service_request_id": f"{number},{second}"})
    )
    assert status == 200 and {r["service_request_id"] for r in both} == {number, second}
    assert all(r["status"] == "open" and r["status_notes"] is None for r in both)
    status, raw = call(city + "requests.json")[0], call(city + "requests.json")[2].decode()
    assert (
        NAME not in raw and PHONE not in raw and "暖气片冰凉" not in raw
    )  # no personal data, no description

    # The Office dispatches; the unit replies; the head approves; the follow-up closes it (销账).
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    # A reply is written to the requester: it greets them by name and gives a contact. The public sees it with
    # the personal data masked, as on the board (R2.2, R10.1).
    officer = user("officer")
    body = f"{NAME}同学您好：已更换3号楼暖气阀门，室温恢复正常。如仍不热请致电010-61234567，经办人{officer.get_full_name()}。"
    services.reply_submit(actor=officer, ticket=ticket, body=body)
    services.reply_approve(actor=user("head"), ticket=ticket)
    services.followup_complete(actor=user("officer"), ticket=ticket, outcome="satisfied", resolved=True)

    status, one = get_json(city + f"requests/{number}.json")
    assert status == 200 and one[0]["status"] == "closed"
    assert (
        one[0]["status_notes"]
        == "***同学您好：已更换3号楼暖气阀门，室温恢复正常。如仍不热请致电***，经办人***。"
    )
    assert NAME not in call(city + "requests.json?status=closed")[2].decode()
    assert one[0]["agency_responsible"] == "后勤管理处" and one[0]["service_code"] == heating.code
    root = get_xml(city + f"requests/{number}.xml")[1]
    assert root.findtext("request/status") == "closed"
    assert [r["service_request_id"] for r in get_json(city + "requests.json?status=closed")[1]] == [number]
    assert [r["service_request_id"] for r in get_json(city + "requests.json?status=open")[1]] == [second]
    assert get_json(city + "requests.json?" + urllib.parse.urlencode({"service_code": heating.code}))[1] != []
    assert (
        get_json(city + "requests.json?" + urllib.parse.urlencode({"end_date": "2020-01-01T00:00:00+08:00"}))[
            1
        ]
        == []
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_are_open311_errors(city: str, fmt: str) -> None:
    code = Matter.objects.get(name="供暖").code
    office = token_create(user=user("dispatcher")).secret
    student = token_create(user=user("student")).secret
    cases = [
        (post_form("", code), 403),
        (post_form("not-a-token", code), 403),
        (post_form(student, code), 403),
        (post_form(office, "no-such-service"), 400),
        (post_form(office, code, description=""), 400),
        (post_form(office, code, address_string=""), 400),
        (post_form(office, code, **{"attribute[campus]": "mars"}), 400),
        (post_form(office, code, first_name="", last_name=""), 400),
        (post_form(office, code, description="x" * 4001), 400),
        (post_form(office, code, **{"attribute[due]": "2026-02-30T12:00"}), 400),  # well-formed, impossible
    ]
    for data, expected in cases:
        if fmt == "json":
            status, body = get_json(city + "requests.json", data)
            assert status == expected and body[0]["code"] == expected and body[0]["description"]
        else:
            status, root = get_xml(city + "requests.xml", data)
            assert (
                status == expected and root.tag == "errors" and root.findtext("error/code") == str(expected)
            )
    assert not ServiceRequest.objects.exists() and not Ticket.objects.exists()  # nothing half-written
    for path, expected in [
        (f"requests/20990101-000001.{fmt}", 404),
        (f"services/no-such-service.{fmt}", 404),
        (f"requests.{fmt}?status=lost", 400),
        (f"requests.{fmt}?start_date=yesterday", 400),
        (f"requests.{fmt}?end_date=2026-02-30T00:00:00", 400),  # well-formed, impossible: not a crash
    ]:
        status, _kind, body = call(city + path)
        assert status == expected
        assert (json.loads(body)[0]["code"] if fmt == "json" else xml_of(body).findtext("error/code")) in (
            expected,
            str(expected),
        )
