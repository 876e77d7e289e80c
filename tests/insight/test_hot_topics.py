"""Hot topics (R9.1) with planted data: a burst among background noise is found as one topic and named by its
key term; a steady weekly topic is not flagged; the Office is alerted once per topic; the page shows only
tickets the viewer may open; ``jiesu analysis hot-topics`` prints the topics as JSON."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from jiesu.insight import hot, repeats, services
from jiesu.insight.models import HotTopic
from jiesu.notify.models import Notification
from jiesu.tickets.models import Ticket
from tests.support import PersonFactory, WebRequestFactory, at, queries_for, signed_in, user

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20, 18)

BURST = [  # 8 requests about the water cut in building 5, from 5 people, within 2 days
    ("5号楼停水", "5号楼从今天早上开始停水，洗漱都没法进行，什么时候恢复供水？"),
    ("宿舍停水", "五号楼宿舍停水一整天了，厕所没法冲，请尽快处理"),
    ("又停水了", "5号楼又停水了，没有任何通知，希望以后能提前通知停水时间"),
    ("停水", "宿舍5号楼停水，水龙头一滴水都没有，请问什么时候来水"),
    ("停水没恢复", "5号楼停水到现在还没恢复，晚上没法洗澡"),
    ("停水原因", "请问5号楼停水是什么原因，什么时候恢复供水"),
    ("停水两天", "5号楼停水两天了，生活非常不便，请学校尽快解决"),
    ("5号楼没水", "5号楼宿舍停水，楼下热水房也没水，请处理"),
]
BURST_WHO = [0, 1, 2, 3, 4, 0, 1, 2]  # five requesters, three of them twice

NOISE = [
    ("借书逾期", "图书馆借书逾期了几天，罚款是不是太多了"),
    ("校园网", "宿舍校园网晚上经常断线，打游戏都卡，网速很慢"),
    ("选课系统", "选课系统一直登录不上，显示服务器繁忙"),
    ("食堂卫生", "二食堂的餐桌很脏，吃完饭没人收拾"),
    ("快递点", "快递点排队太长了，能不能多开一个窗口"),
    ("路灯不亮", "操场旁边的路灯坏了好几天，晚上跑步很黑"),
    ("奖学金", "奖学金评定结果什么时候公示"),
    ("停车", "教职工停车位太少，每天早上找不到车位"),
    ("空调漏水", "教学楼204教室空调漏水，滴到桌子上"),
    ("体育馆", "体育馆羽毛球场预约总是约不上"),
    ("成绩单", "需要开具英文成绩单，应该去哪个部门办理"),
    ("校医院", "校医院周末不开门，看病不方便"),
    ("门禁卡", "宿舍门禁卡刷不开门，已经补办过一次了"),
    ("自习室", "图书馆自习室座位被占，书包放一整天没人"),
    ("班车", "校区之间的班车早上太挤了，希望增加班次"),
    ("洗衣机", "宿舍楼洗衣机坏了，投币之后不转"),
]

STEADY = [  # a topic that comes every week at the same pace: never hot
    ("食堂饭菜价格", "三食堂的饭菜价格又涨了，分量还变少了"),
    ("饭菜涨价", "三食堂饭菜涨价太多，学生吃不起"),
    ("食堂价格", "三食堂饭菜价格偏高，能不能调整一下"),
]


def _plant(text: tuple[str, str], when: dt.datetime, who: object) -> Ticket:
    with time_machine.travel(when, tick=False):
        return WebRequestFactory(requester=who, subject=text[0], content=text[1])


@pytest.fixture
def planted(demo_org: None) -> dict[str, list[Ticket]]:
    people = [PersonFactory() for _ in range(5)]
    burst = [
        _plant(text, NOW - dt.timedelta(hours=46 - 6 * i), people[BURST_WHO[i]])
        for i, text in enumerate(BURST)
    ]
    noise = [
        _plant(text, NOW - dt.timedelta(hours=10 * i + 3), PersonFactory()) for i, text in enumerate(NOISE)
    ]
    steady = [
        _plant(text, NOW - dt.timedelta(days=7 * week + 2 * i + 1), PersonFactory())
        for week in range(5)
        for i, text in enumerate(STEADY)
    ]
    return {"burst": burst, "noise": noise, "steady": steady}


def test_a_burst_among_noise_is_one_hot_topic_named_by_its_key_term(planted: dict[str, list[Ticket]]) -> None:
    topics = hot.find(days=7, now=NOW)
    burst = {t.number for t in planted["burst"]}
    found = [t for t in topics if burst & set(t.numbers)]
    assert len(found) == 1
    topic = found[0]
    assert len(burst & set(topic.numbers)) >= 7
    assert "停水" in topic.label
    assert topic.requesters == 5
    assert topic.since == min(t.received_at for t in planted["burst"])


def test_a_steady_weekly_topic_is_not_flagged(planted: dict[str, list[Ticket]]) -> None:
    steady = {t.number for t in planted["steady"]}
    noise = {t.number for t in planted["noise"]}
    for topic in hot.find(days=7, now=NOW):
        assert not steady & set(topic.numbers)
        assert len(noise & set(topic.numbers)) <= 1


def test_a_topic_rising_to_three_times_its_baseline_is_hot(demo_org: None) -> None:
    """Three requests in a week of a topic that came once a week on average before: fewer than 5, still hot."""
    for week in range(1, 5):
        _plant(STEADY[0], NOW - dt.timedelta(days=7 * week + 1), PersonFactory())
    for i in range(3):
        _plant(STEADY[i], NOW - dt.timedelta(days=i + 1), PersonFactory())
    [topic] = hot.find(days=7, now=NOW)
    assert topic.reason == hot.RISE_REASON
    assert topic.baseline == 1.0
    assert "食堂" in topic.label or "饭菜" in topic.label


def test_the_same_requester_repeating_is_linked_as_a_repeat(planted: dict[str, list[Ticket]]) -> None:
    """R6.1: in the burst, the first requester wrote twice; the queue names the earlier ticket as theirs."""
    first, again = planted["burst"][0], planted["burst"][5]
    with time_machine.travel(NOW, tick=False):
        hints = repeats.for_tickets(user("dispatcher"), [again])[again.pk]
    mine = [h for h in hints if h.same_requester]
    assert [h.number for h in mine] == [first.number]


def test_the_office_is_alerted_once_per_topic(planted: dict[str, list[Ticket]]) -> None:
    with time_machine.travel(NOW, tick=False):
        new, seen = services.hot_topics_record()
    assert len(new) == 1 and seen == []
    alerts = Notification.objects.filter(event="hot_topic")
    assert alerts.filter(recipient=user("dispatcher")).count() == 1
    assert "停水" in alerts.first().title  # type: ignore[union-attr]
    later = NOW + dt.timedelta(hours=1)
    extra = _plant(BURST[0], later - dt.timedelta(minutes=5), PersonFactory())
    with time_machine.travel(later, tick=False):
        new, seen = services.hot_topics_record()
    assert new == [] and len(seen) == 1
    assert alerts.filter(recipient=user("dispatcher")).count() == 1
    assert HotTopic.objects.count() == 1
    assert extra in HotTopic.objects.get().tickets.all()


def test_the_command_prints_the_topics_as_json(planted: dict[str, list[Ticket]]) -> None:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("analysis", "hot-topics", "--days", "7", "--json", stdout=out)
    [topic] = json.loads(out.getvalue())
    assert set(topic) == {"label", "tickets", "requesters", "units", "since"}
    assert "停水" in topic["label"]
    assert topic["requesters"] == 5
    assert len(set(topic["tickets"]) & {t.number for t in planted["burst"]}) >= 7
    assert not HotTopic.objects.exists()  # printing writes nothing


def test_bad_days_is_a_structured_error(demo_org: None) -> None:
    from jiesu.cli import CliError  # noqa: PLC0415

    with pytest.raises(CliError) as caught:
        call_command("analysis", "hot-topics", "--days", "0", "--json")
    assert caught.value.as_dict()["error"]["field"] == "days"  # type: ignore[index]


def test_the_page_lists_topics_with_their_trend_in_chinese(planted: dict[str, list[Ticket]]) -> None:
    with time_machine.travel(NOW, tick=False):
        services.hot_topics_record()
        client = signed_in("dispatcher")
        page = client.get(reverse("insight:hot_topics")).content.decode()
        topic = HotTopic.objects.get()
        detail = client.get(reverse("insight:hot_topic", args=[topic.pk])).content.decode()
    assert 'data-testid="hot-topic"' in page
    assert "停水" in page
    assert "各热点每日诉求数" in page  # the chart's title, in Chinese
    assert "echarts.min.js" in page and "<script>" not in page  # CSP: no inline script
    for ticket in planted["burst"]:
        assert ticket.number in detail


def test_people_outside_the_office_may_not_open_the_pages(planted: dict[str, list[Ticket]]) -> None:
    with time_machine.travel(NOW, tick=False):
        services.hot_topics_record()
    topic = HotTopic.objects.get()
    for who in ("student", "library_officer"):
        client = signed_in(who)
        assert client.get(reverse("insight:hot_topics")).status_code == 403
        assert client.get(reverse("insight:hot_topic", args=[topic.pk])).status_code == 403


def test_the_page_costs_the_same_queries_for_more_topics(demo_org: None) -> None:
    """No N+1: the list, units and trend are one query each however many topics there are."""
    client = signed_in("dispatcher")

    def add_topic(i: int) -> None:
        topic = HotTopic.objects.create(
            label=f"话题{i}",
            since=NOW,
            first_seen=NOW,
            last_seen=dt.datetime.now(tz=dt.UTC),
            requesters=3,
        )
        topic.tickets.set(
            [WebRequestFactory(requester=PersonFactory(), content=BURST[i][1]) for _ in range(2)]
        )

    add_topic(0)
    one = queries_for(client, reverse("insight:hot_topics"))
    for i in range(1, 4):
        add_topic(i)
    assert queries_for(client, reverse("insight:hot_topics")) == one
