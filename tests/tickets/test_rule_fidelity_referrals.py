"""Issue 12 item 5, referrals (R2.6): the source's own deadline is a clock of the ticket, and the report back
to the source is a recorded step with its own clock, due by the end of the day the formal reply is approved
(日清日结); the Office sees the referrals whose report back is missing. Lived through the services and the
pages on a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiesu.tickets import selectors, services
from jiesu.tickets.errors import DomainError, TransitionError
from jiesu.tickets.models import Clock, Event, Note
from tests.support import at, signed_in, user
from tests.tickets.test_rule_fidelity_support import (
    SOURCE,
    START,
    answered,
    fresh,
    handled,
    referral,
    step,
    web_replied,
)

pytestmark = pytest.mark.django_db
SOURCE_DUE = at(2026, 3, 13, 17)  # the 12345 hotline wants the result by Friday 17:00


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization: the Office records and dispatches, 后勤管理处 handles."""


def test_referrals_source_deadline_is_a_clock_of_its_own() -> None:
    """R2.6: a referral's own deadline, given at intake, is stored as a clock beside the response and
    dispatch clocks, shown with the source's name; reporting the result back meets it."""
    ticket = referral(due=SOURCE_DUE)
    clock = Clock.objects.get(ticket=ticket, kind="source")
    assert (clock.started_at, clock.due_at, clock.met_at) == (START, SOURCE_DUE, None)
    assert SOURCE in clock.rule and "R2" not in clock.rule
    # R4.0: the unit's response clock starts at dispatch, not at the Office's receipt.
    assert {c.kind for c in Clock.objects.filter(ticket=ticket)} == {"dispatch", "source"}
    # Without a deadline from the source there is no such clock.
    other = referral(START + dt.timedelta(minutes=5))
    assert not Clock.objects.filter(ticket=other, kind="source").exists()


def test_referrals_report_back_is_a_recorded_step_due_the_day_the_reply_is_approved() -> None:
    """R2.6 日清日结: approving the formal reply of a referral starts the report-back clock, due at the end of
    that day; the lead unit records the report (what was said, when) — a handling record with history — which
    meets it and the source's own deadline, and the referral leaves the Office's "report back missing" list."""
    ticket = handled(referral(due=SOURCE_DUE), START + dt.timedelta(minutes=30))
    office = user("dispatcher")
    assert list(selectors.report_back_missing(office)) == []
    answered(ticket, at(2026, 3, 10, 14))  # approved at 15:00
    report = Clock.objects.get(ticket=ticket, kind="report_back", round=1)
    assert (report.started_at, report.due_at, report.met_at) == (at(2026, 3, 10, 15), at(2026, 3, 11), None)
    assert [t.number for t in selectors.report_back_missing(office)] == [ticket.number]

    told = at(2026, 3, 10, 16, 30)
    note = step(
        at(2026, 3, 10, 17),
        services.referral_report_back,
        actor=user("officer"),
        ticket=ticket,
        text="已电话向12345热线反馈：施工单位已夜间停工。",
        at=told,
    )
    assert (note.kind, note.at, note.party) == (Note.Kind.REPORT_BACK, told, SOURCE)
    report.refresh_from_db()
    assert (report.met_at, report.on_time) == (told, True)
    source = Clock.objects.get(ticket=ticket, kind="source")
    assert (source.met_at, source.on_time) == (told, True)
    event = Event.objects.filter(ticket=ticket, action="report_back").get()
    assert event.actor == user("officer") and "12345" in event.reason
    assert list(selectors.report_back_missing(office)) == []
    assert fresh(ticket).status == "replied"  # the follow-up still runs (R4.6)


def test_referrals_report_back_the_next_day_is_late_and_the_office_may_record_it() -> None:
    """R2.6: a report made after the day of approval is late (the miss stays recorded); the Office may record
    it for the unit."""
    ticket = handled(referral(due=SOURCE_DUE), START + dt.timedelta(minutes=30))
    answered(ticket, at(2026, 3, 10, 14))
    later = at(2026, 3, 11, 9, 30)
    step(
        later,
        services.referral_report_back,
        actor=user("dispatcher"),
        ticket=ticket,
        text="已书面回复12345热线。",
    )
    report = Clock.objects.get(ticket=ticket, kind="report_back")
    assert (report.met_at, report.on_time) == (later, False)
    assert fresh(ticket).overdue_count == 1


def test_referrals_report_back_refuses_what_is_not_a_reported_result() -> None:
    """R2.6: only a referral reports back, only once its formal reply is sent, never dated in the future and
    never with an empty text; each refusal writes nothing."""
    ticket = handled(referral(due=SOURCE_DUE), START + dt.timedelta(minutes=30))
    with pytest.raises(DomainError) as refused:
        step(
            at(2026, 3, 10, 11),
            services.referral_report_back,
            actor=user("officer"),
            ticket=ticket,
            text="已反馈。",
        )
    assert refused.value.code == "no_reply_yet"
    answered(ticket, at(2026, 3, 10, 14))
    for text, when in (("", None), ("已反馈。", at(2026, 3, 10, 18))):
        with pytest.raises(DomainError):
            step(
                at(2026, 3, 10, 16),
                services.referral_report_back,
                actor=user("officer"),
                ticket=ticket,
                text=text,
                at=when,
            )
    assert not Event.objects.filter(ticket=ticket, action="report_back").exists()
    web = web_replied(START + dt.timedelta(hours=1))
    with pytest.raises(DomainError) as not_referral:
        step(
            at(2026, 3, 10, 17),
            services.referral_report_back,
            actor=user("officer"),
            ticket=web,
            text="已反馈。",
        )
    assert not_referral.value.code == "not_a_referral"
    with pytest.raises(TransitionError):
        services.referral_report_back(actor=user("officer"), ticket=referral(), text="已反馈。")


def test_referrals_page_shows_the_source_deadline_the_report_back_form_and_the_office_list() -> None:
    """R2.6 on the pages: the ticket page lists the source's deadline among the clocks and in the facts, the
    lead unit reports back from it, and the Office's "report back missing" worklist lists the referral until
    then — all in Chinese, without rule ids."""
    ticket = handled(referral(due=SOURCE_DUE), START + dt.timedelta(minutes=30))
    answered(ticket, at(2026, 3, 10, 14))
    officer, office = signed_in("officer"), signed_in("dispatcher")
    page = reverse("work:ticket", args=[ticket.number])
    with_time = at(2026, 3, 10, 16)
    with time_machine.travel(with_time, tick=False):
        html = officer.get(page).content.decode()
        assert 'data-testid="clock-source"' in html and "转办来源时限" in html
        assert 'data-testid="clock-report_back"' in html and 'data-testid="action-report_back"' in html
        assert "2026-03-13 17:00" in html
        listed = office.get(reverse("work:report_back")).content.decode()
        assert ticket.number in listed and "待向转办来源反馈" in listed
        posted = officer.post(
            reverse("work:act", args=[ticket.number, "report_back"]),
            {"text": "已电话向12345热线反馈办理结果。", "at": ""},
        )
        assert posted.status_code == 302
        html = officer.get(page).content.decode()
        assert 'data-testid="action-report_back"' not in html
        assert "已向转办来源反馈办理结果" in html  # the history's label
        assert ticket.number not in office.get(reverse("work:report_back")).content.decode()
    assert "R2.6" not in html
