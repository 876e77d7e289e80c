"""Browser: public tracking at /track/ (R10.1) works in a real browser — the form posts with Django's CSRF
check passing (the page's referrer policy must let Chromium send its own origin), shows the status, and a wrong
code is refused with a clear message."""

from __future__ import annotations

from jiesu.org.models import Campus, User
from jiesu.tickets import services


def test_tracking_by_number_and_code(page, live_demo_org, shot) -> None:
    created = services.ticket_create(
        actor=User.objects.get(username="duty"),
        channel="duty_room",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        subject="图书馆空调温度过低",
        content="图书馆三楼阅览室空调温度过低，很多同学感冒，请调整。",
        requester_name="李明",
        requester_kind="student",
        contact_phone="13812345678",
    )
    page.goto(page.base_url + "/track/")
    page.fill("input[name=number]", created.ticket.number)
    page.fill("input[name=code]", "WRONGCODE2")
    page.click("[data-testid=track-submit]")
    page.wait_for_selector("[data-testid=track-error]")
    shot(page, "track-1-wrong-code")

    page.fill("input[name=number]", created.ticket.number.replace("-", ""))
    page.fill("input[name=code]", created.tracking_code.lower())
    page.click("[data-testid=track-submit]")
    page.wait_for_selector("[data-testid=track-status]")
    assert (
        page.locator("[data-testid=track-status]").inner_text().strip()
        == "已受理，党政办公室正在转交承办单位"
    )
    assert "13812345678" not in page.content()
    shot(page, "track-2-status")
