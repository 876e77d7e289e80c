"""Browser: the hot-topic page draws its trend chart (ECharts) with Chinese labels on a phone, and the Office
opens a task force from a topic (issue 16 items 3 and 4)."""

from __future__ import annotations

from jiesu.insight import services
from jiesu.insight.models import TaskForce
from tests.browser.test_lifecycle import sign_in
from tests.insight.test_hot_topics import BURST, BURST_WHO
from tests.support import PersonFactory, WebRequestFactory

OPTION = (
    "el => { const o = echarts.getInstanceByDom(el).getOption(); "
    "return {series: o.series.map(s => s.name), title: o.title[0].text, y: o.yAxis[0].name}; }"
)


def test_hot_topic_chart_and_opening_a_task_force(page, live_demo_org, shot) -> None:
    people = [PersonFactory() for _ in range(5)]
    for i, (subject, content) in enumerate(BURST):
        WebRequestFactory(requester=people[BURST_WHO[i]], subject=subject, content=content)
    services.hot_topics_record()

    sign_in(page, "dispatcher")
    page.click("[data-testid=menu-toggle]")
    page.click("[data-testid=nav-hot-topics]")
    page.wait_for_selector("h1:has-text('热点问题')")
    chart = page.locator("[data-testid=hot-trend]")
    chart.locator("canvas").wait_for()
    page.wait_for_function("el => el.dataset.drawn === '1'", arg=chart.element_handle())
    option = chart.evaluate(OPTION)
    assert option["title"] == "各热点每日诉求数"
    assert option["y"] == "诉求数"
    assert len(option["series"]) == 1 and "停水" in option["series"][0]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "hot-topics-phone")

    page.click("[data-testid=hot-topic] a")
    page.wait_for_selector("[data-testid=topic-label]")
    assert page.locator("[data-testid=topic-ticket]").count() == 8
    page.select_option("select[name=lead_unit]", label="后勤管理处")
    page.click("[data-testid=open-task-force-submit]")
    page.wait_for_selector("[data-testid=task-force-name]")
    tf = TaskForce.objects.get()
    assert tf.hot_topic is not None and tf.tickets.count() == 8
    assert page.locator("[data-testid=task-force-status]").inner_text() == "进行中"
    assert page.locator("[data-testid=task-force-tickets] [data-testid=topic-ticket]").count() == 8
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "task-force-phone")
