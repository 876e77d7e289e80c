"""R8.6 / R4.9: the assessment counts each deadline once, however often it was recomputed.

A recomputation (a planned date moved after it passed, R4.2; a level change; a calendar change, R5.3) ends the
old clock as superseded and starts a new one that carries the miss. That is one obligation, missed once: the
figures must agree with the ticket's overdue count and its recorded breaches, never count the late reply twice,
and never lose a miss whose clock was replaced by a clock of another kind. Lived through the services on a
frozen clock; read through ``AssessmentReport`` (the page, the API's /assessment and ``jiesu assess --json``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jiesu.reporting.weekly import Week, WeeklyReport
from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period
from jiesu.supervision.selectors import Counts, figure_tickets
from jiesu.tickets import services
from jiesu.tickets.models import Breach, Clock, Ticket
from jiesu.workcalendar.importing import parse_calendar_csv
from jiesu.workcalendar.services import calendar_import
from jiesu.worker.sweep import run_sweep
from tests.support import at, unit, user
from tests.tickets.test_rule_fidelity_support import hotline_call, overdue_count

pytestmark = pytest.mark.django_db
MARCH = Period.month(2026, 3)
BODY = "已安排维修师傅上门检修。"


@pytest.fixture
def clock(time_machine: Any, demo_org: None) -> Any:
    """Freeze time at an instant and move it on: ``clock(at(...))``."""

    def move(instant: dt.datetime) -> None:
        time_machine.move_to(instant, tick=False)

    return move


def reply(ticket: Ticket) -> None:
    services.reply_submit(actor=user("officer"), ticket=ticket, body=BODY)
    services.reply_approve(actor=user("head"), ticket=ticket)


def logistics() -> Counts:
    """后勤管理处's counts of March, taken now (before the follow-up falls due)."""
    rows = AssessmentReport(MARCH, as_of=timezone.now()).rows()
    (row,) = [r for r in rows if r.unit_id == unit("logistics").pk]
    return row.counts


def weekly_missed(week: str) -> list[tuple[str, str, dt.datetime, dt.datetime | None]]:
    """The weekly report's list of missed deadlines (R8.3) for the week the tickets were received."""
    figures = WeeklyReport(Week.parse(week), as_of=timezone.now()).figures()
    return [(r["number"], r["deadline"], r["due_at"], r["met_at"]) for r in figures.overdue.rows]


def test_a_planned_date_moved_after_it_passed_is_one_late_reply(clock: Any) -> None:
    """R4.2 / R4.9: a department-level call (Monday 2 March) promises its formal reply by 10 March; the date
    passes and the sweep records the breach; on 12 March the unit moves the date to 13 March and replies then.
    One formal reply fell due and it was late: reply_due 1, on time 0, one missed deadline — as the ticket's
    overdue count and its one breach say; the page, the API and ``jiesu assess --json`` read the same figure."""
    clock(at(2026, 3, 2, 9))
    ticket = hotline_call()
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department")
    clock(at(2026, 3, 3, 10))
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="正在研究。", planned_date=dt.date(2026, 3, 10)
    )
    clock(at(2026, 3, 11, 0, 5))
    assert run_sweep(now=at(2026, 3, 11, 0, 5)).overdue == 1
    clock(at(2026, 3, 12, 10))
    services.planned_date_move(
        actor=user("officer"), ticket=ticket, planned_date=dt.date(2026, 3, 13), reason="设备到货延迟"
    )
    clock(at(2026, 3, 13, 10))
    reply(ticket)
    replaced = Clock.objects.filter(ticket=ticket, kind="reply", superseded_at=at(2026, 3, 12, 10)).get()
    assert (
        replaced.breached_at is not None
        and Clock.objects.live().get(ticket=ticket, kind="reply").carries_miss
    )

    counts = logistics()
    assert (counts.reply_due, counts.reply_met, counts.overdue) == (1, 0, 1)
    assert counts.overdue == overdue_count(ticket) == Breach.objects.filter(ticket=ticket).count() == 1
    now = timezone.now()
    drill = figure_tickets(
        Ticket.objects.all(), MARCH, unit_id=unit("logistics").pk, figure="overdue", as_of=now
    )
    assert list(drill) == [Ticket.objects.get(pk=ticket.pk)]
    out = io.StringIO()
    call_command("assess", "--from", "2026-03-01", "--to", "2026-03-31", "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["ontime_rate"] == 0.0  # 0 of 1, not 0 of 2
    # The weekly report lists it once, at the planned date that was missed, met when the late reply went out.
    assert [(n, due, met) for n, _kind, due, met in weekly_missed("2026-W10")] == [
        (ticket.number, at(2026, 3, 11, 0, 0), at(2026, 3, 13, 10))
    ]


def test_a_calendar_change_after_the_deadline_passed_is_one_late_reply(clock: Any) -> None:
    """R5.3 / R4.9: a call on Tuesday 10 March runs the direct reply clock (due 12 March 00:00); on 12 March a
    calendar import makes 11 March a holiday, moving the deadline to 13 March after it had passed; the unit
    replies that morning. One formal reply fell due, late once."""
    clock(at(2026, 3, 10, 9))
    ticket = hotline_call()
    clock(at(2026, 3, 12, 9))
    calendar_import(
        rows=parse_calendar_csv("date,kind,name\n2026-03-11,holiday,停课\n"), actor=None, filename="x.csv"
    )
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    clock(at(2026, 3, 12, 10))
    reply(ticket)

    counts = logistics()
    assert (counts.reply_due, counts.reply_met, counts.overdue) == (1, 0, 1)
    assert counts.overdue == overdue_count(ticket) == Breach.objects.filter(ticket=ticket).count() == 1


def test_a_level_change_after_the_initial_reply_passed_is_one_late_initial_reply(clock: Any) -> None:
    """R4.2 / R4.9: a department-level call's initial reply is due 13 March 00:00; on 13 March the unit sets
    the level to school (due 14 March, carrying the miss) and sends the initial reply. One initial reply, late
    once: one missed deadline, as the overdue count and the breach say."""
    clock(at(2026, 3, 10, 9))
    ticket = hotline_call()
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department")
    clock(at(2026, 3, 13, 10))
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school", reason="需学校研究")
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="已提交校长办公会研究。", planned_date=dt.date(2026, 3, 27)
    )
    clock(at(2026, 3, 26, 10))
    reply(ticket)

    counts = logistics()
    assert (counts.reply_due, counts.reply_met, counts.overdue) == (1, 1, 1)
    assert counts.overdue == overdue_count(ticket) == Breach.objects.filter(ticket=ticket).count() == 1


def test_a_missed_reply_clock_replaced_by_an_initial_reply_clock_stays_one_miss(clock: Any) -> None:
    """R4.9: a call left without a level misses its default reply deadline (12 March 00:00); on 12 March the
    unit sets the level to school, which replaces the reply clock by an initial-reply clock (no reply clock
    carries the miss). The missed reply still counts once, beside the planned reply met on time."""
    clock(at(2026, 3, 10, 9))
    ticket = hotline_call()
    clock(at(2026, 3, 12, 10))
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school", reason="需学校研究")
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="已提交校长办公会研究。", planned_date=dt.date(2026, 3, 27)
    )
    clock(at(2026, 3, 26, 10))
    reply(ticket)

    counts = logistics()
    assert (counts.reply_due, counts.reply_met, counts.overdue) == (2, 1, 1)
    assert counts.overdue == overdue_count(ticket) == Breach.objects.filter(ticket=ticket).count() == 1
    # The weekly report lists the missed reply deadline, never met as such, although its clock was replaced.
    assert [(n, due, met) for n, _kind, due, met in weekly_missed("2026-W11")] == [
        (ticket.number, at(2026, 3, 12, 0, 0), None)
    ]
