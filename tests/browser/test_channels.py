"""The Office-led channels on a phone (R2.1, R2.4, R2.5), end to end as the people who use them go."""

from __future__ import annotations

import time_machine

from jiesu.channels.models import Booking, Petition, PetitionStep, SymposiumIssue
from jiesu.org.models import Membership, Role, User
from jiesu.tickets.models import Channel, Note, Ticket
from tests.browser.test_lifecycle import sign_in, sign_out
from tests.support import at

HTML = "<b>加粗</b><script>alert(1)</script>"


def _submit(page, selector: str) -> None:
    """Press the button as a keyboard user would (a mouse click right after a full-page screenshot can miss a
    button below the fold in headless Chromium)."""
    page.locator(selector).press("Enter")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reception_day_book_visit_ticket(page, live_demo_org, shot) -> None:
    """The Office publishes a day; a student books with a topic; a full slot is refused; on the day the Office
    records the visit and makes a ticket with the leader's instruction; the student follows it."""
    User.objects.filter(username="student").update(phone="13812345678")
    with time_machine.travel(at(2026, 12, 7, 10), tick=True) as clock:
        sign_in(page, "dispatcher")
        page.goto(page.base_url + "/channels/reception/rota/")
        leader = User.objects.get(username="leader")
        page.select_option("select[name=leader]", str(leader.pk))
        page.fill("input[name=day]", "2026-12-09")
        page.fill("input[name=place]", "行政楼101接待室")
        page.fill("input[name=slot_count]", "2")
        page.fill("input[name=capacity]", "1")
        shot(page, "reception-1-rota")
        _submit(page, "[data-testid=session-submit]")
        page.wait_for_selector("[data-testid=day-list-docx]")
        sign_out(page)

        sign_in(page, "student")
        page.goto(page.base_url + "/channels/reception/")
        shot(page, "reception-2-rota-seen-by-student")
        page.locator("[data-testid=book-slot]").first.click()
        page.fill("textarea[name=topic]", "宿舍楼暖气不热，多次报修未果。" + HTML)
        shot(page, "reception-3-book")
        _submit(page, "[data-testid=book-submit]")
        booking = page.locator("[data-testid=booking][data-status=booked]")
        assert HTML in booking.inner_text()  # shown as text, never run
        _fits(page)
        shot(page, "reception-4-booked")
        sign_out(page)

        sign_in(page, "teacher")
        page.goto(page.base_url + "/channels/reception/")
        assert page.locator("[data-testid=slot]").first.get_attribute("data-free") == "0"
        page.locator("[data-testid=book-slot]").first.click()
        page.fill("textarea[name=topic]", "停车难")
        _submit(page, "[data-testid=book-submit]")
        error = page.locator("[data-testid=form-error]").inner_text()
        assert "该时段已约满" in error
        shot(page, "reception-5-full-slot")
        assert Booking.objects.count() == 1
        sign_out(page)

        clock.move_to(at(2026, 12, 9, 9, 40))
        sign_in(page, "dispatcher")
        page.goto(page.base_url + "/channels/reception/rota/")
        page.locator("[data-testid=session-link]").first.click()
        card = page.locator("[data-testid=visit]")
        card.locator("input[name=attended][value='1']").check()
        card.locator("textarea[name=notes]").fill("学生本人到场，" + HTML)
        _submit(page, "[data-testid=visit-submit]")
        card = page.locator("[data-testid=visit][data-status=attended]")
        card.locator("summary").click()
        card.locator("textarea[name=content]").fill("学生公寓3号楼暖气不热，请后勤处核查。")
        card.locator("textarea[name=instruction]").fill("请后勤管理处三日内解决并回复学生。")
        shot(page, "reception-6-visit-recorded")
        card.locator("[data-testid=ticket-submit]").press("Enter")
        number = page.locator("[data-testid=visit-ticket]").first.inner_text().strip()
        shot(page, "reception-7-ticket-made")
        ticket = Ticket.objects.get(number=number)
        assert ticket.channel == Channel.RECEPTION_DAY
        assert Note.objects.get(ticket=ticket, kind=Note.Kind.INSTRUCTION).leader == leader
        sign_out(page)

        sign_in(page, "student")
        page.goto(page.base_url + "/channels/reception/")
        page.locator("[data-testid=booking-ticket]").first.click()
        page.wait_for_url(f"**/tickets/{number}/")
        assert "暖气" in page.content()
        _fits(page)
        shot(page, "reception-8-student-follows-ticket")


def test_petition_recorded_with_steps(page, live_demo_org, shot) -> None:
    """The Office records a visit petition (HTML in every text field stays text), then the three steps; the ticket
    page names the petition record with the steps done; the phone is masked in the list."""
    with time_machine.travel(at(2026, 12, 7, 10), tick=True):
        sign_in(page, "dispatcher")
        page.goto(page.base_url + "/channels/petitions/")
        page.check("input[name=form][value=visit]")
        page.check("input[name=origin][value=outside]")
        page.fill("input[name=name]", "张先生" + HTML[:20])
        page.fill("input[name=phone]", "13911112222")
        page.fill("input[name=address]", "北京市海淀区" + HTML)
        page.fill("textarea[name=content]", "反映奖学金评定程序不公开。" + HTML)
        shot(page, "petition-1-form")
        _submit(page, "[data-testid=petition-submit]")
        page.wait_for_selector("[data-testid=petition-facts]")
        assert HTML in page.locator("[data-testid=petition-facts]").inner_text()
        for kind, body in (
            ("explained", "已解释评定程序。"),
            ("reported", "已书面报告" + HTML),
            ("feedback", "已反馈。"),
        ):
            page.select_option("select[name=kind]", kind)
            page.fill("textarea[name=body]", body)
            if kind == "reported":
                page.fill("input[name=reported_to]", "市教委信访办")
                page.fill("input[name=reported_at]", "2026-12-07T09:30")
            _submit(page, "[data-testid=step-submit]")
            page.wait_for_selector(f"[data-testid=petition-step][data-kind={kind}]")
        assert PetitionStep.objects.count() == 3
        _fits(page)
        shot(page, "petition-2-steps")
        page.goto(page.base_url + "/channels/petitions/")
        assert "139****2222" in page.locator("[data-testid=petitions]").inner_text()
        number = Petition.objects.get().ticket.number
        page.goto(
            page.base_url + f"/tickets/{number}/", timeout=120_000
        )  # the first staff page warms insight up
        facts = page.locator("[data-testid=task-forces], [data-testid=linked-records]").first.inner_text()
        assert "信访记录" in facts and "已反馈" in facts
        shot(page, "petition-3-ticket-page")
    assert Petition.objects.get().ticket.channel == Channel.PETITION


def test_symposium_scheduled_recorded_and_turned_into_tickets(page, live_demo_org, shot) -> None:
    """校工会's head schedules and records a symposium; the Office makes a ticket of each issue, linked back."""
    head = (
        Membership.objects.filter(unit__code="union", role=Role.UNIT_HEAD).select_related("user").first().user
    )
    with time_machine.travel(at(2026, 12, 7, 10), tick=True):
        sign_in(page, head.username)
        page.goto(page.base_url + "/channels/reception/")
        page.click("[data-testid=nav-symposiums]")
        page.fill("input[name=title]", "教职工代表座谈会")
        page.fill("input[name=day]", "2026-12-07")
        page.fill("input[name=place]", "工会活动室")
        shot(page, "symposium-1-schedule")
        _submit(page, "[data-testid=symposium-submit]")
        page.fill("textarea[name=attendees]", "教师代表12人，" + HTML)
        page.fill("textarea[name=issues]", "食堂晚餐供应时间太短\n教工子女入园难" + HTML)
        page.fill("input[name=contact_name]", "王老师")
        page.fill("input[name=contact_phone]", "010-88560000")
        shot(page, "symposium-2-record")
        _submit(page, "[data-testid=record-submit]")
        page.wait_for_selector("[data-testid=symposium-issues]")
        assert page.locator("[data-testid=issues-to-tickets]").count() == 0  # only the Office makes tickets
        sign_out(page)

        sign_in(page, "dispatcher")
        page.goto(page.base_url + "/channels/symposiums/")
        page.locator("[data-testid=symposium-link]").first.click()
        _submit(page, "[data-testid=issues-to-tickets]")
        page.wait_for_selector("[data-testid=issue-ticket]")
        assert page.locator("[data-testid=issue-ticket]").count() == 2
        _fits(page)
        shot(page, "symposium-3-tickets")
        href = page.locator("[data-testid=issue-ticket]").first.get_attribute("href")
        page.goto(page.base_url + str(href), timeout=120_000)  # the first staff page warms insight up
        assert "教职工代表座谈会" in page.content()
        shot(page, "symposium-4-ticket-page")
    assert SymposiumIssue.objects.filter(ticket__channel=Channel.SYMPOSIUM).count() == 2
