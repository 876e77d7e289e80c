"""The order pages (R8.2): the board by unit and state, the new-order form, the order page's answer and
review forms, who sees what, and the link from the ticket page."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from jiesu.supervision.models import Order
from jiesu.supervision.services.orders import order_issue
from jiesu.supervision.states import OrderState
from tests.support import at, dispatched, queries_for, signed_in, unit, user

pytestmark = pytest.mark.django_db

START = at(2026, 11, 24, 9, 0)


@pytest.fixture
def ticket(demo_org: None):
    with time_machine.travel(START, tick=False):
        return dispatched()


@pytest.fixture
def order(ticket) -> Order:
    with time_machine.travel(START, tick=False):
        return order_issue(
            actor=user("dispatcher"), ticket=ticket, subject="", requirement="书面说明进展", level="listed"
        )


def test_the_office_issues_an_order_from_the_ticket_page(ticket) -> None:
    client = signed_in("dispatcher")
    page = client.get(reverse("work:ticket", args=[ticket.number])).content.decode()
    assert f"/orders/new/?ticket={ticket.number}" in page
    form = client.get(f"/orders/new/?ticket={ticket.number}")
    assert form.status_code == 200 and ticket.number in form.content.decode()
    with time_machine.travel(START, tick=False):
        made = client.post(
            "/orders/new/", {"ticket": ticket.number, "requirement": "三日内书面答复", "level": "supervise"}
        )
    assert made.status_code == 302
    order = Order.objects.get()
    assert made["Location"] == f"/orders/{order.pk}/"
    assert (order.ticket, order.unit, order.issued_by) == (ticket, unit("logistics"), user("dispatcher"))
    history = client.get(reverse("work:ticket", args=[ticket.number])).content.decode()
    assert "已下达督办" in history


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ticket": "20991231-000001", "requirement": "要求", "level": "supervise"}, "No ticket"),
        ({"requirement": "要求", "level": "supervise"}, "unit"),
        ({"unit": "", "requirement": "", "level": "supervise"}, "requirement"),
    ],
)
def test_bad_orders_are_refused_with_a_message_and_nothing_written(demo_org, data, message) -> None:
    response = signed_in("dispatcher").post("/orders/new/", data)
    assert response.status_code == 400
    assert (
        'data-testid="field-error"' in response.content.decode() or "form-error" in response.content.decode()
    )
    assert not Order.objects.exists()


def test_units_answer_on_the_order_page_and_the_office_reviews(order) -> None:
    officer = signed_in("officer")
    page = officer.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="answer-form"' in page and 'data-testid="review-form"' not in page
    empty = officer.post(f"/orders/{order.pk}/", {"step": "answer", "answer": ""})
    assert empty.status_code == 400
    assert officer.post(f"/orders/{order.pk}/", {"step": "answer", "answer": "已完成维修"}).status_code == 302
    office = signed_in("dispatcher")
    assert 'data-testid="review-form"' in office.get(f"/orders/{order.pk}/").content.decode()
    office.post(f"/orders/{order.pk}/", {"step": "review", "decision": "accept", "comment": ""})
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED
    log = office.get(f"/orders/{order.pk}/").content.decode()
    assert log.count('data-testid="order-event"') == 3


def test_a_wrong_move_from_the_page_is_refused_with_a_message(order) -> None:
    """Reviewing an order the unit has not answered yet: 400 and the state unchanged (the form is not offered,
    a forged post is refused by the service's state table)."""
    response = signed_in("dispatcher").post(f"/orders/{order.pk}/", {"step": "review", "decision": "accept"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.ISSUED


@pytest.mark.parametrize(
    ("username", "board", "page"),
    [
        ("dispatcher", 200, 200),
        ("leader", 200, 200),
        ("inspector", 200, 200),
        ("head", 200, 200),
        ("library_officer", 200, 404),  # another unit: its board is empty, this order does not exist for it
        ("student", 403, 403),
    ],
)
def test_who_sees_the_board_and_the_order(order, username, board, page) -> None:
    client = signed_in(username)
    assert client.get("/orders/").status_code == board
    assert client.get(f"/orders/{order.pk}/").status_code == page
    if username == "library_officer":
        assert 'data-testid="order-row"' not in client.get("/orders/").content.decode()


def test_the_board_groups_open_orders_by_unit_and_state_in_a_fixed_number_of_queries(order) -> None:
    order_issue(
        actor=user("leader"), unit=unit("library"), subject="借阅系统", requirement="整改", level="supervise"
    )
    client = signed_in("dispatcher")
    page = client.get("/orders/").content.decode()
    assert page.count('data-testid="order-unit"') == 2
    assert page.count('data-testid="order-row"') == 2
    assert 'data-testid="nav-orders"' in page
    first = queries_for(client, "/orders/")
    for _ in range(5):
        order_issue(
            actor=user("leader"), unit=unit("library"), subject="事项", requirement="整改", level="listed"
        )
    assert queries_for(client, "/orders/") == first


def test_the_nav_links_follow_the_roles(demo_org) -> None:
    assert 'data-testid="nav-orders"' not in signed_in("student").get("/").content.decode()
    inspector = signed_in("inspector").get("/").content.decode()
    assert 'data-testid="nav-orders"' in inspector and 'data-testid="nav-inspections"' in inspector
