"""Browser (issue 16 item 1, R9.5): the dispatch form shows three suggested lead units; one click on a
suggestion dispatches the ticket to it. On a phone-sized page (390×844) nothing scrolls sideways."""

from __future__ import annotations

from jiesu.insight import selectors
from jiesu.insight.models import DispatchSuggestion
from jiesu.org.models import Campus, User
from jiesu.tickets import services
from tests.browser.test_lifecycle import sign_in


def test_accepting_a_suggestion_dispatches(page, live_demo_org, shot) -> None:
    student = User.objects.get(username="student")
    ticket = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        requester=student,
        content="宿舍的校园网晚上特别卡，打开网页都要好久，统一身份认证也经常失败。",
    ).ticket
    selectors.current_model()  # the cold-start model is fitted once per process: not inside the page's timeout
    sign_in(page, "dispatcher")
    page.goto(page.base_url + "/work/dispatch/")
    row = page.locator(f"[data-testid=row][data-number='{ticket.number}']")
    row.locator("summary.btn").click()
    suggestions = row.locator("[data-testid=suggestion]")
    assert suggestions.count() == 3
    assert suggestions.first.get_attribute("data-unit") == "网络信息中心"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "dispatch-suggestion")
    suggestions.first.locator("button").click()
    page.wait_for_selector(f"[data-testid=row][data-number='{ticket.number}']", state="detached")
    ticket.refresh_from_db()
    assert ticket.lead_unit is not None and ticket.lead_unit.name == "网络信息中心"
    assert DispatchSuggestion.objects.get(ticket=ticket).accepted
