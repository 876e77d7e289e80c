"""Seasonal peaks and contingency plans (R9.4): from two past academic years, a topic that peaks every November
is expected in November and shown 4 weeks ahead in October, to its unit only; a steady topic has no peak; the
unit records a contingency plan 预案 whose log is append-only; bad input is refused in Chinese, writing nothing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.urls import reverse

from jiesu.insight import contingency, peaks, seasonal
from jiesu.insight.models import ContingencyEvent, ContingencyPlan, SeasonalNotice, SeasonalTopic
from jiesu.notify.models import Notification
from jiesu.org.models import Membership
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Ticket
from jiesu.workcalendar.clocks import SHANGHAI
from tests.support import beijing, signed_in, unit, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

OCTOBER = dt.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)  # week 6 of academic year 2026; November is ahead
SEPTEMBER = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI)  # week 3: November is more than 4 weeks ahead
_numbers = itertools.count(1)


def _plant(unit_code: str, day: dt.date, subject: str, content: str) -> None:
    n = next(_numbers)
    Ticket.objects.create(
        number=f"S{n:09d}",
        tracking_code_hash="x",
        type="help",
        channel="web",
        campus=beijing(),
        subject=subject,
        content=content,
        requester_kind="student",
        received_at=dt.datetime.combine(day, dt.time(10, n % 50), tzinfo=SHANGHAI),
        lead_unit=unit(unit_code),
    )


@pytest.fixture
def history() -> None:
    plant_history()


def plant_history() -> None:
    """Two past academic years (2024 and 2025): heating complaints to logistics, ten a week through November
    (and one in May); seat-booking trouble at the library, two every week of the year."""
    for year in (2024, 2025):
        for i in range(40):  # ten a week for the four weeks of 3–30 November
            day = dt.date(year, 11, 3) + dt.timedelta(days=i * 7 // 10)
            _plant(
                "logistics",
                day,
                f"{i % 9 + 1}号楼{100 + i}室暖气不热",
                "宿舍暖气片冰凉，室温很低，请尽快维修供暖。",
            )
        _plant("logistics", dt.date(year + 1, 5, 12), "3号楼暖气不热", "宿舍暖气片冰凉，请维修供暖。")
        for week in range(52):
            for k in range(2):
                day = seasonal.year_start(year) + dt.timedelta(days=7 * week + 2 * k)
                _plant(
                    "library",
                    day,
                    f"图书馆{k + 2}楼座位预约系统无法登录",
                    "座位预约系统一直登录失败，请尽快修复。",
                )


def heating_label() -> str:
    return SeasonalTopic.objects.filter(unit=unit("logistics")).values_list("label", flat=True).first() or "?"


def test_week_of_the_academic_year_is_the_same_every_year() -> None:
    """Weeks count from 1 September; a date falls in the same week every year; the last week takes the days
    left over (31 August is week 52, even in a leap year)."""
    assert seasonal.week_of(dt.date(2026, 9, 1)) == 1
    assert seasonal.week_of(dt.date(2026, 9, 7)) == 1
    assert seasonal.week_of(dt.date(2026, 9, 8)) == 2
    assert seasonal.week_of(dt.date(2025, 11, 10)) == seasonal.week_of(dt.date(2026, 11, 10)) == 11
    assert seasonal.week_of(dt.date(2027, 8, 31)) == seasonal.week_of(dt.date(2028, 8, 31)) == 52
    assert seasonal.academic_year(dt.date(2027, 1, 10)) == 2026
    assert seasonal.academic_year(dt.date(2026, 8, 31)) == 2025
    assert seasonal.week_span(2027, 52) == (dt.date(2028, 8, 23), dt.date(2028, 8, 31))  # 9 days: leap year
    assert seasonal.in_break(dt.date(2026, 8, 1)) and not seasonal.in_break(dt.date(2026, 11, 3))


def test_a_topic_peaking_every_november_is_expected_in_november(history: None) -> None:
    """The heating topic expects about ten requests a week through November and has its peak there; the
    library's steady topic expects two a week all year and has no peak."""
    with time_machine.travel(OCTOBER, tick=False):
        model = seasonal.seasonal_compute()
    assert model.tickets == Ticket.objects.count()
    assert model.years == [2024, 2025, 2026]
    heating = SeasonalTopic.objects.get(model=model, unit=unit("logistics"))
    assert {"暖气", "不热", "冰凉"} & set(heating.terms)
    assert heating.peaks == [10, 11, 12, 13]  # 3–30 November
    assert heating.expected[11] == pytest.approx(10, abs=0.5)
    assert heating.actual["2024"][11] == heating.actual["2025"][11] == 10
    assert heating.actual["2026"][11] is None  # not over yet: not learned from
    steady = SeasonalTopic.objects.get(model=model, unit=unit("library"))
    assert steady.peaks == []
    assert steady.normal == pytest.approx(2, abs=0.3)


def test_the_peak_is_seen_four_weeks_ahead_by_its_unit_only(history: None) -> None:
    """In mid-October the heating peak of 3 November is among logistics' coming peaks, with last years'
    figures; the library's head does not see it; in mid-September it is still too far ahead."""
    with time_machine.travel(SEPTEMBER, tick=False):
        model = seasonal.seasonal_compute()
        assert peaks.upcoming(model, None, dt.date(2026, 9, 14)) == []
    with time_machine.travel(OCTOBER, tick=False):
        model = seasonal.seasonal_compute()
        (peak,) = peaks.upcoming(model, None, dt.date(2026, 10, 12))
        assert peak.unit == unit("logistics")
        assert (peak.start, peak.end, peak.in_days) == (dt.date(2026, 11, 3), dt.date(2026, 11, 30), 22)
        assert peak.past == [("2024–2025", 40, False), ("2025–2026", 40, False)]
        assert peak.ratio >= 5
        page = signed_in("head").get(reverse("insight:seasonal"))
        assert page.status_code == 200
        html = page.content.decode()
        assert heating_label() in html and "2024–2025: 40" in html and "R9" not in html
        assert "未来四周" in html
        library_head = Membership.objects.get(unit=unit("library"), role="unit_head").user.username
        other = signed_in(library_head).get(reverse("insight:seasonal"))
        assert other.status_code == 200 and heating_label() not in other.content.decode()
        assert 'data-testid="no-peak"' in other.content.decode()
        assert signed_in("student").get(reverse("insight:seasonal")).status_code == 403
        office = signed_in("dispatcher").get(reverse("insight:seasonal")).content.decode()
        assert 'data-testid="unplanned-peak"' in office and "后勤" in office


def test_the_unit_head_is_told_once_per_peak(history: None) -> None:
    """The nightly run tells logistics' head of the November peak in October, once however often it runs."""
    with time_machine.travel(SEPTEMBER, tick=False):
        assert contingency.seasonal_refresh()[1] == 0
    with time_machine.travel(OCTOBER, tick=False):
        assert contingency.seasonal_refresh()[1] == 1
        assert contingency.seasonal_refresh()[1] == 0
    assert SeasonalNotice.objects.get().peak_start == dt.date(2026, 11, 3)
    note = Notification.objects.get(recipient=user("head"))
    assert heating_label() in note.title


def _record(**extra: object) -> ContingencyPlan:
    topic = SeasonalTopic.objects.get(unit=unit("logistics"))
    fields = {
        "actor": user("head"),
        "topic_id": topic.pk,
        "peak_start": dt.date(2026, 11, 3),
        "measures": "供暖开始前一周完成各楼暖气排查，维修班组双人值守。",
        "owner": user("handler"),
        "ready_by": dt.date(2026, 10, 30),
    }
    return contingency.plan_record(**{**fields, **extra})  # type: ignore[arg-type]


def test_a_plan_is_recorded_with_an_append_only_log(history: None) -> None:
    """The unit head records the plan; each change is an event; events cannot be changed; the peak shows it."""
    with time_machine.travel(OCTOBER, tick=False):
        seasonal.seasonal_compute()
        plan = _record()
        assert plan.state == ContingencyPlan.State.DRAFT and plan.expected >= 9
        contingency.plan_move(actor=user("officer"), plan=plan, state=ContingencyPlan.State.READY)
        with pytest.raises(TransitionError, match="不能"):
            contingency.plan_move(actor=user("head"), plan=plan, state=ContingencyPlan.State.DONE)
        contingency.plan_revise(
            actor=user("head"),
            plan=plan,
            measures="增加夜间值班。",
            owner=user("head"),
            ready_by=plan.ready_by,
        )
        (peak,) = peaks.upcoming(seasonal.latest(), [unit("logistics").pk], dt.date(2026, 10, 12))
        assert peak.plan == plan
        with pytest.raises(TransitionError):
            _record()
    kinds = list(plan.events.values_list("kind", "state"))
    assert kinds == [("recorded", "draft"), ("state", "ready"), ("revised", "ready")]
    event = plan.events.first()
    assert event is not None
    event.text = "改写"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert Notification.objects.filter(recipient=user("handler"), title__contains="预案").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"measures": "  "}, "措施"),
        ({"owner": None}, "负责人"),
        ({"ready_by": None}, "就绪"),
        ({"ready_by": dt.date(2026, 10, 1)}, "过去"),
        ({"ready_by": dt.date(2026, 12, 20)}, "高峰结束"),
        ({"peak_start": dt.date(2026, 12, 1)}, "四周"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(history: None, extra: dict, message: str) -> None:
    with time_machine.travel(OCTOBER, tick=False):
        seasonal.seasonal_compute()
        if extra.get("owner", 1) is None:
            extra = {"owner": user("dispatcher")}  # not of the unit
        with pytest.raises(DomainError, match=message):
            _record(**extra)
    assert not ContingencyPlan.objects.exists() and not ContingencyEvent.objects.exists()


def test_another_unit_may_not_plan_for_the_peak(history: None) -> None:
    library_head = Membership.objects.get(unit=unit("library"), role="unit_head").user
    with time_machine.travel(OCTOBER, tick=False):
        seasonal.seasonal_compute()
        with pytest.raises(NotAllowed):
            _record(actor=library_head)
        topic = SeasonalTopic.objects.get(unit=unit("logistics"))
        url = reverse("insight:seasonal_plan_new") + f"?topic={topic.pk}&start=2026-11-03"
        assert signed_in(library_head.username).get(url).status_code == 403
    assert not ContingencyPlan.objects.exists()


def test_the_form_records_a_plan_and_shows_chinese_errors(history: None) -> None:
    with time_machine.travel(OCTOBER, tick=False):
        seasonal.seasonal_compute()
        topic = SeasonalTopic.objects.get(unit=unit("logistics"))
        client = signed_in("head")
        url = reverse("insight:seasonal_plan_new")
        form = client.get(url + f"?topic={topic.pk}&start=2026-11-03")
        assert form.status_code == 200 and "记录预案" in form.content.decode()
        data = {"topic": topic.pk, "start": "2026-11-03", "measures": "", "owner": user("head").pk}
        bad = client.post(url, {**data, "ready_by": "2026-12-25"})
        assert (
            bad.status_code == 400
            and "这一项为必填项" in bad.content.decode()
            or "措施" in bad.content.decode()
        )
        late = client.post(url, {**data, "measures": "排查暖气。", "ready_by": "2026-12-25"})
        assert late.status_code == 400 and "高峰结束" in late.content.decode()
        assert not ContingencyPlan.objects.exists()
        ok = client.post(url, {**data, "measures": "排查暖气。", "ready_by": "2026-10-30"})
        plan = ContingencyPlan.objects.get()
        assert ok.status_code == 302 and ok.url == reverse("insight:seasonal_plan", args=[plan.pk])
        page = client.get(ok.url).content.decode()
        assert "排查暖气" in page and "编制中" in page


def test_the_analysis_command_prints_the_coming_peaks(history: None, capsys: pytest.CaptureFixture) -> None:
    import json

    from django.core.management import call_command

    with time_machine.travel(OCTOBER, tick=False):
        call_command("analysis", "seasonal", "--json", "--record")
    out = json.loads(capsys.readouterr().out)
    assert out["model"]["tickets"] == Ticket.objects.count()
    (peak,) = out["peaks"]
    assert peak["unit"] == "后勤管理处" and peak["start"] == "2026-11-03" and peak["plan"] is None


def test_recompute_now_queues_a_computation_for_the_worker(django_capture_on_commit_callbacks) -> None:
    """The Office's button queues the computation after the request commits; a unit head may not press it."""
    asked: list[int | None] = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr(contingency, "_computers", [asked.append])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in("dispatcher").post(reverse("insight:seasonal_recompute"))
    finally:
        monkey.undo()
    assert response.status_code == 302 and asked == [user("dispatcher").pk]
    assert signed_in("head").post(reverse("insight:seasonal_recompute")).status_code == 403


def test_the_worker_task_computes_a_dated_version(history: None) -> None:
    """The on-demand task stores a version with its learning set's size and dates; the page shows them."""
    from jiesu.worker.tasks import seasonal_compute

    with time_machine.travel(OCTOBER, tick=False):
        seasonal_compute.call_local(user("dispatcher").pk)
        page = signed_in("dispatcher").get(reverse("insight:seasonal")).content.decode()
    model = seasonal.latest()
    assert model is not None and model.trigger == "on_demand" and model.computed_by == user("dispatcher")
    assert (model.first_day, model.last_day) == (dt.date(2024, 9, 1), dt.date(2026, 8, 26))
    assert f"{model.tickets} 件诉求" in page and "2024-09-01" in page


def test_the_page_reads_a_fixed_number_of_queries(
    history: None, django_assert_max_num_queries: object
) -> None:
    with time_machine.travel(OCTOBER, tick=False):
        seasonal.seasonal_compute()
        client = signed_in("dispatcher")
        client.get(reverse("insight:seasonal"))
        with django_assert_max_num_queries(14):  # type: ignore[operator]
            assert client.get(reverse("insight:seasonal")).status_code == 200
