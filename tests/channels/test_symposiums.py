"""Symposiums (R2.4): 1–2 a semester per organizer, a reminder at mid-semester, issues become tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.channels import services
from jiesu.channels.models import Symposium, SymposiumIssue, SymposiumReminder
from jiesu.channels.permissions import ORGANIZER_CODES
from jiesu.org.models import Unit
from jiesu.tickets.errors import Conflict, DomainError, NotAllowed
from jiesu.tickets.models import Channel, Ticket
from jiesu.tickets.states import Status
from jiesu.workcalendar.semesters import Semester, semester_of
from tests.support import at, beijing, told, unit, user


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (dt.date(2026, 9, 1), "2026-autumn"),
        (dt.date(2027, 1, 15), "2026-autumn"),
        (dt.date(2027, 1, 16), "2027-spring"),  # winter break: the coming semester
        (dt.date(2027, 7, 10), "2027-spring"),
        (dt.date(2027, 7, 11), "2027-autumn"),  # summer break
    ],
)
def test_semester_of_a_day(day, key) -> None:
    assert semester_of(day).key == key


def test_the_four_organizers_are_units_of_the_organization(demo_org) -> None:
    assert set(Unit.objects.filter(code__in=ORGANIZER_CODES).values_list("name", flat=True)) == {
        "学生处",
        "校团委",
        "校工会",
        "离退休管理处",
    }


def _schedule(
    actor="dispatcher", organizer="union", day=dt.date(2026, 12, 15), title="教职工座谈会"
) -> Symposium:
    return services.symposium_schedule(
        actor=user(actor),
        organizer=unit(organizer),
        title=title,
        day=day,
        place="工会活动室",
        campus=beijing(),
    )


def test_at_most_two_a_semester(monday) -> None:
    _schedule()
    _schedule(title="第二次")
    with pytest.raises(Conflict):
        _schedule(title="第三次")
    _schedule(title="下学期", day=dt.date(2027, 3, 10))  # the next semester counts anew
    assert Symposium.objects.filter(semester="2026-autumn").count() == 2


def test_only_organizers_schedule(monday) -> None:
    with pytest.raises(NotAllowed):
        _schedule(actor="head")  # 后勤管理处 is no organizer
    with pytest.raises(NotAllowed):
        _schedule(organizer="logistics")


def test_an_organizer_with_none_by_mid_semester_is_reminded_once(monday) -> None:
    """At mid-autumn 2026 (2026-11-08) the three organizers without a symposium are reminded, once."""
    assert Semester(2026, "autumn").middle == dt.date(2026, 11, 8)
    _schedule(organizer="union")
    assert services.symposium_reminders(now=at(2026, 11, 7, 9)) == 0
    assert services.symposium_reminders(now=at(2026, 11, 8, 9)) > 0
    assert services.symposium_reminders(now=at(2026, 11, 8, 9, 1)) == 0
    reminded = set(SymposiumReminder.objects.values_list("organizer__code", flat=True))
    assert reminded == {"student_affairs", "youth_league", "retirees"}
    assert "dispatcher" in told("symposium_reminder")


def test_issues_become_tickets_linked_back(monday) -> None:
    symposium = _schedule(day=dt.date(2026, 12, 7))
    with pytest.raises(Conflict):
        services.symposium_issues_to_tickets(actor=user("dispatcher"), symposium=symposium)
    with pytest.raises(DomainError):
        services.symposium_record(
            actor=user("dispatcher"),
            symposium=symposium,
            attendees="教师代表12人",
            issues=["", " "],
            contact_name="王老师",
            contact_phone="010-88560000",
        )
    services.symposium_record(
        actor=user("dispatcher"),
        symposium=symposium,
        attendees="教师代表12人",
        issues=["食堂晚餐供应时间太短", "教工子女入园难"],
        contact_name="王老师",
        contact_phone="010-88560000",
    )
    with pytest.raises(NotAllowed):
        services.symposium_issues_to_tickets(actor=user("head"), symposium=symposium)
    tickets = services.symposium_issues_to_tickets(actor=user("dispatcher"), symposium=symposium)
    assert [(t.channel, t.status) for t in tickets] == [(Channel.SYMPOSIUM, Status.NEW)] * 2
    assert set(SymposiumIssue.objects.values_list("ticket", flat=True)) == {t.pk for t in tickets}
    assert "教职工座谈会" in tickets[0].content
    with pytest.raises(Conflict):  # no second ticket per issue
        services.symposium_issues_to_tickets(actor=user("dispatcher"), symposium=symposium)
    assert Ticket.objects.filter(channel=Channel.SYMPOSIUM).count() == 2


def test_a_symposium_is_recorded_on_its_day_or_after(monday) -> None:
    symposium = _schedule()
    with pytest.raises(DomainError):
        services.symposium_record(
            actor=user("dispatcher"),
            symposium=symposium,
            attendees="x",
            issues=["y"],
            contact_name="王",
            contact_phone="123",
        )
    assert Symposium.objects.get().status == Symposium.Status.SCHEDULED
