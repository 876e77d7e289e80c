"""R5.3: importing a year's official arrangement recomputes every open deadline that depends on it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiesu.tickets import services
from jiesu.tickets.models import Breach, Clock, Event, Ticket
from jiesu.workcalendar.importing import parse_calendar_csv
from jiesu.workcalendar.services import calendar_import, override_set
from jiesu.worker.sweep import run_sweep
from tests.support import at, beijing, hotline_call, reply_and_approve, unit, user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_import_clears_provisional_and_moves_the_reply_deadline(handling_ticket) -> None:
    """A direct reply received on 2026-12-31 is due at the end of the next working day. 2027 is on fallback data
    (provisional, Mon 2027-01-04). Importing 2027 with Jan 4 as a holiday moves it to Jan 5 and clears provisional."""
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI), tick=False):
        ticket = handling_ticket("direct")
    clock = Clock.objects.get(ticket=ticket, kind="reply")
    assert clock.due_at == dt.datetime(2027, 1, 5, 0, 0, tzinfo=SHANGHAI)
    assert clock.provisional is True

    csv_text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦调休\n"
    calendar_import(rows=parse_calendar_csv(csv_text), actor=None, filename="2027.csv")

    clock.refresh_from_db()
    ticket.refresh_from_db()
    assert clock.superseded_at is not None, "R4.9: the old clock ends superseded, never rewritten"
    clock = Clock.objects.live().get(ticket=ticket, kind="reply")
    assert clock.due_at == dt.datetime(2027, 1, 6, 0, 0, tzinfo=SHANGHAI)
    assert clock.provisional is False
    assert ticket.next_due_at == clock.due_at or ticket.next_clock != "reply"
    event = Event.objects.get(ticket=ticket, action="recompute_deadlines")
    assert "2027-01-05" in event.before["reply"] and "2027-01-06" in event.after["reply"]


@pytest.fixture
def moment(time_machine: Any, demo_org: None) -> Any:
    """Freeze time at an instant and move it on: ``moment(at(...))``."""

    def move(instant: dt.datetime) -> None:
        time_machine.move_to(instant, tick=False)

    return move


def _live(ticket: Ticket, kind: str) -> Clock:
    return Clock.objects.get(ticket=ticket, kind=kind, superseded_at__isnull=True)


@pytest.mark.django_db
def test_calendar_change_moves_only_the_open_deadlines_it_touches(moment: Any) -> None:
    """R5.3 / R4.9: on Friday 13 March 2026 the Office makes Monday 16 March a non-working day. The deadlines
    running across that Monday move by one working day (a call without a level, a department-level initial
    reply); a deadline before it and a reply already met stay as they were, with no history row."""
    moment(at(2026, 3, 10, 9))
    early = hotline_call(acknowledge=True)  # direct reply due at the end of Wednesday 11 March
    early_clock = _live(early, "reply")
    moment(at(2026, 3, 13, 10))
    no_level = hotline_call(acknowledge=True)  # due at the end of Monday 16 March
    department = hotline_call(acknowledge=True)
    services.ticket_set_level(actor=user("officer"), ticket=department, level="department")
    answered = hotline_call(acknowledge=True)
    services.ticket_set_level(actor=user("officer"), ticket=answered, level="direct")
    reply_and_approve(answered)
    met = Clock.objects.get(ticket=answered, kind="reply")
    assert (_live(no_level, "reply").due_at, _live(department, "initial_reply").due_at) == (
        at(2026, 3, 17),
        at(2026, 3, 18),
    )

    moment(at(2026, 3, 13, 11))
    override_set(date=dt.date(2026, 3, 16), working=False, note="校庆停课", actor=user("admin"))

    # Moved: the old clock ends superseded (never rewritten), a new one runs from the same 受理 instant.
    for ticket, kind, before, after in (
        (no_level, "reply", "2026-03-17", at(2026, 3, 18)),
        (department, "initial_reply", "2026-03-18", at(2026, 3, 19)),
    ):
        old = Clock.objects.get(ticket=ticket, kind=kind, superseded_at__isnull=False)
        assert old.superseded_at == at(2026, 3, 13, 11) and old.breached_at is None
        new = _live(ticket, kind)
        assert (new.started_at, new.due_at, new.carries_miss) == (old.started_at, after, False)
        assert Ticket.objects.get(pk=ticket.pk).next_due_at == after
        event = Event.objects.get(ticket=ticket, action="recompute_deadlines")
        assert before in event.before[kind] and after.date().isoformat() in event.after[kind]
    # Not moved: the same clock row, untouched, and nothing in the history.
    assert _live(early, "reply").pk == early_clock.pk
    assert _live(early, "reply").due_at == at(2026, 3, 12)
    met.refresh_from_db()
    assert (met.superseded_at, met.on_time) == (None, True)
    assert Clock.objects.filter(ticket=answered, superseded_at__isnull=False).count() == 0
    assert not Event.objects.filter(ticket__in=[early, answered], action="recompute_deadlines").exists()
    assert Breach.objects.count() == 0


@pytest.mark.django_db
def test_calendar_change_keeps_a_breach_the_sweep_recorded(moment: Any) -> None:
    """R4.9 / R5.3: a call without a level is due at the end of Wednesday 11 March; the sweep records the
    breach at 00:05. When the Office then makes 11 March a non-working day, the missed clock ends superseded
    with its breach kept and counted once, and the reply under the new deadline still counts as late."""
    moment(at(2026, 3, 10, 9))
    ticket = hotline_call(acknowledge=True)
    missed = _live(ticket, "reply")
    moment(at(2026, 3, 12, 0, 5))
    assert run_sweep(now=at(2026, 3, 12, 0, 5)).overdue == 1
    moment(at(2026, 3, 12, 9))
    override_set(date=dt.date(2026, 3, 11), working=False, note="停电停课", actor=user("admin"))

    missed.refresh_from_db()
    assert (missed.breached_at, missed.superseded_at) == (at(2026, 3, 12, 0, 5), at(2026, 3, 12, 9))
    breach = Breach.objects.get(ticket=ticket)
    assert (breach.clock_id, breach.due_at, breach.recorded_at) == (
        missed.pk,
        at(2026, 3, 12),
        at(2026, 3, 12, 0, 5),
    )
    new = _live(ticket, "reply")
    assert (new.due_at, new.carries_miss) == (at(2026, 3, 13), True)
    assert Ticket.objects.get(pk=ticket.pk).overdue_count == 1
    event = Event.objects.get(ticket=ticket, action="recompute_deadlines")
    assert "2026-03-12" in event.before["reply"] and "2026-03-13" in event.after["reply"]

    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")  # same deadline
    reply_and_approve(ticket)  # before the new deadline, yet late: the first one was missed
    new.refresh_from_db()
    assert new.met_at == at(2026, 3, 12, 9) and new.on_time is False
    assert Ticket.objects.get(pk=ticket.pk).overdue_count == 1
    assert Breach.objects.filter(ticket=ticket).count() == 1


@pytest.mark.django_db
def test_import_confirms_a_deadline_it_does_not_move_in_place(moment: Any) -> None:
    """R5.3 / R4.9: a call acknowledged on Thursday 31 December 2026 is due at the end of Monday 4 January 2027,
    provisional while 2027 rests on fallback data. The official arrangement keeps 4 January a working day: the
    deadline stands, so the same clock is confirmed in place (no longer provisional), nothing is superseded,
    the ticket row is not rewritten and its history stays quiet — yet the deadline counts as recomputed."""
    moment(at(2026, 12, 31, 16))
    ticket = hotline_call(acknowledge=True)
    clock = _live(ticket, "reply")
    assert (clock.due_at, clock.provisional) == (at(2027, 1, 5), True)
    stored = Ticket.objects.get(pk=ticket.pk)

    moment(at(2027, 1, 2, 10))
    record = calendar_import(
        rows=parse_calendar_csv("date,kind,name\n2027-01-01,holiday,元旦\n"), actor=None, filename="2027.csv"
    )

    assert record.recomputed == 1
    confirmed = _live(ticket, "reply")
    assert confirmed.pk == clock.pk
    assert (confirmed.due_at, confirmed.provisional, confirmed.rule) == (at(2027, 1, 5), False, clock.rule)
    assert not Clock.objects.filter(ticket=ticket, superseded_at__isnull=False).exists()
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.next_due_at, row.next_clock, row.updated_at) == (
        stored.next_due_at,
        stored.next_clock,
        stored.updated_at,
    )
    assert not Event.objects.filter(ticket=ticket, action="recompute_deadlines").exists()


@pytest.mark.django_db
def test_a_moved_deadline_that_is_not_the_nearest_leaves_the_ticket_row_alone(moment: Any) -> None:
    """R4.8 / R5.3: a 12345 referral recorded at 9:00 on Friday 13 March 2026 must be answered to the source by
    18:00 that day (R2.6); dispatched and acknowledged as direct, its reply clock runs to the end of Monday 16
    March. When the Office makes Monday a non-working day, the reply clock moves (superseded, restarted, one
    history row) but the ticket's nearest deadline — the source's — is unchanged: the row is not rewritten."""
    moment(at(2026, 3, 13, 9))
    ticket = services.ticket_create(
        actor=user("dispatcher"),
        channel="referral",
        type="complaint",
        campus=beijing(),
        content="市民反映：学校东门外夜间施工噪音扰民，请核实处理。",
        requester_name="赵女士",
        contact_phone="13700003333",
        source_name="12345市民服务热线",
        source_reference="BJ12345-20260313-0042",
        source_due_at=at(2026, 3, 13, 18),
    ).ticket
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.next_clock, stored.next_due_at) == ("source", at(2026, 3, 13, 18))
    assert _live(ticket, "reply").due_at == at(2026, 3, 17)

    moment(at(2026, 3, 13, 10, 30))
    override_set(date=dt.date(2026, 3, 16), working=False, note="校庆停课", actor=user("admin"))

    assert _live(ticket, "reply").due_at == at(2026, 3, 18)
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.next_due_at, row.next_clock, row.updated_at) == (
        stored.next_due_at,
        "source",
        stored.updated_at,
    )
    event = Event.objects.get(ticket=ticket, action="recompute_deadlines")
    assert "2026-03-17" in event.before["reply"] and "2026-03-18" in event.after["reply"]
