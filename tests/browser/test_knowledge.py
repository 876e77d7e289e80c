"""Browser (R2.8): a requester typing a request sees a matching answer from the knowledge base and opens it (a
view counted); an officer on a hotline call sees the same suggestions and answers the call with one — a ticket
is recorded whose formal reply is the answer, awaiting the unit head (R4.3). Phone viewport, screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jiesu.demo.knowledge import load_demo_answers
from jiesu.knowledge.models import Answer, AnswerUse
from jiesu.tickets.models import Reply
from jiesu.tickets.states import Status
from tests.browser.test_lifecycle import sign_in

CARD = "校园卡丢失了如何补办？"


@pytest.fixture
def answers(live_demo_org: None) -> None:
    load_demo_answers()


def test_a_requester_typing_a_request_sees_a_matching_answer(page, answers: None, shot) -> None:
    sign_in(page, "student")
    page.goto(page.base_url + "/requests/new/")
    page.locator("#id_content").press_sequentially("我的一卡通丢了，要到哪里补办？", delay=20)
    suggestion = page.locator("[data-testid=kb-suggestion]", has_text=CARD)
    expect(suggestion).to_be_visible()
    expect(page.locator("[data-testid=kb-panel]")).to_contain_text("这些解答也许能帮到您")
    assert page.locator("[data-testid=kb-suggestion]").count() <= 3
    shot(page, "knowledge-requester-suggestions")
    suggestion.locator("summary").click()
    expect(suggestion.locator("[data-testid=kb-body]")).to_contain_text("一卡通服务中心")
    shot(page, "knowledge-requester-answer-open")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert Answer.objects.get(question=CARD).view_count == 1


def test_an_officer_answers_a_hotline_call_with_an_answer(page, answers: None, shot) -> None:
    sign_in(page, "officer")
    page.goto(page.base_url + "/intake/")
    page.select_option("[name=channel]", "hotline")
    page.fill("#id_requester_name", "王同学")
    page.fill("#id_contact_phone", "13900001111")
    page.select_option("[name=type]", "consultation")
    page.locator("#id_content").press_sequentially("来电：一卡通丢了怎么补办", delay=20)
    suggestion = page.locator("[data-testid=kb-suggestion]", has_text=CARD)
    expect(suggestion).to_be_visible()
    suggestion.locator("summary").click()
    expect(suggestion.locator("[data-testid=kb-body]")).to_contain_text("挂失")
    shot(page, "knowledge-hotline-suggestions")
    suggestion.locator("[data-testid=kb-answer-call]").click()
    expect(page.locator("[data-testid=kb-answered]")).to_be_visible()
    expect(page.locator("[data-testid=kb-reply-pending]")).to_be_visible()
    shot(page, "knowledge-hotline-answered")
    use = AnswerUse.objects.select_related("ticket", "answer").get()
    assert use.answer.question == CARD
    assert use.ticket.status == Status.PENDING_APPROVAL and use.ticket.channel == "hotline"
    assert Reply.objects.get(ticket=use.ticket, stage=Reply.Stage.FORMAL).body == use.answer.answer
    expect(page.locator("[data-testid=created-number]")).to_have_text(use.ticket.number)
