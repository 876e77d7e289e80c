"""POST /api/v1/tickets records a request at once (R1, R2) and GET /track shows its progress."""

from __future__ import annotations

import re

import pytest
import time_machine

from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import Status
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^\d{8}-\d{6}$")
HEATING = {
    "channel": "web",
    "type": "help",
    "campus": "beijing",
    "content": "宿舍楼3号楼302室暖气不热，请尽快维修。",
}


def test_web_request_returns_number_and_tracking_code(as_token, person) -> None:
    """A signed-in requester's web request: 201 with a YYYYMMDD-NNNNNN number and a working tracking code."""
    response = as_token("student").post("/tickets", HEATING)
    assert response.status_code == 201, response.content
    body = response.json()
    assert NUMBER.match(body["number"])
    assert body["status"] == Status.NEW
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.requester == person("student")
    assert ticket.channel == "web"
    assert body["tracking_code"] and body["tracking_code"] not in ticket.tracking_code_hash


@time_machine.travel("2026-03-02T09:30+08:00", tick=False)
def test_hotline_call_is_led_by_the_receiving_unit(as_token, unit) -> None:
    """R2: an officer records a hotline call for their unit; it is led by that unit, acknowledged on the call."""
    call = {
        "channel": "hotline",
        "type": "consultation",
        "campus": "beijing",
        "content": "食堂几点供应早餐？",
        "requester_name": "王老师",
        "requester_kind": "faculty",
        "contact_phone": "13900001111",
        "receiving_unit": "logistics",
        "acknowledge": True,
        "received_at": "2026-03-02T09:15",
    }
    response = as_token("officer").post("/tickets", call)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == Status.HANDLING
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.lead_unit == unit("logistics")
    assert ticket.status == Status.HANDLING
    assert ticket.received_at.isoformat() == "2026-03-02T01:15:00+00:00"  # no offset: Asia/Shanghai


def test_hotline_for_another_unit_is_forbidden(as_token) -> None:
    call = {
        "channel": "hotline",
        "type": "help",
        "campus": "beijing",
        "content": "借书证丢了。",
        "requester_name": "李同学",
        "contact_phone": "13900002222",
        "receiving_unit": "library",
    }
    assert_error(as_token("officer").post("/tickets", call), 403, "forbidden")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"campus": "mars"}, 422, "validation_error", "campus"),
        ({"channel": "carrier_pigeon"}, 422, "validation_error", "channel"),
        ({"content": None}, 422, "validation_error", "content"),
        ({"content": "   "}, 400, "invalid", "content"),
        ({"urgent": True, "urgent_reason": "漏水"}, 400, "invalid", "urgent"),  # R1.5: set by the receiver
    ],
)
def test_bad_input_is_a_json_error_naming_the_field(as_token, change, status, code, field) -> None:
    body = {**HEATING, **change}
    if change.get("content", "") is None:
        del body["content"]
    assert_error(as_token("student").post("/tickets", body), status, code, field)
    assert not Ticket.objects.exists()


def test_malformed_json_is_a_400_json_error(as_session) -> None:
    api = as_session("student")
    response = api.client.post("/api/v1/tickets", "{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert not Ticket.objects.exists()


def test_track_shows_status_and_sent_replies_only(as_token, person) -> None:
    """The public lookup needs number and code; a wrong code is 404 like an unknown number (R10.1)."""
    created = as_token("student").post("/tickets", HEATING).json()
    number, code = created["number"], created["tracking_code"]
    public = as_token("student").client.__class__()  # no credentials at all
    found = public.get("/api/v1/track", {"number": number, "code": code.lower()})
    assert found.status_code == 200, found.content
    assert found.json() == {
        "number": number,
        "status": "new",
        "status_label": found.json()["status_label"],
        "replies": [],
    }
    assert_error(public.get("/api/v1/track", {"number": number, "code": "WRONGCODE2"}), 404, "not_found")
    assert_error(public.get("/api/v1/track", {"number": "20200101-000001", "code": code}), 404, "not_found")
    assert_error(public.get("/api/v1/track", {"number": number}), 422, "validation_error", "code")


def test_track_lists_the_sent_reply(handling_ticket, person) -> None:
    ticket = handling_ticket("direct")
    code = "ABCDEFGH23"
    Ticket.objects.filter(pk=ticket.pk).update(
        tracking_code_hash=services.base.hash_tracking_code(ticket.number, code)
    )
    services.reply_submit(actor=person("officer"), ticket=ticket, body="已安排师傅今天下午上门检修。")
    from django.test import Client

    pending = Client().get("/api/v1/track", {"number": ticket.number, "code": code}).json()
    assert pending["replies"] == []  # a draft awaiting approval is not shown
    services.reply_approve(actor=person("head"), ticket=ticket)
    sent = Client().get("/api/v1/track", {"number": ticket.number, "code": code}).json()
    assert sent["status"] == "replied"
    assert [r["body"] for r in sent["replies"]] == ["已安排师傅今天下午上门检修。"]
    assert set(sent) == {"number", "status", "status_label", "replies"}
