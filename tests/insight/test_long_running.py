"""Long-running requests and the special-study list (R9.3): a request open more than 10 working days after the
unit had it, reopened twice or more, or closed unsatisfied is long-running; the Office puts it on the list with an
owner, a plan and a review date; the owner records reviews and concludes; every change is in the study's log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiesu.insight import longrunning
from jiesu.insight.models import SpecialStudy, SpecialStudyEvent
from jiesu.notify.models import Notification
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import Status
from jiesu.worker.sweep import run_sweep
from tests.support import at, drive, handling, reply_and_approve, services, signed_in, user

pytestmark = pytest.mark.django_db

# 2026-11-02 is a Monday; the ten working days after it end on Monday 11-16 (no holiday in between).
MONDAY = at(2026, 11, 2, 10, 0)


def _numbers(found: list[longrunning.Candidate]) -> set[str]:
    return {c.ticket.number for c in found}


def test_a_request_becomes_long_running_after_its_tenth_working_day(demo_org: None) -> None:
    """Dispatched on Monday 11-02: through Monday 11-16 (its 10th working day) it is not long-running; on
    Tuesday 11-17 it is. Weekends do not count."""
    with time_machine.travel(MONDAY, tick=False):
        ticket = handling("department")
    with time_machine.travel(at(2026, 11, 16, 23, 0), tick=False):
        assert ticket.number not in _numbers(longrunning.candidates())
    with time_machine.travel(at(2026, 11, 17, 8, 0), tick=False):
        found = {c.ticket.number: c for c in longrunning.candidates()}
        assert found[ticket.number].reasons == ["open_long"]
        assert found[ticket.number].head == user("head")  # the lead unit's head, proposed as owner


def test_a_make_up_sunday_counts_as_a_working_day(demo_org: None) -> None:
    """Sunday 2026-09-20 is a make-up working day: a request dispatched on Monday 09-07 has had its 10 working
    days at the end of that Sunday, so it is long-running on Monday 09-21 (not one day later, as a plain
    Monday-to-Friday count would say)."""
    with time_machine.travel(at(2026, 9, 7, 10, 0), tick=False):
        ticket = handling("department")
    assert longrunning.get_calendar().add_working_days(dt.date(2026, 9, 7), 10) == dt.date(2026, 9, 20)
    with time_machine.travel(at(2026, 9, 20, 23, 0), tick=False):
        assert ticket.number not in _numbers(longrunning.candidates())
    with time_machine.travel(at(2026, 9, 21, 0, 30), tick=False):
        assert ticket.number in _numbers(longrunning.candidates())


def test_make_up_working_days_count_and_the_national_day_does_not(demo_org: None) -> None:
    """Received on 2026-09-28 (Monday): the National Day holiday (10-01 … 10-07) does not count, the make-up
    working days do, so the 10th working day is later than two calendar weeks."""
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False):
        ticket = handling("department")
    tenth = dt.datetime.combine(
        longrunning.get_calendar().add_working_days(dt.date(2026, 9, 28), 10),
        dt.time(23),
        tzinfo=MONDAY.tzinfo,
    )
    assert tenth.date() > dt.date(2026, 10, 12)
    with time_machine.travel(tenth, tick=False):
        assert ticket.number not in _numbers(longrunning.candidates())
    with time_machine.travel(tenth + dt.timedelta(hours=2), tick=False):
        assert ticket.number in _numbers(longrunning.candidates())


def test_reopened_twice_or_closed_unsatisfied_is_long_running_at_once(demo_org: None) -> None:
    """A request reopened twice (its third round) and one closed unsatisfied are listed whatever their age; a
    request closed satisfied long ago and a fresh one are not."""
    with time_machine.travel(MONDAY, tick=False):
        reopened = drive(Status.REPLIED, level="direct", cohandling=False)
        for _ in range(2):
            services.followup_complete(
                actor=user("officer"), ticket=reopened, outcome="dissatisfied", resolved=False
            )
            reply_and_approve(reopened, body="已再次安排维修，并请专人跟进。")
        unsatisfied = drive(Status.CLOSED_UNSATISFIED, level="direct", cohandling=False)
        satisfied = drive(Status.REPLIED, level="direct", cohandling=False)
        services.followup_complete(
            actor=user("officer"), ticket=satisfied, outcome="satisfied", resolved=True
        )
        fresh = handling("direct")
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        found = {c.ticket.number: c.reasons for c in longrunning.candidates()}
    assert Ticket.objects.get(pk=reopened.pk).round == 3
    assert found[reopened.number] == ["reopened"]
    assert found[unsatisfied.number] == ["closed_unsatisfied"]
    assert satisfied.number not in found and fresh.number not in found
    with time_machine.travel(at(2026, 12, 10, 9), tick=False):  # long after: closed ones stay out
        found = {c.ticket.number: c.reasons for c in longrunning.candidates()}
    assert satisfied.number not in found
    assert found[fresh.number] == ["open_long"]


def test_the_office_puts_a_request_on_the_list_and_the_owner_reviews_and_concludes(demo_org: None) -> None:
    with time_machine.travel(MONDAY, tick=False):
        ticket = handling("department")
    with time_machine.travel(at(2026, 11, 17, 9), tick=False):
        study = longrunning.study_open(
            actor=user("dispatcher"),
            ticket=ticket,
            owner=user("head"),
            plan="组织后勤、基建两处现场会商，查明暖气管网老化情况。",
            review_date=dt.date(2026, 11, 24),
        )
        assert study.reasons == ["open_long"]
        assert ticket.number not in _numbers(longrunning.candidates())  # on the list, no longer a candidate
        assert Notification.objects.filter(recipient=user("head"), event="special_study").exists()
        with pytest.raises(TransitionError):
            longrunning.study_open(
                actor=user("dispatcher"),
                ticket=ticket,
                owner=user("head"),
                plan="再次列入",
                review_date=dt.date(2026, 11, 24),
            )
    with time_machine.travel(at(2026, 11, 24, 15), tick=False):
        assert list(longrunning.reviews_due()) == [study]
        with pytest.raises(DomainError) as past:
            longrunning.study_review(
                actor=user("head"),
                study=study,
                findings="管网需更换。",
                plan="申请专项资金。",
                review_date=dt.date(2026, 11, 23),
            )
        assert past.value.field == "review_date"
        longrunning.study_review(
            actor=user("head"),
            study=study,
            findings="管网老化，需整体更换。",
            plan="申请专项资金，寒假施工。",
            review_date=dt.date(2026, 12, 15),
        )
        assert list(longrunning.reviews_due()) == []
        with pytest.raises(NotAllowed):  # another unit's officer is neither the Office nor the owner
            longrunning.study_conclude(actor=user("library_officer"), study=study, conclusion="完成")
        longrunning.study_conclude(
            actor=user("head"), study=study, conclusion="寒假已完成管网更换，供暖恢复正常。"
        )
        with pytest.raises(TransitionError):
            longrunning.study_review(
                actor=user("head"),
                study=study,
                findings="再看",
                plan="再看",
                review_date=dt.date(2026, 12, 20),
            )
    study.refresh_from_db()
    assert (study.status, study.plan, study.review_date) == (
        "concluded",
        "申请专项资金，寒假施工。",
        dt.date(2026, 12, 15),
    )
    kinds = list(study.events.values_list("kind", flat=True))
    assert kinds == ["opened", "reviewed", "concluded"]
    with pytest.raises(RuntimeError, match="append-only"):
        event = SpecialStudyEvent.objects.first()
        assert event is not None
        event.text = "改写"
        event.save()


def test_bad_requests_to_the_list_are_refused_and_write_nothing(demo_org: None) -> None:
    with time_machine.travel(MONDAY, tick=False):
        ticket = handling("department")
        with pytest.raises(DomainError):  # not long-running yet
            longrunning.study_open(
                actor=user("dispatcher"),
                ticket=ticket,
                owner=user("head"),
                plan="方案",
                review_date=dt.date(2026, 11, 25),
            )
    with time_machine.travel(at(2026, 11, 17, 9), tick=False):
        with pytest.raises(NotAllowed):
            longrunning.study_open(
                actor=user("officer"),
                ticket=ticket,
                owner=user("head"),
                plan="方案",
                review_date=dt.date(2026, 11, 25),
            )
        with pytest.raises(
            DomainError
        ) as owner:  # 图书馆's officer is neither in the lead unit nor the Office
            longrunning.study_open(
                actor=user("dispatcher"),
                ticket=ticket,
                owner=user("library_officer"),
                plan="方案",
                review_date=dt.date(2026, 11, 25),
            )
        assert owner.value.field == "owner"
        with pytest.raises(DomainError) as blank:
            longrunning.study_open(
                actor=user("dispatcher"),
                ticket=ticket,
                owner=user("head"),
                plan="  ",
                review_date=dt.date(2026, 11, 25),
            )
        assert blank.value.field == "plan"
    assert not SpecialStudy.objects.exists() and not SpecialStudyEvent.objects.exists()


def test_the_pages_for_the_office_and_the_owner(demo_org: None) -> None:
    with time_machine.travel(MONDAY, tick=False):
        ticket = handling("department")
    with time_machine.travel(at(2026, 11, 17, 9), tick=False):
        office = signed_in("dispatcher")
        page = office.get(reverse("insight:studies")).content.decode()
        assert f'data-testid="candidate" data-number="{ticket.number}"' in page
        assert "办理超过 10 个工作日" in page
        take = reverse("insight:study_take", args=[ticket.number])
        bad = office.post(take, {"owner": user("head").pk, "plan": "", "review_date": "2026-11-25"})
        assert bad.status_code == 400 and not SpecialStudy.objects.exists()
        done = office.post(
            take, {"owner": user("head").pk, "plan": "<b>现场会商</b>", "review_date": "2026-11-25"}
        )
        study = SpecialStudy.objects.get()
        assert done.status_code == 302 and done["Location"] == reverse("insight:study", args=[study.pk])
        head = signed_in("head")
        mine = head.get(reverse("insight:study", args=[study.pk])).content.decode()
        assert "&lt;b&gt;现场会商&lt;/b&gt;" in mine and "<b>现场会商" not in mine
        assert head.get(reverse("insight:studies")).status_code == 200  # an owner sees the list of their own
        assert signed_in("library_officer").get(reverse("insight:study", args=[study.pk])).status_code == 403
        assert signed_in("student").get(reverse("insight:studies")).status_code == 403
        reviewed = head.post(
            reverse("insight:study_review", args=[study.pk]),
            {"findings": "已会商。", "plan": "寒假施工。", "review_date": "2026-12-15"},
        )
        assert reviewed.status_code == 302
        assert SpecialStudy.objects.get().review_date == dt.date(2026, 12, 15)


def test_the_owner_is_reminded_once_when_each_review_date_comes(demo_org: None) -> None:
    """R9.3: the Office puts a request on the list on Tuesday 17 November with a review on 24 November, owned by
    the logistics head. The sweep of the 23rd says nothing; the first of the 24th tells the head once, with a
    line in the study's log; later sweeps stay quiet. The head reviews on the 25th and sets 15 December: that
    date is told again when it comes. A concluded study is never told."""
    with time_machine.travel(MONDAY, tick=False):
        ticket = handling("department")
    with time_machine.travel(at(2026, 11, 17, 9), tick=False):
        study = longrunning.study_open(
            actor=user("dispatcher"),
            ticket=ticket,
            owner=user("head"),
            plan="组织后勤、基建两处现场会商，查明暖气管网老化情况。",
            review_date=dt.date(2026, 11, 24),
        )
    told = Notification.objects.filter(recipient=user("head"), event="special_study_review")

    assert longrunning.studies_remind_review(now=at(2026, 11, 23, 23, 59)) == 0
    with time_machine.travel(at(2026, 11, 24, 0, 1), tick=False):
        run_sweep(now=at(2026, 11, 24, 0, 1))  # the minute sweep runs it
    assert told.count() == 1
    note = told.get()
    assert ticket.number in note.body and "2026-11-24" in note.body
    assert note.url == reverse("insight:study", args=[study.pk])
    assert longrunning.studies_remind_review(now=at(2026, 11, 24, 15)) == 0
    event = study.events.get(kind="review_due")
    assert (event.actor, event.review_date) == (None, dt.date(2026, 11, 24))

    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        longrunning.study_review(
            actor=user("head"),
            study=study,
            findings="管网老化，需整体更换。",
            plan="申请专项资金，寒假施工。",
            review_date=dt.date(2026, 12, 15),
        )
        page = signed_in("head").get(reverse("insight:study", args=[study.pk])).content.decode()
    assert "已到复核日期，已提醒负责人" in page
    assert longrunning.studies_remind_review(now=at(2026, 12, 14, 12)) == 0
    assert longrunning.studies_remind_review(now=at(2026, 12, 15, 8)) > 0  # the inbox and her channels
    assert told.count() == 2

    with time_machine.travel(at(2026, 12, 16, 10), tick=False):
        longrunning.study_conclude(actor=user("head"), study=study, conclusion="寒假完成管网更换。")
    assert longrunning.studies_remind_review(now=at(2027, 1, 5, 8)) == 0
