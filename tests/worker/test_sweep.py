"""The minute sweep (issue 5 §4, R4.4, R4.6, R4.8): each breach recorded once, each due-soon clock told once,
notifications queued in the same transaction, the Office told once per sweep, one digest per head per day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from jiesu.notify.models import Notification, Outbox
from jiesu.tickets.models import Breach, Clock, ClockKind, CohandlingRequest
from jiesu.tickets.states import Status
from jiesu.worker.models import Digest
from jiesu.worker.sweep import run_sweep
from tests.support import at, drive, web_request

pytestmark = pytest.mark.django_db

# Tuesday 2026-11-24, a working day; the tests freeze the clock at 09:00 to create tickets.
START = at(2026, 11, 24, 9, 0)


@pytest.fixture
def dispatched(demo_org: None):
    with time_machine.travel(START, tick=False):
        return drive(Status.DISPATCHED)


def _events(event: str) -> list[tuple[str, int | None]]:
    return sorted(
        Notification.objects.filter(event=event).values_list("recipient__username", "ticket_id")  # type: ignore[arg-type]
    )


def test_a_missed_response_clock_is_recorded_once_and_told_to_the_lead_unit(dispatched) -> None:
    """R4.1/R4.8: two hours after dispatch the response clock breaches: one Breach row, one "overdue"
    notification per lead-unit member, and a second sweep adds nothing."""
    response = Clock.objects.get(ticket=dispatched, kind=ClockKind.RESPONSE)
    later = response.due_at + dt.timedelta(minutes=1)
    first = run_sweep(now=later)
    assert first.overdue == 1
    breach = Breach.objects.get(ticket=dispatched)
    assert (breach.clock_id, breach.kind, breach.due_at, breach.recorded_at) == (
        response.pk,
        ClockKind.RESPONSE,
        response.due_at,
        later,
    )
    told = [name for name, ticket_id in _events("overdue") if ticket_id == dispatched.pk]
    assert {"head", "officer"} <= set(told)
    assert "library_officer" not in told
    assert len(told) == len(set(told))
    again = run_sweep(now=later + dt.timedelta(minutes=5))
    assert again.overdue == 0
    assert Breach.objects.count() == 1
    assert Notification.objects.filter(event="overdue", ticket=dispatched).count() == len(told)


def test_the_office_hears_of_new_breaches_once_per_sweep(demo_org: None) -> None:
    """R4.8: three tickets breach in one sweep; each dispatcher gets one summary, not three."""
    with time_machine.travel(START, tick=False):
        tickets = [drive(Status.DISPATCHED) for _ in range(3)]
    due = max(
        Clock.objects.filter(ticket__in=tickets, kind=ClockKind.RESPONSE).values_list("due_at", flat=True)
    )
    result = run_sweep(now=due + dt.timedelta(minutes=1))
    assert result.overdue >= 3
    summaries = Notification.objects.filter(event="overdue_summary")
    assert summaries.filter(recipient__username="dispatcher").count() == 1


def test_a_clock_entering_its_due_soon_window_is_told_once(dispatched) -> None:
    """R4.8: under 25 % of the window or 2 h left → "due soon", once; a later breach is a separate alert."""
    response = Clock.objects.get(ticket=dispatched, kind=ClockKind.RESPONSE)
    soon = response.soon_at + dt.timedelta(seconds=1)
    assert soon < response.due_at
    result = run_sweep(now=soon)
    assert result.due_soon >= 1
    assert Clock.objects.get(pk=response.pk).soon_notified_at == soon
    count = Notification.objects.filter(event="due_soon", ticket=dispatched).count()
    assert count >= 1
    run_sweep(now=soon + dt.timedelta(seconds=30))
    assert Notification.objects.filter(event="due_soon", ticket=dispatched).count() == count


def test_a_clock_already_overdue_is_not_also_called_due_soon(dispatched) -> None:
    """A clock swept only after its due instant gets the overdue alert, not a late "due soon"."""
    response = Clock.objects.get(ticket=dispatched, kind=ClockKind.RESPONSE)
    run_sweep(now=response.due_at + dt.timedelta(hours=1))
    assert not Notification.objects.filter(event="due_soon", ticket=dispatched).exists()
    assert Notification.objects.filter(event="overdue", ticket=dispatched).exists()


def test_a_follow_up_coming_due_reminds_the_lead_unit(demo_org: None) -> None:
    """R4.6: the 48 h follow-up clock's due-soon alert is "followup_due"."""
    with time_machine.travel(START, tick=False):
        ticket = drive(Status.REPLIED)
    followup = Clock.objects.get(ticket=ticket, kind=ClockKind.FOLLOWUP, met_at__isnull=True)
    run_sweep(now=followup.soon_at + dt.timedelta(minutes=1))
    assert Notification.objects.filter(event="followup_due", ticket=ticket).exists()


def test_a_late_cohandling_answer_is_recorded_and_told_to_the_asked_unit(demo_org: None) -> None:
    """R4.4: the co-handling request's own working-day clock breaches; 图书馆 is told."""
    with time_machine.travel(START, tick=False):
        ticket = drive(Status.HANDLING)
    item = CohandlingRequest.objects.get(ticket=ticket)
    run_sweep(now=item.due_at + dt.timedelta(minutes=1))
    breach = Breach.objects.get(cohandling=item)
    assert breach.kind == "cohandling"
    assert breach.unit_id == item.unit_id
    told = {name for name, tid in _events("overdue") if tid == ticket.pk}
    assert "library_officer" in told


def test_closed_tickets_leave_no_breach(demo_org: None) -> None:
    """A clock left unmet on a closed ticket is marked swept without a breach or an alert."""
    with time_machine.travel(START, tick=False):
        ticket = drive(Status.DISPATCHED)
    Clock.objects.filter(ticket=ticket).update(due_at=START, soon_at=START)
    type(ticket).objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    result = run_sweep(now=START + dt.timedelta(hours=1))
    assert result.overdue == 0
    assert not Breach.objects.filter(ticket=ticket).exists()
    assert not Clock.objects.filter(ticket=ticket, met_at__isnull=True, breached_at__isnull=True).exists()


def test_a_failed_notification_write_rolls_the_batch_back(dispatched, monkeypatch) -> None:
    """No half-written state: when queuing the notifications fails, the breach is not recorded either, so
    the next sweep records and notifies it."""
    from jiesu.worker import sweep as worker_sweep

    response = Clock.objects.get(ticket=dispatched, kind=ClockKind.RESPONSE)
    later = response.due_at + dt.timedelta(minutes=1)

    def broken(alerts: object) -> int:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(worker_sweep, "notify_bulk", broken)
    with pytest.raises(RuntimeError):
        run_sweep(now=later)
    assert not Breach.objects.exists()
    assert Clock.objects.get(pk=response.pk).breached_at is None
    monkeypatch.undo()
    assert run_sweep(now=later).overdue == 1


def test_the_sweep_walks_batches_until_nothing_is_due(demo_org: None) -> None:
    """Several small batches record every breach exactly once."""
    with time_machine.travel(START, tick=False):
        tickets = [web_request() for _ in range(7)]
    later = START + dt.timedelta(days=3)
    result = run_sweep(now=later, batch=2)
    # Each Office ticket has a response and a dispatch clock (R4.1, R4.5).
    assert result.overdue == Clock.objects.filter(ticket__in=tickets).count()
    assert Breach.objects.count() == result.overdue
    assert not Clock.objects.filter(breached_at__isnull=True, met_at__isnull=True).exists()


def test_a_sweep_with_nothing_due_costs_a_few_queries(dispatched, django_assert_num_queries) -> None:
    """Cost follows newly due clocks, not open tickets: an idle sweep is one indexed read per kind of clock
    (each in its own transaction: here a savepoint and its release), plus one probe of the supervision orders
    due to escalate (R8.2), once today's digests are made, plus one read of the running sensitive periods
    (R8.4 zero reports), one read of the knowledge base's answers past their review date (R2.8), one of
    tomorrow's reception bookings to remind (R2.1), one of the symposium organizers to remind (R2.4), one of
    the root-cause measures past their due date (R9.2) and one of the special studies due for review (R9.3)."""
    run_sweep(now=START)  # nothing due at creation; makes today's digests
    run_sweep(now=START + dt.timedelta(seconds=10))  # learns that every head has today's digest
    with django_assert_num_queries(19):
        run_sweep(now=START + dt.timedelta(seconds=30))


@pytest.mark.parametrize(
    ("when", "made"),
    [
        (at(2026, 11, 24, 8, 30), True),  # Tuesday, after 08:00
        (at(2026, 11, 24, 7, 30), False),  # before 08:00
        (at(2026, 10, 3, 9, 0), False),  # National Day holiday
        (at(2026, 11, 28, 9, 0), False),  # Saturday
    ],
)
def test_unit_heads_get_one_digest_per_working_day(demo_org: None, when: dt.datetime, made: bool) -> None:
    """One digest per unit head per working day from 08:00 (Asia/Shanghai); never twice."""
    with time_machine.travel(START, tick=False):
        drive(Status.PENDING_APPROVAL)
    run_sweep(now=when)
    run_sweep(now=when + dt.timedelta(minutes=1))
    digests = Notification.objects.filter(event="digest", recipient__username="head")
    assert digests.count() == (1 if made else 0)
    if made:
        assert Digest.objects.filter(unit__code="logistics").count() == 1
        assert "1" in digests.get().body


def test_sweep_notifications_reach_the_outbox_for_email(dispatched) -> None:
    """The overdue alert to a person with an email address is queued for delivery in the same sweep."""
    response = Clock.objects.get(ticket=dispatched, kind=ClockKind.RESPONSE)
    run_sweep(now=response.due_at + dt.timedelta(minutes=1))
    assert Outbox.objects.filter(event="overdue", channel="email").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_record_each_breach_once(demo_org: None) -> None:
    """On PostgreSQL two workers sweeping at the same instant split the rows (SKIP LOCKED): every breach once,
    every overdue notification once."""
    from tests.tickets.test_concurrency import race

    with time_machine.travel(START, tick=False):
        tickets = [web_request() for _ in range(40)]
    later = START + dt.timedelta(days=3)
    results = race(2, lambda _i: run_sweep(now=later, batch=5))
    assert not [r for r in results if isinstance(r, Exception)], results
    clocks = Clock.objects.filter(ticket__in=tickets).count()
    assert Breach.objects.count() == clocks
    per_recipient = Notification.objects.filter(event="overdue").values_list(
        "recipient_id", "ticket_id", "body"
    )
    assert len(list(per_recipient)) == len(set(per_recipient))
    assert connection.vendor == "postgresql"


def test_the_offices_own_deadlines_alert_the_office(demo_org: None) -> None:
    """R4.5: a ticket awaiting dispatch has no lead unit; its dispatch clock coming due and missed is told to the
    Office's dispatchers, per ticket. It has no response clock yet: that is the unit's, from dispatch (R4.0)."""
    with time_machine.travel(START, tick=False):
        ticket = web_request()
    dispatch = Clock.objects.get(ticket=ticket, kind=ClockKind.DISPATCH)
    assert not Clock.objects.filter(ticket=ticket, kind=ClockKind.RESPONSE).exists()
    run_sweep(now=dispatch.soon_at + dt.timedelta(minutes=1))
    assert Notification.objects.filter(
        event="due_soon", ticket=ticket, recipient__username="dispatcher"
    ).exists()
    run_sweep(now=dispatch.due_at + dt.timedelta(minutes=1))
    told = Notification.objects.filter(event="overdue", ticket=ticket).values_list(
        "recipient__username", flat=True
    )
    assert list(told) == ["dispatcher"]  # the dispatch clock, once


def test_a_moved_deadline_is_reminded_again_but_a_breach_is_recorded_once(demo_org: None) -> None:
    """R4.2 + R4.8: after the planned reply date moves, the new deadline gets its own "due soon" reminder;
    a clock already breached is not breached (or told) twice."""
    from jiesu.tickets import services
    from tests.support import user

    with time_machine.travel(START, tick=False):
        ticket = drive(Status.HANDLING, level="department", cohandling=False)
    reply = Clock.objects.live().get(ticket=ticket, kind=ClockKind.REPLY)
    first = reply.soon_at + dt.timedelta(minutes=1)
    run_sweep(now=first)
    assert Notification.objects.filter(event="due_soon", ticket=ticket).count() == 2  # head and officer
    with time_machine.travel(first, tick=False):
        services.planned_date_move(
            actor=user("officer"),
            ticket=ticket,
            planned_date=reply.due_at.date() + dt.timedelta(days=7),
            reason="需等待配件到货。",
        )
    # R4.9: the moved deadline is a new clock; the old one ends superseded, unmissed.
    assert Clock.objects.get(pk=reply.pk).superseded_at is not None
    moved = Clock.objects.live().get(ticket=ticket, kind=ClockKind.REPLY)
    assert moved.soon_notified_at is None and moved.due_at > reply.due_at
    run_sweep(now=moved.soon_at + dt.timedelta(minutes=1))
    assert Notification.objects.filter(event="due_soon", ticket=ticket).count() == 4
    run_sweep(now=moved.due_at + dt.timedelta(minutes=1))
    assert Breach.objects.filter(clock=moved).count() == 1


def test_the_digest_time_is_a_setting(demo_org: None, settings) -> None:
    """``JIESU_RULES["DIGEST_TIME"]`` moves the heads' digest: none at 09:00 when set to 09:30, one at 09:45."""
    settings.JIESU_RULES = {"DIGEST_TIME": "09:30"}
    run_sweep(now=at(2026, 11, 24, 9, 0))
    assert not Notification.objects.filter(event="digest").exists()
    run_sweep(now=at(2026, 11, 24, 9, 45))
    assert Notification.objects.filter(event="digest", recipient__username="head").count() == 1
