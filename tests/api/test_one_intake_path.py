"""One intake path (issue 11): the API records a request at once, like every other channel, and reads never write."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from tests.api.conftest import API

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes(captured: CaptureQueriesContext) -> list[str]:
    # Django's session row and its cache table (throttle counters: Redis in production) are not the product's
    # data; every other write counts.
    return [
        q["sql"]
        for q in captured.captured_queries
        if WRITE.match(q["sql"]) and not any(t in q["sql"] for t in ('"django_session"', '"jiesu_cache"'))
    ]


def test_fifty_api_requests_are_listed_and_counted_at_once_without_a_worker(
    as_token, person, settings
) -> None:
    """With no worker running, 50 requests posted through the API are all in the Office's list and the ledger
    the moment their 201 arrives: the answer comes after the ticket is committed."""
    settings.JIESU_INTAKE_RATE_PERSON = "100/h"  # one person, more than the intake limit allows
    student, office = as_token("student"), as_token("dispatcher")
    numbers = set()
    for i in range(50):
        response = student.post(
            "/tickets",
            {
                "channel": "web",
                "type": "help",
                "campus": "beijing",
                "content": f"第{i}号宿舍的暖气不热，请维修。",
            },
        )
        assert response.status_code == 201, response.content
        numbers.add(response.json()["number"])
    listed = office.get("/tickets", {"list": "all", "limit": 100}).json()
    assert listed["count"] == 50
    assert {item["number"] for item in listed["items"]} == numbers
    ledger = Client()
    ledger.force_login(person("dispatcher"))
    page = ledger.get("/ledger/")
    assert page.status_code == 200
    assert page.context["count"] == 50


def test_reads_of_a_ticket_write_nothing(handling_ticket, person, as_token) -> None:
    """GET /track, /api/v1/track, the ticket page and the API detail leave the database as it was (no INSERT,
    UPDATE or DELETE): reading a number never records, stamps or repairs anything."""
    created = services.ticket_create(
        actor=person("student"),
        channel="web",
        type="consultation",
        campus=handling_ticket().campus,
        content="请问图书馆寒假开放时间？",
        requester=person("student"),
    )
    number, code = created.ticket.number, created.tracking_code
    staff = Client()
    staff.force_login(person("dispatcher"))
    api = as_token("dispatcher")
    api.get(f"/tickets/{number}")  # the token's first use is stamped (at most every 5 minutes): not a read's
    anonymous = Client()
    reads = [
        lambda: anonymous.post("/track/", {"number": number, "code": code}),  # the form posts, but only reads
        lambda: anonymous.get(f"{API}/track", {"number": number, "code": code}),
        lambda: staff.get(f"/tickets/{number}/"),
        lambda: api.get(f"/tickets/{number}"),
    ]
    for read in reads:
        with CaptureQueriesContext(connection) as captured:
            response = read()
        assert response.status_code == 200, response.content[:300]
        assert _writes(captured) == [], captured.captured_queries
    assert Ticket.objects.filter(number=number).count() == 1
