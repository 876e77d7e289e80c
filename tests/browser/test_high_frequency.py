"""Browser: on a phone (390×844) the Office opens the high-frequency issues from the menu, sees the logistics
office's heating topic ranked first, opens it and records a root-cause measure (issue 16 item 5, R9.2)."""

from __future__ import annotations

import datetime as dt

import time_machine

from jiesu.insight import frequency
from jiesu.insight.models import RootCauseEvent, RootCauseMeasure
from tests.browser.test_lifecycle import sign_in
from tests.insight.test_high_frequency import HEATING, HEATING_WHO, NOW, _plant
from tests.support import PersonFactory, at

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_office_records_a_root_cause_measure_on_a_phone(page, live_demo_org, shot) -> None:
    with time_machine.travel(NOW, tick=True):
        people = [PersonFactory() for _ in range(8)]
        for i, text in enumerate(HEATING):
            _plant(text, at(2026, 9, 7, 9) + dt.timedelta(days=5 * i), people[HEATING_WHO[i]], "logistics")
        frequency.frequent_topics_record(semester=frequency.current())

        sign_in(page, "dispatcher")
        page.click("[data-testid=menu-toggle]")
        page.click("[data-testid=nav-high-frequency]")
        page.wait_for_selector("h1:has-text('高频问题')")
        first = page.locator(
            "[data-testid=frequency-unit][data-unit=logistics] [data-testid=frequency-topic]"
        ).first
        assert first.get_attribute("data-rank") == "1"
        assert first.locator("[data-testid=topic-count]").inner_text() == "12"
        assert "暖气" in first.locator("[data-testid=topic-link]").inner_text()
        assert page.locator("[data-testid=missing-topic]").count() == 1
        assert page.evaluate(NO_SIDEWAYS)
        shot(page, "high-frequency-phone")

        first.locator("[data-testid=topic-link]").click()
        page.wait_for_selector("[data-testid=topic-label]")
        assert page.locator("[data-testid=topic-ticket]").count() == 12
        page.fill("textarea[name=cause]", "3号楼供暖管道老化，末端压力不足")
        page.fill("textarea[name=measure]", "更换3号楼供暖主管道，加装循环泵")
        page.select_option("select[name=owner]", label="马建华")
        page.fill("input[name=due_date]", "2027-01-10")
        page.click("[data-testid=measure-submit]")
        page.wait_for_selector("[data-testid=measure]")
        assert page.locator("[data-testid=measure] [data-testid=measure-status]").inner_text() == "推进中"
        assert page.locator("[data-testid=measure-owner]").inner_text() == "马建华"
        assert page.evaluate(NO_SIDEWAYS)
        shot(page, "high-frequency-measure-phone")

    measure = RootCauseMeasure.objects.get()
    assert measure.due_date == dt.date(2027, 1, 10) and measure.recorded_by.username == "dispatcher"
    assert list(RootCauseEvent.objects.values_list("kind", flat=True)) == ["recorded"]
