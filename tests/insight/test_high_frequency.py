"""High-frequency issues (R9.2) with planted data: a unit's topic raised 12 times in a semester ranks first for
that unit, with its share, requesters, repeats, reopened requests and the previous semester's count; another
semester's requests do not count; a unit sees only its own topics and requests; root-cause measures are recorded
with an append-only log, evaluated once the following semester has begun; bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from jiesu.insight import frequency, frequency_measures
from jiesu.insight.models import FrequentTopic, RootCauseEvent, RootCauseMeasure
from jiesu.notify.models import Notification
from jiesu.org.models import User
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Ticket
from jiesu.workcalendar.semesters import Semester
from jiesu.worker.sweep import run_sweep
from tests.support import PersonFactory, WebRequestFactory, at, queries_for, signed_in, unit, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

NOW = at(2026, 12, 10, 10)  # autumn semester 2026
AUTUMN = Semester(2026, "autumn")
SPRING = Semester(2026, "spring")

HEATING = [  # 12 requests to logistics about radiators that stay cold, from 8 people
    "宿舍3号楼暖气不热，室温只有12度，请尽快维修",
    "3号楼302室暖气不热，晚上冻得睡不着",
    "暖气不热，宿舍里要穿羽绒服，请派人检修暖气",
    "宿舍暖气片不热，已经一个星期了，请维修",
    "3号楼暖气不热，室温太低，请尽快处理",
    "暖气一直不热，宿舍温度只有十几度",
    "宿舍楼暖气不热的问题什么时候能解决",
    "暖气不热，请后勤来看看暖气阀门",
    "宿舍暖气不热，室温低，同学们都感冒了",
    "3号楼暖气又不热了，请尽快维修暖气",
    "暖气片冰凉，宿舍暖气不热，请处理",
    "宿舍暖气不热，希望尽快派人维修",
]
HEATING_WHO = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3]

CANTEEN_AUTUMN = [  # 5 requests to logistics about canteen prices
    "三食堂饭菜价格又涨了，分量还变少了",
    "三食堂饭菜涨价太多，学生吃不起",
    "三食堂饭菜价格偏高，能不能调整一下",
    "三食堂饭菜价格上涨，希望平抑价格",
    "三食堂饭菜价格太贵了，分量也少",
]
CANTEEN_SPRING = [  # 6 the semester before: not counted in the autumn
    "三食堂饭菜价格太高，分量少",
    "三食堂饭菜涨价了，学生负担重",
    "三食堂饭菜价格偏贵，希望调整",
    "三食堂饭菜价格又涨，分量还少",
    "三食堂饭菜价格高，能否降价",
    "三食堂饭菜涨价，吃不起了",
]
NETWORK = [  # 6 requests to the network centre about the campus network dropping
    "宿舍校园网晚上经常断线，网速很慢",
    "校园网总是断线，晚上根本连不上",
    "宿舍校园网断线严重，上网课都卡",
    "校园网晚上断线，网速慢，请检修",
    "校园网经常断线，宿舍无法上网",
    "宿舍校园网一到晚上就断线",
]
NOISE = [
    ("logistics", "操场旁边的路灯坏了好几天，晚上跑步很黑"),
    ("logistics", "宿舍楼洗衣机坏了，投币之后不转"),
    ("logistics", "快递点排队太长了，能不能多开一个窗口"),
    ("library", "图书馆借书逾期了几天，罚款是不是太多了"),
    ("nic", "统一身份认证密码忘记了怎么重置"),
]


def _plant(text: str, when: dt.datetime, who: User, lead: str) -> Ticket:
    with time_machine.travel(when, tick=False):
        ticket = WebRequestFactory(requester=who, subject=text[:8], content=text)
    Ticket.objects.filter(pk=ticket.pk).update(lead_unit=unit(lead))
    return ticket


@pytest.fixture
def planted() -> dict[str, list[Ticket]]:
    people = [PersonFactory() for _ in range(8)]
    start = at(2026, 9, 7, 9)
    heating = [
        _plant(text, start + dt.timedelta(days=5 * i), people[HEATING_WHO[i]], "logistics")
        for i, text in enumerate(HEATING)
    ]
    canteen = [
        _plant(text, start + dt.timedelta(days=7 * i + 2), PersonFactory(), "logistics")
        for i, text in enumerate(CANTEEN_AUTUMN)
    ]
    network = [
        _plant(text, start + dt.timedelta(days=6 * i + 1), PersonFactory(), "nic")
        for i, text in enumerate(NETWORK)
    ]
    noise = [
        _plant(text, start + dt.timedelta(days=9 * i + 3), PersonFactory(), lead)
        for i, (lead, text) in enumerate(NOISE)
    ]
    spring = [
        _plant(text, at(2026, 3, 2, 9) + dt.timedelta(days=10 * i), PersonFactory(), "logistics")
        for i, text in enumerate(CANTEEN_SPRING)
    ]
    # Two heating requests were taken as repeats of the first, one was reopened (R6.1, R7.2).
    Ticket.objects.filter(pk__in=[heating[3].pk, heating[7].pk]).update(repeat_of=heating[0])
    Ticket.objects.filter(pk=heating[5].pk).update(round=2)
    return {"heating": heating, "canteen": canteen, "network": network, "noise": noise, "spring": spring}


def _record(semester: Semester = AUTUMN) -> list[FrequentTopic]:
    with time_machine.travel(NOW, tick=False):
        return frequency.frequent_topics_record(semester=semester)


def _topic_with(ticket: Ticket) -> FrequentTopic:
    return FrequentTopic.objects.get(tickets=ticket)


def _measure(topic: FrequentTopic, actor: str = "dispatcher", owner: str = "head") -> RootCauseMeasure:
    with time_machine.travel(NOW, tick=False):
        return frequency_measures.root_cause_record(
            actor=user(actor),
            topic=topic,
            cause="3号楼暖气管道老化，末端压力不足",
            measure="更换3号楼供暖主管道，加装循环泵",
            owner=user(owner),
            due_date=dt.date(2027, 1, 10),
        )


def test_semesters_cover_every_day_once() -> None:
    """A semester's requests run from the day after the previous one ended (the break included) through its last
    day; the previous of the autumn is the spring of the same year."""
    assert frequency.previous(AUTUMN) == SPRING
    assert frequency.following(AUTUMN) == Semester(2027, "spring")
    assert frequency.span(AUTUMN) == (at(2026, 7, 11), at(2027, 1, 16))
    assert frequency.span(SPRING)[1] == frequency.span(AUTUMN)[0]
    with time_machine.travel(NOW, tick=False):
        assert frequency.current() == AUTUMN
        assert [s.key for s in frequency.choices()[:3]] == ["2026-autumn", "2026-spring", "2025-autumn"]
        assert frequency.parse("2019-autumn") is None and frequency.parse("nonsense") is None


def test_a_topic_raised_twelve_times_ranks_first_for_its_unit(planted: dict[str, list[Ticket]]) -> None:
    """The 12 heating requests are the logistics office's first topic of the autumn, named by 暖气; the canteen
    (5) is second; the network centre's 6 are its own topic; a single noise request is no topic."""
    _record()
    ranked = {r.unit.code: r for r in frequency.ranking(AUTUMN)}
    logistics = ranked["logistics"]
    first = logistics.topics[0]
    assert first.rank == 1 and first.tickets == 12
    assert "暖气" in first.topic.label
    assert set(first.topic.tickets.values_list("pk", flat=True)) == {t.pk for t in planted["heating"]}
    assert logistics.volume == 12 + 5 + 3
    assert first.share == pytest.approx(12 / 20)
    assert first.topic.requesters == 8
    assert (first.repeats, first.reopened) == (2, 1)
    assert [line.tickets for line in logistics.topics] == [12, 5]
    assert ranked["nic"].topics[0].tickets == 6
    assert "library" not in ranked  # one request is no high-frequency issue
    assert ranked["logistics"].without_measure == 2


def test_another_semesters_requests_do_not_count(planted: dict[str, list[Ticket]]) -> None:
    """The canteen's spring requests are not in its autumn topic, which counts only its 5 autumn requests; the
    spring is its own semester with 6, and is the autumn topic's previous-semester count."""
    _record()
    canteen = _topic_with(planted["canteen"][0])
    assert canteen.semester == AUTUMN.key
    assert set(canteen.tickets.values_list("pk", flat=True)) == {t.pk for t in planted["canteen"]}
    assert canteen.previous == 6
    assert _topic_with(planted["heating"][0]).previous == 0
    _record(SPRING)
    spring = frequency.ranking(SPRING, {unit("logistics").pk})
    assert [line.tickets for line in spring[0].topics] == [6]
    assert spring[0].topics[0].topic.semester == SPRING.key


def test_recomputing_keeps_a_measured_topic_and_counts_the_following_semester(
    planted: dict[str, list[Ticket]],
) -> None:
    """A measure on the spring canteen topic stays on it when the spring is recomputed; analysing the autumn
    keeps its 5 similar requests beside it (did the volume drop?). Unmeasured topics no longer found go."""
    _record(SPRING)
    spring_topic = _topic_with(planted["spring"][0])
    _measure(spring_topic, owner="officer")
    stray = FrequentTopic.objects.create(
        semester=AUTUMN.key, unit=unit("library"), label="x", requesters=1, computed_at=NOW
    )
    _record(SPRING)
    assert _topic_with(planted["spring"][0]).pk == spring_topic.pk
    _record()
    spring_topic.refresh_from_db()
    assert spring_topic.following == 5
    assert not FrequentTopic.objects.filter(pk=stray.pk).exists()
    heating = _topic_with(planted["heating"][0])
    _measure(heating)
    more = _plant("宿舍暖气不热，请尽快维修暖气", at(2026, 12, 1, 9), PersonFactory(), "logistics")
    _record()
    assert _topic_with(more).pk == heating.pk
    assert heating.measures.count() == 1


def test_the_office_records_a_measure_and_the_log_is_append_only(planted: dict[str, list[Ticket]]) -> None:
    """Recorded, progress, carried out, then evaluated once the spring semester 2027 has begun; each step is one
    log row written with it; a log row cannot be changed; an evaluated measure cannot change."""
    _record()
    topic = _topic_with(planted["heating"][0])
    measure = _measure(topic)
    assert measure.status == RootCauseMeasure.Status.IN_PROGRESS
    event = RootCauseEvent.objects.get(measure=measure)
    assert event.kind == RootCauseEvent.Kind.RECORDED and event.actor == user("dispatcher")
    event.text = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with time_machine.travel(NOW, tick=False):
        frequency_measures.root_cause_progress(actor=user("officer"), measure=measure, text="主管道已采购")
        frequency_measures.root_cause_progress(
            actor=user("head"), measure=measure, text="主管道更换完毕", done=True
        )
        with pytest.raises(DomainError, match="下一学期开始"):
            frequency_measures.root_cause_evaluate(
                actor=user("head"), measure=measure, effective=True, text="暖气诉求减少"
            )
    with time_machine.travel(at(2027, 3, 20, 10), tick=False):
        frequency_measures.root_cause_evaluate(
            actor=user("head"), measure=measure, effective=True, text="暖气诉求明显减少"
        )
        with pytest.raises(TransitionError):
            frequency_measures.root_cause_progress(actor=user("head"), measure=measure, text="再补充")
    measure.refresh_from_db()
    assert (measure.status, measure.effective) == (RootCauseMeasure.Status.EVALUATED, True)
    assert list(measure.events.values_list("kind", flat=True)) == [
        "recorded",
        "progress",
        "done",
        "evaluated",
    ]


def test_only_the_office_or_the_units_head_and_officer_record_measures(
    planted: dict[str, list[Ticket]],
) -> None:
    """Another unit's head, a handler and a leader may not record a measure on the logistics topic."""
    _record()
    topic = _topic_with(planted["heating"][0])
    for who in ("nic_head", "handler", "leader"):
        with pytest.raises(NotAllowed):
            _measure(topic, actor=who)
    _measure(topic, actor="officer")
    assert RootCauseMeasure.objects.count() == 1


def test_a_unit_sees_only_its_own_topics_and_requests(planted: dict[str, list[Ticket]]) -> None:
    """The logistics head sees logistics topics only, cannot open the network centre's, and the nav shows the page;
    the leader sees every unit; a student and the assessor are refused."""
    _record()
    url = reverse("insight:high_frequency")
    with time_machine.travel(NOW, tick=False):
        page = signed_in("head").get(url).content.decode()
        assert "暖气" in page and "校园网" not in page and 'data-testid="nav-high-frequency"' in page
        nic_topic = _topic_with(planted["network"][0])
        topic_url = reverse("insight:high_frequency_topic", args=[nic_topic.pk])
        assert signed_in("head").get(topic_url).status_code == 403
        assert signed_in("nic_officer").get(topic_url).status_code == 200
        leader = signed_in("leader").get(url).content.decode()
        assert "暖气" in leader and "校园网" in leader
        for who in ("student", "assessor"):
            assert signed_in(who).get(url).status_code == 403


def test_a_topic_opens_only_the_requests_the_viewer_may_see(planted: dict[str, list[Ticket]]) -> None:
    """A logistics request co-led by nothing is not shown to the network centre even if it was in its topic."""
    _record()
    topic = _topic_with(planted["network"][0])
    topic.tickets.add(planted["heating"][0])  # a stray logistics request in the network centre's topic
    url = reverse("insight:high_frequency_topic", args=[topic.pk])
    with time_machine.travel(NOW, tick=False):
        nic = signed_in("nic_officer").get(url).content.decode()
        office = signed_in("dispatcher").get(url).content.decode()
    assert planted["heating"][0].number not in nic and planted["network"][0].number in nic
    assert planted["heating"][0].number in office


def test_the_page_ranks_per_unit_and_the_office_sees_topics_without_measure(
    planted: dict[str, list[Ticket]],
) -> None:
    """The Office's page lists every unit's ranking and the topics with no measure; a measure takes its topic off
    that list. The page's queries do not grow with the topics."""
    _record()
    url = reverse("insight:high_frequency")
    with time_machine.travel(NOW, tick=False):
        client = signed_in("dispatcher")
        page = client.get(url).content.decode()
        assert page.count('data-testid="missing-topic"') == 3
        assert "高频问题" in page and "R9" not in page
        before = queries_for(client, url)
        _measure(_topic_with(planted["heating"][0]))
        page = client.get(url).content.decode()
        assert page.count('data-testid="missing-topic"') == 2
        assert "推进中" in page
        FrequentTopic.objects.create(
            semester=AUTUMN.key, unit=unit("library"), label="另一个", requesters=1, computed_at=NOW
        ).tickets.set([planted["noise"][3]])
        assert queries_for(client, url) == before
        unit_only = client.get(url, {"semester": AUTUMN.key, "unit": unit("nic").pk}).content.decode()
        assert "校园网" in unit_only and "暖气" not in unit_only
        spring = client.get(url, {"semester": SPRING.key}).content.decode()
        assert "该学期没有高频问题" in spring


def test_the_ranking_exports_to_excel(planted: dict[str, list[Ticket]]) -> None:
    _record()
    with time_machine.travel(NOW, tick=False):
        response = signed_in("head").get(reverse("insight:high_frequency_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "单位"
    assert [r[3] for r in rows[1:]] == [12, 5]
    assert all(r[0] == "后勤管理处" for r in rows[1:])


def test_the_office_recomputes_a_semester_from_the_page(planted: dict[str, list[Ticket]]) -> None:
    with time_machine.travel(NOW, tick=False):
        client = signed_in("dispatcher")
        response = client.post(reverse("insight:high_frequency_refresh"), {"semester": AUTUMN.key})
        assert response.status_code == 302
        assert FrequentTopic.objects.filter(semester=AUTUMN.key).count() == 3
        assert (
            signed_in("head")
            .post(reverse("insight:high_frequency_refresh"), {"semester": AUTUMN.key})
            .status_code
            == 403
        )


def test_bad_input_to_the_forms_gives_chinese_errors_and_writes_nothing(
    planted: dict[str, list[Ticket]],
) -> None:
    """Empty fields, a due date in the past, an owner from another unit, an unknown semester, an evaluation with no
    answer: a Chinese message, status 400, no measure and no log row."""
    _record()
    topic = _topic_with(planted["heating"][0])
    url = reverse("insight:root_cause_record", args=[topic.pk])
    good = {"cause": "管道老化", "measure": "更换管道", "owner": user("head").pk, "due_date": "2027-01-10"}
    cases = [
        ({**good, "cause": "  "}, "此项为必填项"),
        ({**good, "due_date": "2026-12-01"}, "完成时限不能早于今天"),
        ({**good, "due_date": "明天"}, "请填写正确的日期"),
        ({**good, "owner": user("nic_officer").pk}, "请从给出的选项中选择"),
    ]
    with time_machine.travel(NOW, tick=False):
        client = signed_in("officer")
        for data, message in cases:
            response = client.post(url, data)
            assert response.status_code == 400, data
            assert message in response.content.decode(), (data, message)
        page = client.get(reverse("insight:high_frequency"), {"semester": "1999-winter"})
        assert page.status_code == 400 and "请从给出的选项中选择" in page.content.decode()
        assert not RootCauseMeasure.objects.exists() and not RootCauseEvent.objects.exists()
        measure = _measure(topic)
        response = client.post(
            reverse("insight:root_cause_evaluate", args=[measure.pk]), {"evaluation": "好"}
        )
        assert response.status_code == 400 and "此项为必填项" in response.content.decode()
        response = client.post(
            reverse("insight:root_cause_evaluate", args=[measure.pk]),
            {"effective": "yes", "evaluation": "好"},
        )
        assert response.status_code == 400 and "下一学期开始" in response.content.decode()
        response = client.post(reverse("insight:root_cause_progress", args=[measure.pk]), {"text": ""})
        assert response.status_code == 400
    assert RootCauseEvent.objects.count() == 1
    measure.refresh_from_db()
    assert measure.status == RootCauseMeasure.Status.IN_PROGRESS


def test_the_command_records_and_prints_the_ranking_as_json(planted: dict[str, list[Ticket]]) -> None:
    """``jiesu analysis high-frequency --record --json``; an unknown semester is a structured error."""
    from jiesu.cli import CliError  # noqa: PLC0415

    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("analysis", "high-frequency", "--record", "--unit", "logistics", "--json", stdout=out)
        with pytest.raises(CliError) as caught:
            call_command("analysis", "high-frequency", "--semester", "1999-winter", "--json")
    printed = json.loads(out.getvalue())
    assert printed["semester"] == AUTUMN.key
    assert [(t["rank"], t["requests"]) for t in printed["topics"]] == [(1, 12), (2, 5)]
    assert printed["topics"][1]["previous_semester"] == 6
    assert caught.value.as_dict()["error"]["field"] == "semester"  # type: ignore[index]


def test_a_measure_past_its_due_date_is_told_once_to_its_owner_and_the_units_head(
    planted: dict[str, list[Ticket]],
) -> None:
    """R9.2: the Office records a measure owned by the logistics officer, due on 10 January 2027. The sweep of
    that day says nothing; the first sweep of 11 January tells the owner and the head of 后勤管理处 once, with a
    line in the measure's log and a link to the topic; later sweeps stay quiet. A measure carried out in time is
    never told, nor is one recorded later whose due date has not come."""
    _record()
    topic = _topic_with(planted["heating"][0])
    late = _measure(topic, owner="officer")
    on_time = _measure(topic, owner="head")
    with time_machine.travel(at(2027, 1, 9, 10), tick=False):
        frequency_measures.root_cause_progress(
            actor=user("head"), measure=on_time, text="循环泵已安装", done=True
        )

    assert frequency_measures.measures_remind_overdue(now=at(2027, 1, 10, 23, 59)) == 0
    with time_machine.travel(at(2027, 1, 11, 0, 1), tick=False):
        run_sweep(now=at(2027, 1, 11, 0, 1))  # the minute sweep runs it
    told = Notification.objects.filter(event="root_cause_overdue")
    assert {n.recipient.username for n in told} == {"officer", "head"}
    note = told.get(recipient__username="officer")
    assert "2027-01-10" in note.body and "后勤" in note.body
    assert note.url == reverse("insight:high_frequency_topic", args=[topic.pk])
    late.refresh_from_db()
    assert late.overdue_told_at == at(2027, 1, 11, 0, 1)
    assert list(late.events.values_list("kind", "actor")) == [
        ("recorded", user("dispatcher").pk),
        ("overdue", None),
    ]
    assert not on_time.events.filter(kind="overdue").exists()

    with time_machine.travel(at(2027, 1, 12, 9), tick=False):
        assert frequency_measures.measures_remind_overdue(now=at(2027, 1, 12, 9)) == 0
    assert told.count() == 2

    with time_machine.travel(at(2027, 1, 12, 9), tick=False):
        page = signed_in("officer").get(reverse("insight:high_frequency_topic", args=[topic.pk]))
    html = page.content.decode()
    assert "超时" in html and "已过完成期限，已提醒负责人" in html
