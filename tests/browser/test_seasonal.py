"""Browser: on a phone (390×844) a unit head sees the November heating peak coming in October, the year's chart
(ECharts) with Chinese labels, and records a contingency plan 预案 for it (issue 16 item 5, R9.4)."""

from __future__ import annotations

import time_machine

from jiesu.insight import seasonal
from jiesu.insight.models import ContingencyPlan
from tests.browser.test_lifecycle import sign_in
from tests.insight.test_seasonal import OCTOBER, plant_history

OPTION = (
    "el => { const o = echarts.getInstanceByDom(el).getOption(); "
    "return {series: o.series.map(s => s.name), title: o.title[0].text, y: o.yAxis[0].name, "
    "x: o.xAxis[0].data.slice(9, 11), points: o.series[0].data.length}; }"
)


def test_a_unit_head_records_a_plan_for_a_coming_peak(page, live_demo_org, shot) -> None:
    with time_machine.travel(OCTOBER, tick=True):
        plant_history()
        seasonal.seasonal_compute()

        sign_in(page, "head")
        page.click("[data-testid=menu-toggle]")
        page.click("[data-testid=nav-seasonal]")
        page.wait_for_selector("h1:has-text('季节性高峰')")
        peak = page.locator("[data-testid=peak]")
        assert peak.count() == 1
        assert "2024–2025: 40" in peak.locator("[data-testid=peak-past]").inner_text()
        assert "尚无预案" in peak.inner_text()

        chart = page.locator("[data-testid=seasonal-year]")
        chart.locator("canvas").wait_for()
        page.wait_for_function("el => el.dataset.drawn === '1'", arg=chart.element_handle())
        option = chart.evaluate(OPTION)
        assert option["title"] == "学年各周预期诉求数"
        assert option["y"] == "诉求数"
        assert option["x"] == ["11月3日", "11月10日"]  # weeks 10 and 11 of the academic year
        assert option["points"] == 52 and len(option["series"]) == 1
        page.click("[data-testid=chart-table] summary")
        assert page.locator("[data-testid=chart-table] tbody tr").count() == 52
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "seasonal-peaks-phone")

        page.click("[data-testid=record-plan]")
        page.wait_for_selector("[data-testid=plan-form]")
        page.fill("textarea[name=measures]", "供暖前一周排查各楼暖气；维修班组双人值守；公众号发布报修指引。")
        page.select_option("select[name=owner]", label="郑凯")
        page.fill("input[name=ready_by]", "2026-12-20")
        page.click("[data-testid=plan-submit]")  # refused, nothing written: after the peak is over
        page.wait_for_selector(".errorlist:has-text('高峰结束')")
        assert not ContingencyPlan.objects.exists()
        page.fill("input[name=ready_by]", "2026-10-30")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "seasonal-plan-form-phone")
        page.click("[data-testid=plan-submit]")
        page.wait_for_selector("[data-testid=plan-state]")
        assert page.locator("[data-testid=plan-state]").inner_text() == "编制中"
        assert page.locator("[data-testid=plan-event]").count() == 1
        page.click("[data-testid=move-ready]")
        page.wait_for_selector("[data-testid=plan-state]:has-text('已就绪')")
        assert page.locator("[data-testid=plan-event]").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "seasonal-plan-phone")
    plan = ContingencyPlan.objects.get()
    assert plan.state == "ready" and plan.owner.full_name == "郑凯"
