"""Browser (R8.2): the Office issues a supervision order from the ticket page's link, the unit's information
officer answers it in writing, the Office accepts it; each page fits a phone (390 px). A screenshot per step."""

from __future__ import annotations

from django.urls import reverse

from jiesu.org.models import Unit, User
from jiesu.supervision.models import Order
from jiesu.supervision.states import OrderState
from jiesu.tickets import services
from tests.browser.test_lifecycle import sign_in, sign_out
from tests.support import duty_call

REQUIREMENT = "请于三个工作日内书面说明302室暖气维修进展及整改措施。"
ANSWER = "已更换302室暖气阀门并冲洗管道，室温恢复至20度；已排查同楼其他房间。"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_issue_answer_and_accept_a_supervision_order(page, live_demo_org, shot) -> None:
    ticket = services.ticket_create(**duty_call()).ticket
    services.ticket_dispatch(
        actor=User.objects.get(username="dispatcher"),
        ticket=ticket,
        lead_unit=Unit.objects.get(code="logistics"),
    )

    # 1. The Office opens the ticket and follows its link to the order form.
    sign_in(page, "dispatcher")
    page.goto(page.base_url + reverse("work:ticket", args=[ticket.number]))
    page.click("[data-testid=order-link] a")
    page.wait_for_selector("[data-testid=order-form]")
    page.select_option("select[name=level]", "listed")
    page.fill("textarea[name=requirement]", REQUIREMENT)
    assert page.evaluate(FITS)
    shot(page, "order-01-form")
    page.click("[data-testid=order-submit]")
    page.wait_for_selector("[data-testid=order-facts]")
    assert "挂牌督办" in page.inner_text("[data-testid=order-facts]")
    shot(page, "order-02-issued")
    order = Order.objects.get()
    assert order.ticket_id == ticket.pk and order.state == OrderState.ISSUED
    sign_out(page)

    # 2. The unit's information officer finds it on the board and answers in writing.
    sign_in(page, "officer")
    page.goto(page.base_url + "/orders/")
    assert page.evaluate(FITS)
    shot(page, "order-03-board")
    page.click("[data-testid=order-row] a")
    page.fill("textarea[name=answer]", ANSWER)
    page.click("[data-testid=answer-submit]")
    page.wait_for_selector("[data-testid=order-answer]")
    assert page.get_attribute("[data-testid=order-state]", "data-state") == "answered"
    shot(page, "order-04-answered")
    sign_out(page)

    # 3. The Office accepts the answer; the order closes and its log shows the three steps.
    sign_in(page, "dispatcher")
    page.goto(page.base_url + f"/orders/{order.pk}/")
    page.select_option("select[name=decision]", "accept")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("[data-testid=order-state][data-state=accepted]")
    assert page.locator("[data-testid=order-event]").count() == 3
    assert page.evaluate(FITS)
    shot(page, "order-05-accepted")
