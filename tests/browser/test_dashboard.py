"""Browser: the leader's dashboards draw four ECharts charts with Chinese labels, each with a table view, and
the page fits a 390 px phone without horizontal scrolling (issue 13 item 6). Screenshots kept."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jiesu.org.models import Campus, Unit
from tests.browser.test_lifecycle import sign_in
from tests.supervision.conftest import clock, followup, ticket

CHARTS = ("volume", "rates", "overdue", "ranking")

# Pixels of a canvas that are not transparent: an empty (undrawn) canvas has none.
PAINTED = """el => {
  const canvas = el.querySelector('canvas');
  if (!canvas) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
  return n;
}"""
OPTION = "el => { const o = echarts.getInstanceByDom(el).getOption(); return {series: o.series.map(s => s.name), x: (o.xAxis[0].data || []), y: (o.yAxis[0].data || [])}; }"


def _recent_tickets() -> None:
    """Twelve requests of the last weeks: two units, on time and late, rated."""
    campus = Campus.objects.get(code="beijing")
    units = [Unit.objects.get(code="logistics"), Unit.objects.get(code="nic")]
    now = timezone.now()
    for i in range(12):
        received = now - dt.timedelta(days=3 + 6 * i, hours=i)
        t = ticket(
            campus=campus,
            lead=units[i % 2],
            received_at=received,
            channel=("hotline", "web", "walk_in")[i % 3],
            status="closed",
        )
        met = received + dt.timedelta(hours=1 if i % 4 else 3)
        clock(t, "response", due=received + dt.timedelta(hours=2), met=met)
        clock(t, "reply", due=received + dt.timedelta(days=1), met=received + dt.timedelta(hours=8))
        followup(t, 1, "satisfied" if i % 3 else "basically_satisfied", True)


def test_dashboard_draws_charts_with_chinese_labels(page, live_demo_org, shot) -> None:
    _recent_tickets()
    sign_in(page, "leader")
    page.click("[data-testid=menu-toggle]")  # a phone: the menu opens first
    page.click("[data-testid=nav-dashboard]")
    page.wait_for_selector("h1:has-text('数据看板')")
    for key in CHARTS:
        chart = page.locator(f"[data-testid=chart][data-chart={key}]")
        chart.locator("canvas").wait_for()
        page.wait_for_function("el => el.dataset.drawn === '1'", arg=chart.element_handle())
        assert chart.evaluate(PAINTED) > 500, f"{key} drew nothing"
    titles = page.locator("[data-testid=chart-card] h2").all_inner_texts()
    assert titles == ["各渠道每周受理量", "各单位三率（%）", "超期趋势（按受理周）", "单位得分排名"]
    volume = page.locator("[data-testid=chart][data-chart=volume]").evaluate(OPTION)
    assert set(volume["series"]) == {"部门热线", "网上提交", "来访"}
    rates = page.locator("[data-testid=chart][data-chart=rates]").evaluate(OPTION)
    assert rates["series"] == ["回应率", "解决率", "满意率"]
    assert set(rates["x"]) == {"后勤管理处", "网络信息中心"}
    ranking = page.locator("[data-testid=chart][data-chart=ranking]").evaluate(OPTION)
    assert set(ranking["y"]) == {"后勤管理处", "网络信息中心"}
    # No horizontal scrolling on a 390 × 844 phone.
    assert page.viewport_size == {"width": 390, "height": 844}
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "dashboard-phone")
    # The table view of a chart.
    card = page.locator("[data-testid=chart-card][data-chart=ranking]")
    card.locator("summary").click()
    assert card.locator("table tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)  # ECharts redraws on resize
    shot(page, "dashboard-desktop")


def test_public_summary_fits_a_phone(page, live_demo_org, shot) -> None:
    _recent_tickets()
    page.goto(page.base_url + "/summary/")
    page.wait_for_selector("h1:has-text('月度公开')")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "summary-phone")


def test_assessment_explains_a_figure_and_opens_its_tickets(page, live_demo_org, shot) -> None:
    """The inspector opens the assessment on a phone, unfolds a unit's figures and follows a count to the
    tickets behind it."""
    _recent_tickets()
    sign_in(page, "inspector")
    page.click("[data-testid=menu-toggle]")  # a phone: the menu opens first
    page.click("[data-testid=nav-assessment]")
    page.wait_for_selector("[data-testid=assessment-row]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "assessment-phone")
    explain = page.locator("[data-testid=explain][data-unit=后勤管理处]")
    explain.locator("summary").click()
    assert "按时回应数 ÷ 已到期的回应时限" in explain.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    link = explain.locator("[data-testid=count-link][data-figure=received]")
    expected = int(link.inner_text())
    link.click()
    page.wait_for_selector("[data-testid=figure-tickets]")
    assert page.locator("[data-testid=figure-ticket]").count() == expected == 6
    shot(page, "assessment-tickets-phone")
