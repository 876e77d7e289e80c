"""Browser (R2.7): in the dispatch form the Office searches the dispatch catalogue for the matter; choosing a
matter proposes its responsible unit and default co-handling units; the Office dispatches with them. The
insight suggestions stay beside it. On a phone-sized page (390×844) nothing scrolls sideways."""

from __future__ import annotations

from jiesu.catalogue.seeding import catalogue_seed
from jiesu.insight import selectors
from jiesu.org.models import Campus, Unit, User
from jiesu.tickets import services
from tests.browser.test_lifecycle import sign_in


def test_a_searched_matter_proposes_the_unit(page, live_demo_org, shot) -> None:
    catalogue_seed()
    student = User.objects.get(username="student")
    ticket = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        requester=student,
        content="我们宿舍楼的门锁坏了好几天，晚上关不上门，希望尽快处理。",
    ).ticket
    selectors.current_model()  # the cold-start model is fitted once per process: not inside the page's timeout
    sign_in(page, "dispatcher")
    page.goto(page.base_url + "/work/dispatch/")
    row = page.locator(f"[data-testid=row][data-number='{ticket.number}']")
    row.locator("summary.btn").click()
    assert row.locator("[data-testid=suggestion]").count() == 3  # the insight suggestions stay
    row.locator("[data-testid=matter-q]").fill("宿舍门锁坏了")
    hit = row.locator("[data-testid=matter-hit]").first
    hit.wait_for()
    assert hit.get_attribute("data-unit") == "后勤管理处"
    hit.click()
    logistics = Unit.objects.get(code="logistics")
    form = row.locator("[data-testid=form-dispatch]")
    assert form.locator("select[name=lead_unit]").input_value() == str(logistics.pk)
    student_affairs = Unit.objects.get(code="student_affairs")
    assert form.locator(f"input[name=cohandling_units][value='{student_affairs.pk}']").is_checked()
    assert "后勤管理处" in row.locator("[data-testid=matter-chosen]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "catalogue-dispatch-search")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=row][data-number='{ticket.number}']", state="detached")
    ticket.refresh_from_db()
    assert ticket.lead_unit == logistics
    assert ticket.cohandling_units.filter(unit=student_affairs).exists()
