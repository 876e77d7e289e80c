"""API intake in two steps (tickets/services/staging.py): accept (number and tracking code), then record.

The recorded ticket must be exactly what ``ticket_create`` writes — same fields, clocks from ``received_at``,
history, the requester's "received" message with the tracking code — and nothing may be lost or doubled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiesu.notify.models import Notification, Outbox
from jiesu.tickets import services
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Clock, Event, StagedIntake, Ticket, TicketSequence
from jiesu.tickets.permissions import get_ticket_for
from jiesu.tickets.services import base
from jiesu.tickets.states import Status
from tests.tickets.test_services_support import duty_call, unit, user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday, a working day


def _call(**extra: Any) -> dict[str, Any]:
    complaint = {"type": "complaint", "content": "南区食堂晚餐的菜里吃出了头发，窗口工作人员态度生硬。"}
    return duty_call(**complaint | extra)


def _facts(ticket: Ticket) -> dict[str, Any]:
    skip = {"id", "number", "tracking_code_hash", "created_at", "updated_at", "search_text"}
    row = {
        f.attname: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields if f.attname not in skip
    }
    clocks = list(
        Clock.objects.filter(ticket=ticket)
        .order_by("kind")
        .values_list("kind", "round", "started_at", "due_at", "soon_at", "met_at", "rule")
    )
    history = list(
        Event.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("action", "from_status", "to_status", "public")
    )
    return {"row": row, "clocks": clocks, "history": history}


@time_machine.travel(NOW, tick=False)
def test_accepted_then_recorded_is_what_direct_intake_writes(demo_org: None) -> None:
    accepted = services.ticket_accept(**_call())
    assert accepted.ticket.pk is None and accepted.ticket.status == Status.NEW
    assert not Ticket.objects.filter(number=accepted.ticket.number).exists()
    staged = StagedIntake.objects.get(number=accepted.ticket.number)
    assert staged.payload["tracking_code"] == accepted.tracking_code

    assert services.record_all() == 1
    recorded = Ticket.objects.get(number=accepted.ticket.number)
    assert not StagedIntake.objects.exists()  # R10.1: contact details and the plain code do not linger
    assert base.tracking_code_matches(recorded, accepted.tracking_code)

    direct = services.ticket_create(**_call()).ticket
    assert _facts(recorded) == _facts(Ticket.objects.get(pk=direct.pk))
    assert recorded.search_text == direct.search_text
    assert recorded.number < direct.number  # numbered when accepted (R1)


@time_machine.travel(NOW, tick=False)
def test_a_batch_of_the_same_minute_gets_each_tickets_own_clocks(demo_org: None) -> None:
    """R1.2, R4.1, R4.5, R4.7: tickets received in one minute share computed deadlines within a batch only where their
    rules agree — an urgent call, a mailbox letter, a hotline call led by its unit and a plain duty-room call,
    recorded together, each get the clocks direct intake gives them."""
    kinds = [
        {"urgent": True, "urgent_reason": "食物安全"},
        {"channel": "mailbox", "requester_name": "", "contact_phone": "", "anonymous": True},
        {"actor": user("officer"), "channel": "hotline", "receiving_unit": unit("logistics")},
        {},
    ]
    accepted = [services.ticket_accept(**_call(**extra)) for extra in kinds]
    assert services.record_all() == len(kinds)
    for created, extra in zip(accepted, kinds, strict=True):
        recorded = Ticket.objects.get(number=created.ticket.number)
        direct = services.ticket_create(**_call(**extra)).ticket
        assert _facts(recorded)["clocks"] == _facts(Ticket.objects.get(pk=direct.pk))["clocks"]
        assert (recorded.next_due_at, recorded.next_clock) == (direct.next_due_at, direct.next_clock)
    clock_kinds = [
        sorted(Clock.objects.filter(ticket__number=c.ticket.number).values_list("kind", flat=True))
        for c in accepted
    ]
    assert clock_kinds == [
        ["dispatch", "response"],
        ["mailbox", "response"],
        ["response"],
        ["dispatch", "response"],
    ]


@time_machine.travel(NOW, tick=False)
def test_the_requester_is_told_the_number_and_tracking_code_when_it_is_recorded(demo_org: None) -> None:
    accepted = services.ticket_accept(**_call())
    assert not Outbox.objects.exists()
    services.record_all()
    sms = Outbox.objects.get(event="received", channel="sms")
    assert sms.address == "13700002222"
    assert accepted.ticket.number in sms.body and accepted.tracking_code in sms.body


@time_machine.travel(NOW, tick=False)
def test_a_hotline_call_answered_on_the_call_keeps_its_acknowledgement_time(demo_org: None) -> None:
    """R4.1: acknowledged when accepted; recording later does not move the response clock's met instant."""
    accepted = services.ticket_accept(
        **_call(actor=user("officer"), channel="hotline", receiving_unit=unit("logistics"), acknowledge=True)
    )
    assert accepted.ticket.status == Status.HANDLING
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        services.record_all()
    ticket = Ticket.objects.get(number=accepted.ticket.number)
    assert ticket.status == Status.HANDLING and ticket.lead_unit == unit("logistics")
    response = Clock.objects.get(ticket=ticket, kind="response")
    assert response.met_at == NOW and response.on_time
    assert list(Event.objects.filter(ticket=ticket).values_list("action", flat=True)) == [
        "create",
        "acknowledge",
    ]


def test_accept_refuses_what_direct_intake_refuses_and_writes_nothing(demo_org: None) -> None:
    with pytest.raises(DomainError):
        services.ticket_accept(**_call(content="  "))
    with pytest.raises(NotAllowed):
        services.ticket_accept(**_call(actor=user("student")))
    assert not StagedIntake.objects.exists() and not TicketSequence.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_failed_accept_leaves_no_number_used(demo_org: None) -> None:
    """The number and the staged row are written together (one statement on PostgreSQL, one transaction on
    SQLite): when the row cannot be stored, the day's counter does not move."""
    taken = f"{timezone.localtime(NOW):%Y%m%d}-000001"
    StagedIntake.objects.create(number=taken, payload={}, accepted_at=NOW, error="kept for the test")
    with pytest.raises(IntegrityError):
        services.ticket_accept(**_call())
    assert not TicketSequence.objects.exists()


def test_reading_the_number_records_it_at_once(demo_org: None) -> None:
    """A client that reads back what it posted never sees a 404 — the lookup records it."""
    accepted = services.ticket_accept(**_call())
    ticket = get_ticket_for(user("dispatcher"), accepted.ticket.number)
    assert ticket.number == accepted.ticket.number and ticket.status == Status.NEW
    assert not StagedIntake.objects.exists()
    with pytest.raises(Http404):
        get_ticket_for(user("dispatcher"), "20260302-999999")


def test_a_request_that_cannot_be_recorded_keeps_its_error_and_the_others_are_recorded(
    demo_org: None, django_capture_on_commit_callbacks
) -> None:
    first = services.ticket_accept(**_call())
    bad = services.ticket_accept(**_call(content="第二条：宿舍热水器坏了"))
    third = services.ticket_accept(**_call(content="第三条：图书馆闭馆太早"))
    staged = StagedIntake.objects.get(number=bad.ticket.number)
    staged.payload["ticket"]["campus_id"] = 999_999  # a campus removed after accepting
    staged.save(update_fields=["payload"])
    assert services.record_all() == 2
    numbers = set(Ticket.objects.values_list("number", flat=True))
    assert numbers == {first.ticket.number, third.ticket.number}
    waiting = StagedIntake.objects.get()
    assert (waiting.attempts, waiting.error) == (1, "")  # tried again at the next wake-up or sweep
    assert services.record_all() == 0
    assert not Notification.objects.filter(event="intake_failed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.record_all() == 0
    failed = StagedIntake.objects.get()
    assert failed.attempts == 3 and failed.error == "campus no longer exist(s)"  # kept aside, named safely
    assert services.record_all() == 0
    told = Notification.objects.filter(event="intake_failed")
    assert {n.recipient.username for n in told} >= {"dispatcher", "duty"}
    assert all(bad.ticket.number in n.title for n in told)


def test_recording_a_batch_costs_the_same_statements_for_one_or_fifty(demo_org: None) -> None:
    """One statement per kind of row, whatever the batch size (the point of recording in batches)."""

    def statements(count: int) -> int:
        for i in range(count):  # 20: every kind of row still fits one statement under SQLite's 999 parameters
            services.ticket_accept(**_call(content=f"第{i}条：教学楼电梯故障"))
        with CaptureQueriesContext(connection) as captured:
            assert services.record_all() == count
        return len(captured.captured_queries)

    assert statements(1) == statements(20)


def test_accepted_requests_are_numbered_in_order_with_direct_ones(demo_org: None) -> None:
    a = services.ticket_accept(**_call()).ticket.number
    b = services.ticket_create(**_call()).ticket.number
    c = services.ticket_accept(**_call()).ticket.number
    assert a < b < c
    services.record_all()
    assert list(Ticket.objects.order_by("number").values_list("number", flat=True)) == [a, b, c]


def test_the_sweep_records_what_a_lost_wake_up_left(demo_org: None) -> None:
    from jiesu.worker import tasks

    accepted = services.ticket_accept(**_call())
    tasks.sweep.call_local()
    assert Ticket.objects.filter(number=accepted.ticket.number).exists()


def test_accepted_at_is_timezone_aware(demo_org: None) -> None:
    services.ticket_accept(**_call())
    assert timezone.is_aware(StagedIntake.objects.get().accepted_at)


def test_the_office_retries_a_failed_request_from_the_admin(demo_org: None, admin_client) -> None:
    """The admin lists what could not be recorded (no contacts shown) and retries it through the service."""
    accepted = services.ticket_accept(**_call())
    staged = StagedIntake.objects.get()
    campus = staged.payload["ticket"]["campus_id"]
    staged.payload["ticket"]["campus_id"] = 999_999
    staged.save(update_fields=["payload"])
    for _attempt in range(3):
        services.record_all()
    page = admin_client.get("/django-admin/tickets/stagedintake/")
    assert page.status_code == 200
    body = page.content.decode()
    assert accepted.ticket.number in body and "13700002222" not in body and accepted.tracking_code not in body

    staged.refresh_from_db()
    staged.payload["ticket"]["campus_id"] = campus  # the cause is fixed
    staged.save(update_fields=["payload"])
    response = admin_client.post(
        "/django-admin/tickets/stagedintake/",
        {"action": "retry", "_selected_action": [staged.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Ticket.objects.filter(number=accepted.ticket.number).exists()
    assert not StagedIntake.objects.exists()


def test_a_read_that_misses_while_the_worker_commits_still_finds_the_ticket(
    demo_org: None, monkeypatch
) -> None:
    """The lookup missed; by the time it asks about a staged row the worker has recorded it: it looks again."""
    from jiesu.tickets.services import staging

    accepted = services.ticket_accept(**_call())
    monkeypatch.setattr(staging, "record_if_staged", lambda number: services.record_all())
    assert get_ticket_for(user("dispatcher"), accepted.ticket.number).number == accepted.ticket.number


@time_machine.travel(NOW, tick=False)
def test_numbers_past_999999_in_a_day_keep_growing(demo_org: None) -> None:
    """R1: both intake paths number alike, six digits and more past 999,999 (no cut, no collision)."""
    day = timezone.localtime(NOW).date()
    TicketSequence.objects.create(day=day, last=999_998)
    accepted = [services.ticket_accept(**_call()).ticket.number for _ in range(2)]
    direct = services.ticket_create(**_call()).ticket.number
    assert accepted == [f"{day:%Y%m%d}-999999", f"{day:%Y%m%d}-1000000"]
    assert direct == f"{day:%Y%m%d}-1000001"


def test_a_referral_deadline_keeps_its_microseconds(demo_org: None) -> None:
    due = dt.datetime(2026, 3, 6, 9, 0, 0, 123456, tzinfo=dt.UTC)
    fields = _call(actor=user("dispatcher"), channel="referral", source_name="12345热线", source_due_at=due)
    number = services.ticket_accept(**fields).ticket.number
    services.record_all()
    assert Ticket.objects.get(number=number).source_due_at == due


def test_one_failing_request_does_not_stop_the_rest_of_the_backlog(demo_org: None, monkeypatch) -> None:
    from jiesu.tickets.services import staging

    monkeypatch.setattr(staging, "BATCH", 3)
    numbers = [
        services.ticket_accept(**_call(content=f"第{i}条：宿舍网络断线")).ticket.number for i in range(7)
    ]
    staged = StagedIntake.objects.get(number=numbers[0])
    staged.payload["ticket"]["campus_id"] = 999_999
    staged.save(update_fields=["payload"])
    assert services.record_all() == 6
    assert set(Ticket.objects.values_list("number", flat=True)) == set(numbers[1:])


def test_the_sweep_goes_on_when_recording_fails(demo_org: None, monkeypatch) -> None:
    from jiesu.worker import tasks

    swept: list[bool] = []

    def broken() -> int:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(tasks, "record_all", broken)
    monkeypatch.setattr(tasks, "run_sweep", lambda: swept.append(True))
    tasks.sweep.call_local()
    assert swept == [True]


def test_the_office_queue_records_what_the_worker_left_and_says_so(demo_org: None, client) -> None:
    """R4.5 (dispatched the day it arrives): without a worker, API requests still reach the dispatch queue a
    minute after they were accepted."""
    with time_machine.travel(NOW, tick=False):
        accepted = services.ticket_accept(**_call())
    client.force_login(user("dispatcher"))
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        page = client.get("/work/dispatch/")
        assert accepted.ticket.number not in page.content.decode()  # the worker has a minute
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        page = client.get("/work/dispatch/")
    body = page.content.decode()
    assert accepted.ticket.number in body and 'data-testid="intake-waiting"' not in body
    bad = services.ticket_accept(**_call())
    staged = StagedIntake.objects.get(number=bad.ticket.number)
    StagedIntake.objects.filter(pk=staged.pk).update(error="campus no longer exist(s)", attempts=3)
    body = client.get("/work/dispatch/").content.decode()
    assert 'data-testid="intake-failed"' in body
