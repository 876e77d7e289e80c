"""Closing a ticket never erases a missed deadline (R4.9) nor an owed report back (R2.6).

The Office's "closed unsatisfied" (R7.2) ends the round's open clocks. A clock that had already passed when the
ticket closed — whether or not the minute sweep had seen it yet — ends missed: its breach is recorded (the same
``Breach`` row the sweep writes), it counts in ``Ticket.overdue_count`` and in the assessment's missed deadlines,
and the closing's history row shows it. The report back to a referral's source is owed whatever the requester
thought of the reply: its clock stays open and the referral stays on the Office's "report back missing" list
until the report is recorded. Lived through the services on a frozen clock.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.supervision import selectors as figures
from jiesu.supervision.figures import Period
from jiesu.tickets import selectors, services
from jiesu.tickets.models import Breach, Clock, ClockKind, Event, Ticket
from jiesu.tickets.states import Status
from jiesu.worker.sweep import run_sweep
from tests.support import at, unit, user
from tests.tickets.test_rule_fidelity_support import (
    START,
    answered,
    followup_call,
    fresh,
    handled,
    referral,
    step,
)

pytestmark = pytest.mark.django_db
MARCH = Period.month(2026, 3)


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization: 后勤管理处 handles, the Office (dispatcher) closes."""


def _reopened_three_times() -> Ticket:
    """A 12345 referral handled by 后勤管理处, its reply approved on time and reported back each round, the
    requester dissatisfied three times: round 4 runs from Friday 13 March 10:00, its formal reply due by the end
    of the next working day (Tuesday 17 March 00:00)."""
    ticket = handled(referral(), START + dt.timedelta(minutes=30))
    for day in (10, 11, 12):
        answered(ticket, at(2026, 3, day, 14))  # approved at 15:00
        step(
            at(2026, 3, day, 16),
            services.referral_report_back,
            actor=user("officer"),
            ticket=ticket,
            text="已电话向12345热线反馈处理情况。",
        )
        followup_call(ticket, at(2026, 3, day + 1, 10), "dissatisfied")
    ticket = fresh(ticket)
    assert (ticket.round, ticket.status, ticket.overdue_count) == (4, Status.HANDLING, 0)
    return ticket


def _round_four_reply(ticket: Ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, kind=ClockKind.REPLY, round=4)


@pytest.mark.parametrize("swept", [False, True], ids=["not-yet-swept", "swept"])
def test_closing_unsatisfied_keeps_a_passed_reply_deadline_missed(swept: bool) -> None:
    """R4.9 / R7.2: the round-4 reply, due Tuesday 17 March 00:00, is never written; on Wednesday the Office
    closes the ticket unsatisfied. The passed clock ends breached — recorded once, by the closing if the sweep
    had not yet run, by the sweep otherwise — counted once in the ticket's overdue count and in the assessment's
    missed deadlines, and the closing's history row shows the missed deadline."""
    ticket = _reopened_three_times()
    due = at(2026, 3, 17)
    assert _round_four_reply(ticket).due_at == due
    if swept:
        assert run_sweep(now=at(2026, 3, 17, 0, 5)).overdue == 1
    closing = at(2026, 3, 18, 10)
    step(
        closing,
        services.ticket_close_unsatisfied,
        actor=user("dispatcher"),
        ticket=ticket,
        reason="三轮回访均不满意，诉求超出学校现有条件。",
    )

    missed = _round_four_reply(ticket)
    assert (missed.met_at, missed.on_time) == (closing, None)  # ended, not met (R7.2)
    assert missed.breached_at == (at(2026, 3, 17, 0, 5) if swept else closing)
    breach = Breach.objects.get(clock=missed)
    assert (breach.kind, breach.round, breach.due_at, breach.unit) == ("reply", 4, due, unit("logistics"))
    assert Breach.objects.filter(ticket=ticket).count() == 1
    ticket = fresh(ticket)
    assert (ticket.status, ticket.overdue_count) == (Status.CLOSED_UNSATISFIED, 1)
    # The assessment counts it (R8.6): 4 formal replies fell due, 3 on time, 1 missed deadline.
    assert Clock.objects.filter(figures.missed(closing), pk=missed.pk).exists()
    counted = figures.counts(MARCH, ("unit",), as_of=at(2026, 3, 31))[(unit("logistics").pk,)]
    assert (counted.reply_due, counted.reply_met, counted.overdue) == (4, 3, 1)
    event = Event.objects.get(ticket=ticket, action="closed_unsatisfied")
    assert event.before == {"reply": {"due": due.isoformat(), "missed": True}}
    assert event.after == {"round": 4, "reply": None}
    # Nothing is left for the sweep to record twice.
    assert run_sweep(now=closing + dt.timedelta(minutes=5)).overdue == 0
    assert Breach.objects.filter(ticket=ticket).count() == 1


def test_closing_unsatisfied_before_a_deadline_passes_records_no_miss() -> None:
    """R7.2: a reply clock that had not yet passed when the Office closed ends without a breach, counted neither
    on time nor missed; the history names the ended deadline, not missed."""
    ticket = _reopened_three_times()
    closing = at(2026, 3, 16, 10)
    step(
        closing,
        services.ticket_close_unsatisfied,
        actor=user("dispatcher"),
        ticket=ticket,
        reason="三轮不满意。",
    )
    ended = _round_four_reply(ticket)
    assert (ended.met_at, ended.on_time, ended.breached_at) == (closing, None, None)
    assert not Breach.objects.filter(ticket=ticket).exists()
    assert fresh(ticket).overdue_count == 0
    event = Event.objects.get(ticket=ticket, action="closed_unsatisfied")
    assert event.before == {"reply": {"due": at(2026, 3, 17).isoformat(), "missed": False}}


def test_closing_unsatisfied_keeps_an_owed_report_back_on_the_offices_list(settings) -> None:
    """R2.6 / R7.2: the reply to a 12345 referral is approved on Tuesday 15:00 and never reported back to the
    hotline; the requester is dissatisfied and the Office (after the configured one round) closes the ticket
    unsatisfied. The report back is still owed to the source: its clock stays open, the referral stays on the
    "report back missing" list, the sweep records its miss, and recording the report takes it off the list."""
    settings.JIESU_RULES = {"MAX_ROUNDS_BEFORE_CLOSE": 1}
    ticket = handled(referral(), START + dt.timedelta(minutes=30))
    answered(ticket, at(2026, 3, 10, 14))
    office = user("dispatcher")
    assert [t.number for t in selectors.report_back_missing(office)] == [ticket.number]
    followup_call(ticket, at(2026, 3, 11, 9), "dissatisfied")
    step(
        at(2026, 3, 11, 10), services.ticket_close_unsatisfied, actor=office, ticket=ticket, reason="不满意。"
    )

    assert fresh(ticket).status == Status.CLOSED_UNSATISFIED
    report = Clock.objects.get(ticket=ticket, kind=ClockKind.REPORT_BACK)
    assert (report.due_at, report.met_at) == (at(2026, 3, 11), None)
    assert [t.number for t in selectors.report_back_missing(office)] == [ticket.number]
    assert run_sweep(now=at(2026, 3, 11, 10, 5)).overdue == 1
    assert Breach.objects.get(ticket=ticket).clock == report

    told = at(2026, 3, 11, 15)
    step(
        told,
        services.referral_report_back,
        actor=user("officer"),
        ticket=ticket,
        text="已书面向12345热线反馈：经三方协调暂无法解决，已向诉求人解释。",
    )
    report.refresh_from_db()
    assert (report.met_at, report.on_time) == (told, False)
    assert list(selectors.report_back_missing(office)) == []
