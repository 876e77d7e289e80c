"""GET /api/v1/tickets: the caller's worklist, scoped by permissions (R10.3), filtered, paged, query count pinned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["items"]]


@pytest.fixture
def teacher_ticket(person, beijing, unit) -> Ticket:
    """A web request of the demo teacher (requester B), dispatched to 图书馆."""
    teacher = person("teacher")
    teacher.phone = "13700000000"
    teacher.save(update_fields=["phone"])
    ticket = services.ticket_create(
        actor=teacher,
        channel="web",
        type="opinion",
        campus=beijing,
        content="图书馆周末开放时间太短。",
        requester=teacher,
    ).ticket
    services.ticket_dispatch(actor=person("dispatcher"), ticket=ticket, lead_unit=unit("library"))
    return ticket


def test_requesters_see_only_their_own(as_token, web_ticket, teacher_ticket) -> None:
    """R10.1: requester A's list never shows requester B's tickets, and B's ticket is 404 for A."""
    mine = web_ticket()
    student = as_token("student")
    response = student.get("/tickets")
    assert response.json()["list"] == "mine"
    assert _numbers(response) == [mine.number]
    assert response.json()["count"] == 1
    assert_error(student.get(f"/tickets/{teacher_ticket.number}"), 404, "not_found")
    assert _numbers(as_token("teacher").get("/tickets", {"list": "all"})) == [teacher_ticket.number]


def test_unit_inbox_is_the_units_own(as_token, handling_ticket, teacher_ticket) -> None:
    """R10.3: the logistics officer's inbox has logistics' ticket; the library's ticket is 404 on detail."""
    ours = handling_ticket("direct")
    officer = as_token("officer")
    assert _numbers(officer.get("/tickets")) == [ours.number]
    assert _numbers(officer.get("/tickets", {"list": "all"})) == [ours.number]
    assert_error(officer.get(f"/tickets/{teacher_ticket.number}"), 404, "not_found")
    assert _numbers(as_token("library_officer").get("/tickets")) == [teacher_ticket.number]


def test_default_lists_per_role(as_token, demo_org) -> None:
    expected = {
        "dispatcher": "dispatch",
        "officer": "inbox",
        "head": "inbox",
        "leader": "all",
        "student": "mine",
    }
    for username, name in expected.items():
        assert as_token(username).get("/tickets").json()["list"] == name, username


def test_dispatch_queue_overdue_and_approvals(as_token, web_ticket, handling_ticket, person) -> None:
    waiting = web_ticket("食堂饭菜太咸了。")
    handled = handling_ticket("direct")
    services.reply_submit(actor=person("officer"), ticket=handled, body="已通知食堂调整口味。")
    office = as_token("dispatcher")
    assert _numbers(office.get("/tickets", {"list": "dispatch"})) == [waiting.number]
    assert _numbers(as_token("head").get("/tickets", {"list": "approvals"})) == [handled.number]
    assert _numbers(as_token("officer").get("/tickets", {"list": "approvals"})) == []  # not a head
    Ticket.objects.filter(pk=waiting.pk).update(
        next_due_at="2020-01-01T00:00:00Z", next_soon_at="2019-12-31T00:00:00Z"
    )
    assert _numbers(office.get("/tickets", {"list": "overdue"})) == [waiting.number]
    assert _numbers(office.get("/tickets", {"list": "all", "clock": "overdue"})) == [waiting.number]


def test_filters_and_paging(as_token, web_ticket, handling_ticket) -> None:
    first = web_ticket("宿舍楼热水器坏了。")
    second = web_ticket("图书馆自习室座位不够。")
    Ticket.objects.filter(pk=second.pk).update(type="suggestion")
    office = as_token("dispatcher")
    page = office.get("/tickets", {"list": "all", "limit": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert page["items"][0]["number"] == second.number  # newest first
    assert _numbers(office.get("/tickets", {"list": "all", "limit": 1, "offset": 1})) == [first.number]
    assert _numbers(office.get("/tickets", {"list": "all", "type": "suggestion"})) == [second.number]
    assert _numbers(office.get("/tickets", {"list": "all", "q": "热水器"})) == [first.number]
    assert _numbers(office.get("/tickets", {"list": "all", "q": first.number})) == [first.number]
    assert _numbers(office.get("/tickets", {"list": "all", "status": "handling"})) == []
    assert _numbers(office.get("/tickets", {"list": "all", "received_to": "2000-01-01"})) == []
    assert_error(office.get("/tickets", {"list": "everything"}), 422, "validation_error", "list")
    assert_error(office.get("/tickets", {"limit": 1000}), 422, "validation_error", "limit")
    assert_error(office.get("/tickets", {"unit": "atlantis"}), 422, "validation_error", "unit")


def _queries(api, params: dict[str, object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get("/tickets", params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_tickets(
    as_token, web_ticket, django_assert_max_num_queries
) -> None:
    """Pinned: the worklist costs the same few queries for 3 tickets as for 12 (no query per row)."""
    office = as_token("dispatcher")
    for i in range(3):
        web_ticket(f"第{i}个问题：宿舍网络很慢。")
    params = {"list": "all", "limit": 2}
    with django_assert_max_num_queries(5):  # token+user, last-used stamp, roles, page, count
        assert office.get("/tickets", params).status_code == 200
    small, small_full = _queries(office, params), _queries(office, {"list": "all"})
    for i in range(9):
        web_ticket(f"第{i + 3}个问题：食堂排队太久。")
    assert _queries(office, params) == small
    assert _queries(office, {"list": "all"}) == small_full
    with django_assert_max_num_queries(4):  # token+user, roles, page (a short page needs no COUNT)
        assert len(office.get("/tickets", {"list": "all"}).json()["items"]) == 12
