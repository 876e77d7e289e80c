"""Issue 12 "Rule fidelity", items 1–4: missed deadlines stay missed (R4.9), extensions do not launder
lateness (R4.2), the unit's clocks start at 受理 (R4.0, R4.1), and a calendar change recomputes every open
deadline in one set-based pass (R5.3). Each test lives the scenario through the services with a frozen clock."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiesu.ledger.export import EXPORT_FIELDS, export_queryset
from jiesu.tickets import selectors, services
from jiesu.tickets.models import Breach, Clock, Event, Ticket
from jiesu.tickets.recompute import recompute_open_deadlines
from jiesu.workcalendar.importing import parse_calendar_csv
from jiesu.workcalendar.services import calendar_import
from jiesu.worker.sweep import run_sweep
from tests.support import at, beijing, signed_in, unit, user, web_request
from tests.tickets.test_rule_fidelity_support import hotline_call, overdue_count

BODY = "已安排维修师傅上门检修。"


@pytest.fixture
def clock(time_machine: Any, demo_org: None) -> Any:
    """Freeze time at an instant and move it on: ``clock(at(...))`` (starts Tuesday 10 March 2026, 09:00)."""

    def move(instant: dt.datetime) -> None:
        time_machine.move_to(instant, tick=False)

    move(at(2026, 3, 10, 9))
    return move


def live(ticket: Ticket, kind: str) -> Clock:
    return Clock.objects.get(ticket=ticket, kind=kind, superseded_at__isnull=True)


# --- 1. A missed deadline is never erased (R4.9) ----------------------------------------------------------


@pytest.mark.django_db
def test_missed_deadline_is_never_erased_by_a_level_change(clock: Any) -> None:
    """R4.9: a hotline ticket acknowledged without a level runs the direct reply clock (due 12 March 00:00).
    The sweep records its breach; the unit then sets the level to school. The missed clock ends superseded,
    still breached and counted; the school-level initial reply clock runs from 受理; the history shows both."""
    ticket = hotline_call()
    default = live(ticket, "reply")
    assert default.due_at == at(2026, 3, 12)

    clock(at(2026, 3, 12, 0, 5))
    assert run_sweep(now=at(2026, 3, 12, 0, 5)).overdue == 1
    clock(at(2026, 3, 12, 10))
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school")

    default.refresh_from_db()
    assert default.superseded_at == at(2026, 3, 12, 10)
    assert default.breached_at is not None and default.met_at is None
    assert Breach.objects.filter(clock=default).count() == 1
    assert overdue_count(ticket) == 1
    initial = live(ticket, "initial_reply")
    assert (initial.started_at, initial.due_at) == (at(2026, 3, 10, 9), at(2026, 3, 14))
    assert not Clock.objects.filter(ticket=ticket, kind="reply", superseded_at__isnull=True).exists()
    change = Event.objects.get(ticket=ticket, action="set_level")
    assert change.before == {"level": "", "reply": {"due": at(2026, 3, 12).isoformat(), "missed": True}}
    assert change.after == {"level": "school", "reply": None}
    # Not open any more: neither the sweep, the worklists' next deadline nor the ticket page's badges use it.
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.next_clock, row.next_due_at) == ("initial_reply", at(2026, 3, 14))
    assert run_sweep(now=at(2026, 3, 12, 10, 5)).overdue == 0
    assert ticket.pk not in selectors.pending_clocks([ticket.pk]) or (
        selectors.pending_clocks([ticket.pk])[ticket.pk].kind == "initial_reply"
    )


@pytest.mark.django_db
def test_missed_deadline_not_yet_swept_is_recorded_when_superseded(clock: Any) -> None:
    """R4.9: a clock that passed before the sweep saw it still ends breached and counted when a level change
    replaces it; an unpassed clock that is replaced ends superseded without a breach."""
    ticket = hotline_call()
    clock(at(2026, 3, 12, 10))  # the direct reply clock passed at 00:00; no sweep ran
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department")
    missed = Clock.objects.get(ticket=ticket, kind="reply")
    assert missed.superseded_at is not None and missed.breached_at == at(2026, 3, 12, 10)
    assert Breach.objects.get(clock=missed).due_at == at(2026, 3, 12)
    assert overdue_count(ticket) == 1

    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school", reason="需学校研究")
    first, second = Clock.objects.filter(ticket=ticket, kind="initial_reply").order_by("id")
    assert first.superseded_at == at(2026, 3, 12, 10) and first.breached_at is None
    assert (first.due_at, second.due_at, second.superseded_at) == (at(2026, 3, 13), at(2026, 3, 14), None)
    assert overdue_count(ticket) == 1, "replacing an unpassed deadline counts nothing"


@pytest.mark.django_db
def test_a_met_deadline_keeps_its_result_after_a_level_change(clock: Any) -> None:
    """R4.8 / R4.9: an initial reply sent late for department level stays late when the level becomes school."""
    ticket = web_request()
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department")
    clock(at(2026, 3, 13, 10))
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="正在研究。", planned_date=dt.date(2026, 3, 20)
    )
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school", reason="需学校研究")
    initial = live(ticket, "initial_reply")
    assert (initial.due_at, initial.on_time) == (at(2026, 3, 13), False)
    assert overdue_count(ticket) == 1


# --- 2. Extensions do not launder lateness (R4.2) ----------------------------------------------------------


def _department_ticket_planned_for_march_10(clock: Any) -> Ticket:
    clock(at(2026, 3, 2, 9))  # Monday
    ticket = hotline_call()
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department")
    clock(at(2026, 3, 3, 10))
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="正在研究。", planned_date=dt.date(2026, 3, 10)
    )
    return ticket


@pytest.mark.django_db
def test_a_planned_date_moved_after_it_passed_leaves_the_reply_late(clock: Any) -> None:
    """R4.2: the planned date 10 March passes and is breached; on 12 March the unit records 13 March as a new
    commitment. The missed clock stays breached and counted; the reply sent on 13 March is late anyway."""
    ticket = _department_ticket_planned_for_march_10(clock)
    clock(at(2026, 3, 11, 0, 5))
    run_sweep(now=at(2026, 3, 11, 0, 5))
    clock(at(2026, 3, 12, 10))
    services.planned_date_move(
        actor=user("officer"), ticket=ticket, planned_date=dt.date(2026, 3, 13), reason="设备到货延迟"
    )
    missed = Clock.objects.get(ticket=ticket, kind="reply", superseded_at=at(2026, 3, 12, 10))
    assert (missed.due_at, missed.breached_at is not None) == (at(2026, 3, 11), True)
    assert Breach.objects.filter(clock=missed).exists()
    new = live(ticket, "reply")
    assert (new.due_at, new.carries_miss) == (at(2026, 3, 14), True)
    assert overdue_count(ticket) == 1

    clock(at(2026, 3, 13, 10))
    services.reply_submit(actor=user("officer"), ticket=ticket, body=BODY)
    services.reply_approve(actor=user("head"), ticket=ticket)
    new.refresh_from_db()
    assert (new.met_at, new.on_time) == (at(2026, 3, 13, 10), False), "late whatever is recorded afterwards"
    assert overdue_count(ticket) == 1, "one missed date, counted once"
    row = dict(zip(EXPORT_FIELDS, export_queryset(Ticket.objects.filter(pk=ticket.pk)).get(), strict=True))
    assert row["reply_on_time"] is False, "the ledger's reply-on-time column says late"
    moved = Event.objects.get(ticket=ticket, action="move_planned_date")
    assert moved.before == {
        "planned_date": "2026-03-10",
        "reply": {"due": at(2026, 3, 11).isoformat(), "missed": True},
    }
    assert moved.after == {"planned_date": "2026-03-13", "reply": at(2026, 3, 14).isoformat()}


@pytest.mark.django_db
def test_a_planned_date_moved_before_it_passes_counts_the_new_date(clock: Any) -> None:
    """R4.2 延期: moved before it passed, with a reason, the new date is the deadline: a reply by it is on time
    (the replaced clock ends superseded, not missed)."""
    ticket = _department_ticket_planned_for_march_10(clock)
    clock(at(2026, 3, 9, 10))
    services.planned_date_move(
        actor=user("officer"), ticket=ticket, planned_date=dt.date(2026, 3, 13), reason="设备到货延迟"
    )
    old = Clock.objects.get(ticket=ticket, kind="reply", superseded_at=at(2026, 3, 9, 10))
    assert (old.due_at, old.breached_at) == (at(2026, 3, 11), None)
    clock(at(2026, 3, 13, 10))
    services.reply_submit(actor=user("officer"), ticket=ticket, body=BODY)
    services.reply_approve(actor=user("head"), ticket=ticket)
    assert live(ticket, "reply").on_time is True
    assert overdue_count(ticket) == 0


@pytest.mark.django_db
def test_the_page_says_a_late_move_leaves_the_reply_late(clock: Any) -> None:
    """R4.2: moving a passed planned date on the ticket page says, in Chinese, that the reply stays late."""
    ticket = _department_ticket_planned_for_march_10(clock)
    clock(at(2026, 3, 12, 10))
    client = signed_in("officer")
    response = client.post(
        reverse("work:act", args=[ticket.number, "move_planned_date"]),
        {"planned_date": "2026-03-13", "reason": "设备到货延迟"},
        follow=True,
    )
    page = response.content.decode()
    assert "原计划答复日期已过" in page
    assert "已逾期（已被取代）" in page  # the missed clock's row in the deadlines table
    assert "2026-03-10 24:00 (已逾期)" in page  # the history row: the replaced deadline, before → after


# --- 3. The response clock starts when the unit has the ticket (R4.0, R4.1) -------------------------------


@pytest.mark.django_db
def test_response_clock_starts_at_dispatch_for_office_channels(clock: Any) -> None:
    """R4.0 / R4.1: a letter received at 14:00 is triaged and dispatched at 16:00, on time for the Office. The
    unit's response clock starts then (due 18:00): the sweep at 16:01 finds nothing missed."""
    clock(at(2026, 3, 10, 14))
    letter = services.ticket_create(
        actor=user("dispatcher"),
        channel="mailbox",
        type="opinion",
        campus=beijing(),
        content="食堂饭菜价格上涨，希望说明原因。",
        requester_name="王老师",
        contact_email="wang@example.edu.cn",
    ).ticket
    assert set(Clock.objects.filter(ticket=letter).values_list("kind", flat=True)) == {"mailbox"}
    clock(at(2026, 3, 10, 16))
    services.ticket_dispatch(actor=user("dispatcher"), ticket=letter, lead_unit=unit("logistics"))
    response = live(letter, "response")
    assert (response.started_at, response.due_at) == (at(2026, 3, 10, 16), at(2026, 3, 10, 18))
    assert Ticket.objects.get(pk=letter.pk).accepted_at == at(2026, 3, 10, 16)
    assert run_sweep(now=at(2026, 3, 10, 16, 1)).overdue == 0
    clock(at(2026, 3, 10, 17))
    services.ticket_acknowledge(actor=user("officer"), ticket=letter)
    assert live(letter, "response").on_time is True


@pytest.mark.django_db
def test_reply_clocks_count_from_the_first_dispatch_and_a_redispatch_moves_nothing(clock: Any) -> None:
    """R4.0 / R4.2: a web request received on Friday 13 March and dispatched on Monday 16 March at 09:00 has
    its direct reply due at the end of Tuesday 17 March; a re-dispatch on Monday does not restart anything."""
    clock(at(2026, 3, 13, 10))
    ticket = web_request()
    clock(at(2026, 3, 16, 9))
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    clock(at(2026, 3, 16, 9, 30))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    assert live(ticket, "reply").due_at == at(2026, 3, 18)
    request = services.redispatch_request(actor=user("officer"), ticket=ticket, reason="属图书馆职责")
    clock(at(2026, 3, 16, 11))
    services.redispatch_decide(
        actor=user("dispatcher"), request=request, approve=True, new_unit=unit("library")
    )
    assert Ticket.objects.get(pk=ticket.pk).accepted_at == at(2026, 3, 16, 9)
    assert live(ticket, "response").started_at == at(2026, 3, 16, 9)
    services.ticket_acknowledge(actor=user("library_officer"), ticket=ticket)
    services.ticket_set_level(actor=user("library_officer"), ticket=ticket, level="direct")
    reply = live(ticket, "reply")
    assert (reply.started_at, reply.due_at) == (at(2026, 3, 16, 9), at(2026, 3, 18))


@pytest.mark.django_db
def test_direct_channels_are_accepted_at_receipt(clock: Any) -> None:
    """R4.0: a hotline call is 受理 when received; its response clock runs from then."""
    ticket = hotline_call(received_at=at(2026, 3, 10, 8, 30))
    assert Ticket.objects.get(pk=ticket.pk).accepted_at == at(2026, 3, 10, 8, 30)
    assert live(ticket, "response").started_at == at(2026, 3, 10, 8, 30)


@pytest.mark.django_db
def test_accepted_at_is_filled_for_existing_tickets_from_their_first_dispatch(clock: Any) -> None:
    """R4.0 data migration: existing tickets get 受理 from their first dispatch in the history, direct channels
    from their receipt; tickets still awaiting dispatch have none."""
    dispatched = web_request()
    clock(at(2026, 3, 10, 9, 40))
    services.ticket_dispatch(actor=user("dispatcher"), ticket=dispatched, lead_unit=unit("logistics"))
    waiting = web_request()
    call = hotline_call(received_at=at(2026, 3, 10, 8))
    Ticket.objects.filter(pk__in=[dispatched.pk, waiting.pk, call.pk]).update(accepted_at=None)
    migration = importlib.import_module("jiesu.tickets.migrations.0007_clock_superseded_accepted_at")
    migration.fill_accepted_at(django_apps, None)
    got = dict(Ticket.objects.values_list("pk", "accepted_at"))
    assert got[dispatched.pk] == at(2026, 3, 10, 9, 40)
    assert got[waiting.pk] is None
    assert got[call.pk] == at(2026, 3, 10, 8)


# --- 4. A calendar change recomputes every open deadline (R5.3) -------------------------------------------

YEAR_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦调休\n"


@pytest.mark.django_db
def test_calendar_change_recomputes_deadlines_of_tickets_without_a_level(clock: Any) -> None:
    """R5.3: an acknowledged hotline call without a level, received on 31 December 2026, runs the direct reply
    clock on fallback data (provisional, 5 January 2027). Importing 2027 with 4 January as a holiday moves it to
    6 January: the old clock ends superseded, a new one runs, one history row says before → after."""
    clock(at(2026, 12, 31, 16))
    ticket = hotline_call()
    old = live(ticket, "reply")
    assert (old.due_at, old.provisional) == (at(2027, 1, 5), True)

    calendar_import(rows=parse_calendar_csv(YEAR_2027), actor=None, filename="2027.csv")

    old.refresh_from_db()
    assert old.superseded_at == at(2026, 12, 31, 16)
    new = live(ticket, "reply")
    assert (new.started_at, new.due_at, new.provisional) == (at(2026, 12, 31, 16), at(2027, 1, 6), False)
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.next_clock, row.next_due_at) == ("reply", at(2027, 1, 6))
    event = Event.objects.get(ticket=ticket, action="recompute_deadlines")
    assert "2027-01-05" in event.before["reply"] and "2027-01-06" in event.after["reply"]


@pytest.mark.django_db
def test_calendar_change_keeps_a_passed_deadline_missed(clock: Any) -> None:
    """R4.9 / R5.3: a deadline that already passed and is recomputed by a calendar change stays missed: its
    breach is recorded and counted; the new clock's meeting cannot make the reply on time."""
    ticket = hotline_call()  # direct reply due 12 March 00:00
    clock(at(2026, 3, 12, 9))
    calendar_import(
        rows=parse_calendar_csv("date,kind,name\n2026-03-11,holiday,停课\n"), actor=None, filename="x"
    )
    missed = Clock.objects.get(ticket=ticket, kind="reply", superseded_at__isnull=False)
    assert Breach.objects.filter(clock=missed).exists()
    new = live(ticket, "reply")
    assert (new.due_at, new.carries_miss) == (at(2026, 3, 13), True)
    assert overdue_count(ticket) == 1


@pytest.mark.django_db
def test_calendar_recompute_runs_a_constant_number_of_queries(clock: Any) -> None:
    """R5.3: one set-based pass — the same number of queries for 3 tickets as for 12."""

    clock(at(2026, 12, 31, 10))
    calendar_import(rows=parse_calendar_csv(YEAR_2027), actor=None, filename="2027.csv")

    def queries(n: int) -> int:
        for _ in range(n):
            hotline_call()
        # Stored deadlines that no longer agree with the calendar: every open one must be recomputed.
        live_replies = Clock.objects.filter(superseded_at__isnull=True, kind="reply")
        live_replies.update(due_at=at(2027, 2, 1))
        with CaptureQueriesContext(connection) as captured:
            changed = recompute_open_deadlines({2027})
        assert changed == live_replies.count() >= n
        return len(captured.captured_queries)

    assert queries(3) == queries(12)
