"""Browser: the Office edits and issues the weekly report, and a unit submits its daily zero report, on a
390 px phone without horizontal scrolling (issue 13 items 2–3). Screenshots kept."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiesu.org.models import Campus, Unit
from jiesu.reporting.models import IssuedReport, SensitivePeriod, ZeroReport
from jiesu.reporting.weekly import Week
from tests.browser.test_lifecycle import sign_in, sign_out
from tests.supervision.conftest import clock, ticket

NO_SIDE_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_office_edits_and_issues_the_weekly_report(page, live_demo_org, shot) -> None:
    week = Week.containing(timezone.localdate())
    received = max(timezone.now() - dt.timedelta(hours=1), week.period.start + dt.timedelta(minutes=1))
    t = ticket(
        campus=Campus.objects.get(code="beijing"),
        lead=Unit.objects.get(code="logistics"),
        received_at=received,
    )
    clock(t, "response", due=received + dt.timedelta(hours=2), met=received + dt.timedelta(minutes=30))
    sign_in(page, "dispatcher")
    if page.locator("[data-testid=menu-toggle]").is_visible():
        page.click("[data-testid=menu-toggle]")  # a phone: the menu opens first
    page.click("[data-testid=nav-reports]")
    page.click(f"[data-testid=week-row][data-week='{week.label}'] a")
    page.wait_for_selector("[data-testid=draft-form]")
    assert "后勤管理处" in page.inner_text("[data-testid=unit-rates]")
    page.fill("textarea[name=text_summary]", "本周诉求总体平稳，无重大突发事件。")
    page.check("input[name=omit_committee]")
    page.click("[data-testid=save-draft]")
    page.wait_for_selector("text=草稿已保存")
    assert page.input_value("textarea[name=text_summary]") == "本周诉求总体平稳，无重大突发事件。"
    assert page.evaluate(NO_SIDE_SCROLL)
    shot(page, "reporting-weekly-draft")
    page.click("[data-testid=issue]")
    page.wait_for_selector("[data-testid=issued-download]")
    issued = IssuedReport.objects.get()
    assert page.inner_text("[data-testid=issued-sha]").replace(" ", "").endswith(issued.sha256)
    with page.expect_download() as download:
        page.click("[data-testid=issued-download]")
    assert download.value.suggested_filename == issued.filename
    assert page.evaluate(NO_SIDE_SCROLL)
    shot(page, "reporting-weekly-issued")


def test_a_unit_submits_its_zero_report(page, live_demo_org, shot) -> None:
    from jiesu.org.models import User

    today = timezone.localdate()
    period = SensitivePeriod.objects.create(
        name="元旦假期",
        first_day=today,
        last_day=today,
        declared_by=User.objects.get(username="dispatcher"),
        declared_at=timezone.now(),
    )
    period.units.set([Unit.objects.get(code="logistics")])
    sign_in(page, "officer")
    page.goto(page.base_url + "/reports/zero/")
    page.check("input[name=is_zero]")
    page.click("[data-testid=zero-form] button[type=submit]")
    page.wait_for_selector("[data-testid=zero-done]")
    assert ZeroReport.objects.get().is_zero
    assert page.evaluate(NO_SIDE_SCROLL)
    shot(page, "reporting-zero-report")
    sign_out(page)
    sign_in(page, "dispatcher")
    page.goto(page.base_url + f"/reports/periods/{period.pk}/")
    assert "后勤管理处" in page.inner_text("[data-testid=period-grid]")
    assert page.evaluate(NO_SIDE_SCROLL)
    shot(page, "reporting-period")
