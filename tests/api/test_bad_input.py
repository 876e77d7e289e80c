"""Issue 17 items 3 and 6 over the API: a requester sets only what is theirs, staff date a request back only
within a week and with a reason, and bad input — control characters, address lists, dates outside 2000–2100,
oversized bodies, paging too far, too many requests — is a 4xx with the usual JSON error, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jiesu.tickets.models import Event, Ticket
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db
HEATING = {"channel": "web", "type": "help", "campus": "beijing", "content": "宿舍楼3号楼302室暖气不热。"}


def hotline(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "channel": "hotline",
        "type": "consultation",
        "campus": "beijing",
        "content": "食堂几点供应早餐？",
        "requester_name": "王老师",
        "contact_phone": "13900001111",
        "receiving_unit": "logistics",
    }
    body.update(overrides)
    return body


def minutes_ago(minutes: int) -> str:
    return (timezone.localtime() - dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    "forged",
    [
        {"received_at": "2026-01-01T08:00"},
        {"requester_name": "校长"},
        {"requester_kind": "faculty"},
        {"source_name": "教育部", "source_reference": "2026-1"},
        {"source_due_at": "2026-12-31T17:00"},
    ],
)
def test_a_web_request_cannot_set_what_the_server_sets(as_token, forged) -> None:
    """The time received, the requester's name and kind and the source come from the server and the account."""
    error = assert_error(as_token("student").post("/tickets", {**HEATING, **forged}), 422, "validation_error")
    assert error["field"] in forged
    assert not Ticket.objects.exists()


def test_a_web_request_gets_the_accounts_name_and_kind(as_token, person) -> None:
    response = as_token("student").post("/tickets", HEATING)
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    student = person("student")
    assert (ticket.requester_name, ticket.requester_kind) == (student.get_full_name(), student.kind)


def test_staff_may_date_a_call_back_a_week_at_most(as_token) -> None:
    api = as_token("officer")
    eight_days = minutes_ago(8 * 24 * 60)
    assert_error(
        api.post("/tickets", hotline(received_at=eight_days, backdate_reason="补录")),
        422,
        "validation_error",
        "received_at",
    )
    future = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert_error(api.post("/tickets", hotline(received_at=future)), 400, "invalid", "received_at")
    assert not Ticket.objects.exists()


def test_dating_back_beyond_the_hour_needs_a_reason_kept_in_the_history(as_token) -> None:
    api = as_token("officer")
    two_days = minutes_ago(2 * 24 * 60)
    assert_error(api.post("/tickets", hotline(received_at=two_days)), 400, "invalid", "backdate_reason")
    assert not Ticket.objects.exists()
    response = api.post("/tickets", hotline(received_at=two_days, backdate_reason="周末值班电话，周一补录"))
    assert response.status_code == 201, response.content
    event = Event.objects.get(ticket__number=response.json()["number"], action="backdated")
    assert event.reason == "周末值班电话，周一补录" and not event.public
    recent = api.post("/tickets", hotline(received_at=minutes_ago(20)))
    assert recent.status_code == 201, recent.content  # within the hour: no reason needed, no extra row
    assert not Event.objects.filter(ticket__number=recent.json()["number"], action="backdated").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_at": "9999-12-31T23:59"}, "received_at"),
        ({"received_at": "1900-01-01T08:00"}, "received_at"),
        (
            {"channel": "referral", "source_name": "市政府", "source_due_at": "9999-12-31T23:59"},
            "source_due_at",
        ),
    ],
)
def test_dates_outside_2000_to_2100_are_a_422(as_token, change, field) -> None:
    body = hotline(**change)
    if change.get("channel") == "referral":
        body.pop("receiving_unit")
    assert_error(
        as_token("dispatcher" if "source_name" in change else "officer").post("/tickets", body),
        422,
        "validation_error",
        field,
    )
    assert not Ticket.objects.exists()


def test_a_list_filter_far_in_the_future_is_a_422(as_token) -> None:
    assert_error(
        as_token("dispatcher").get("/tickets", {"received_to": "9999-12-31"}),
        422,
        "validation_error",
        "received_to",
    )


@pytest.mark.parametrize(
    "email",
    ["a@example.com, b@example.com", "a@example.com;b@example.com", "a@example.com\r\nBcc: b@example.com"],
)
def test_contact_email_is_one_address(as_token, email) -> None:
    response = as_token("officer").post("/tickets", hotline(contact_email=email))
    assert_error(response, 422, "validation_error", "contact_email")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content", "暖气\x00不热"),
        ("content", "暖气\x1b[31m不热"),
        ("subject", "暖气\n不热"),
        ("contact_phone", "139\x00"),
    ],
)
def test_control_characters_are_refused_in_intake(as_token, field, value) -> None:
    assert_error(
        as_token("student").post("/tickets", {**HEATING, field: value}), 422, "validation_error", field
    )
    assert not Ticket.objects.exists()


def test_line_breaks_and_tabs_are_kept_in_multiline_text(as_token) -> None:
    response = as_token("student").post("/tickets", {**HEATING, "content": "第一行\n\t第二行"})
    assert response.status_code == 201, response.content
    assert Ticket.objects.get().content == "第一行\n\t第二行"


def test_control_characters_are_refused_in_every_action(as_token, handling_ticket) -> None:
    ticket = handling_ticket("direct")
    response = as_token("officer").post(f"/tickets/{ticket.number}/contacts", {"body": "已电话联系\x00"})
    assert_error(response, 422, "validation_error", "body")
    assert not Event.objects.filter(ticket=ticket, action="contact").exists()


def test_a_body_over_the_limit_is_a_413(as_token, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = as_token("student").post("/tickets", {**HEATING, "content": "暖" * 1500})
    assert_error(response, 413, "payload_too_large")
    assert not Ticket.objects.exists()


def test_a_body_over_the_limit_is_a_413_with_a_session_too(as_session, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    api = as_session("student")
    response = api.client.post(
        "/api/v1/tickets", {"content": "暖" * 1500}
    )  # a form body, read by the middleware
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize(("params", "field"), [({"offset": 10001}, "offset"), ({"limit": 201}, "limit")])
def test_paging_beyond_sane_bounds_is_a_422(as_token, params, field) -> None:
    assert_error(as_token("dispatcher").get("/tickets", params), 422, "validation_error", field)


def test_intake_is_limited_per_person(as_token, settings) -> None:
    settings.JIESU_INTAKE_RATE_PERSON = "2/h"
    api = as_token("student")
    assert [api.post("/tickets", HEATING).status_code for _ in range(2)] == [201, 201]
    refused = api.post("/tickets", HEATING)
    assert_error(refused, 429, "throttled")
    assert int(refused["Retry-After"]) > 0
    assert Ticket.objects.count() == 2
    assert as_token("teacher").post("/tickets", HEATING).status_code == 201  # another person is not affected


def test_intake_is_limited_per_address_whatever_the_forwarded_header(as_token, settings) -> None:
    settings.JIESU_INTAKE_RATE_ADDRESS = "2/h"
    first, second = as_token("student"), as_token("teacher")
    assert first.post("/tickets", HEATING).status_code == 201
    second.headers["X-Forwarded-For"] = "203.0.113.9"
    assert second.post("/tickets", HEATING).status_code == 201
    second.headers["X-Forwarded-For"] = "198.51.100.7"  # forged: not believed without trusted proxies
    assert_error(second.post("/tickets", HEATING), 429, "throttled")
    other = Client(REMOTE_ADDR="10.9.9.9")
    second.client = other
    assert second.post("/tickets", HEATING).status_code == 201
