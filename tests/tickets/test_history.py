"""History (R10.4) and after-commit events: every change writes exactly one Event in its own transaction,
history rows are never changed, and a rolled-back change leaves no Event and publishes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from jiesu.tickets import services
from jiesu.tickets.models import Event, Ticket
from jiesu.tickets.services import TicketEvent, base
from jiesu.tickets.states import Status
from tests.support import beijing, drive, today, unit, user, web_request


@pytest.fixture
def published() -> Iterator[list[TicketEvent]]:
    """Every TicketEvent listeners receive during the test."""
    received: list[TicketEvent] = []
    listener = services.subscribe(received.append)
    yield received
    services.unsubscribe(listener)


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_each_step_writes_exactly_one_event(demo_org: None) -> None:
    """R10.4: through the whole lifecycle, each service call appends one Event with its actor and, for a state
    change, the state before → after."""
    ticket = web_request()
    steps: list[tuple[str, Callable[[], Any], str, str]] = [
        (
            "dispatcher",
            lambda: services.ticket_dispatch(
                actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics")
            ),
            "dispatch",
            "dispatched",
        ),
        (
            "officer",
            lambda: services.ticket_acknowledge(actor=user("officer"), ticket=ticket),
            "acknowledge",
            "handling",
        ),
        (
            "officer",
            lambda: services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department"),
            "set_level",
            "",
        ),
        (
            "officer",
            lambda: services.initial_reply_send(
                actor=user("officer"),
                ticket=ticket,
                body="正在研究",
                planned_date=today() + dt.timedelta(days=5),
            ),
            "initial_reply",
            "",
        ),
        (
            "officer",
            lambda: services.planned_date_move(
                actor=user("officer"),
                ticket=ticket,
                reason="配件未到",
                planned_date=today() + dt.timedelta(days=8),
            ),
            "move_planned_date",
            "",
        ),
        (
            "officer",
            lambda: services.reply_submit(actor=user("officer"), ticket=ticket, body="已修好"),
            "submit_reply",
            "pending_approval",
        ),
        (
            "head",
            lambda: services.reply_return(actor=user("head"), ticket=ticket, comment="请写明时间"),
            "return_reply",
            "handling",
        ),
        (
            "officer",
            lambda: services.reply_submit(actor=user("officer"), ticket=ticket, body="今天下午已修好"),
            "submit_reply",
            "pending_approval",
        ),
        (
            "head",
            lambda: services.reply_approve(actor=user("head"), ticket=ticket, comment="同意"),
            "approve_reply",
            "replied",
        ),
    ]
    for username, call, action, to_status in steps:
        status_before = Ticket.objects.get(pk=ticket.pk).status
        count = Event.objects.filter(ticket=ticket).count()
        call()
        events = list(Event.objects.filter(ticket=ticket).order_by("id"))[count:]
        assert len(events) == 1, action
        event = events[0]
        assert (event.action, event.actor) == (action, user(username)), action
        if to_status:
            assert (event.from_status, event.to_status) == (status_before, to_status), action
            assert Ticket.objects.get(pk=ticket.pk).status == to_status
        else:
            assert Ticket.objects.get(pk=ticket.pk).status == status_before, action
    assert Event.objects.get(ticket=ticket, action="approve_reply").reason == "同意"
    assert Event.objects.get(ticket=ticket, action="return_reply").reason == "请写明时间"


@pytest.mark.django_db
def test_history_rows_cannot_be_changed_or_deleted(demo_org: None) -> None:
    """R10.4: an Event refuses save() after creation and delete(); the ticket it belongs to cannot be deleted."""
    ticket = web_request()
    event = Event.objects.get(ticket=ticket)
    event.reason = "篡改"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert Event.objects.get(pk=event.pk).reason == ""
    with pytest.raises(ProtectedError):
        Ticket.objects.filter(pk=ticket.pk).delete()


@pytest.mark.django_db
def test_history_rows_cannot_be_changed_in_bulk(demo_org: None) -> None:
    """R10.4: bulk updates and deletes of history are refused too."""
    web_request()
    with pytest.raises(RuntimeError):
        Event.objects.update(reason="篡改")
    with pytest.raises(RuntimeError):
        Event.objects.all().delete()


@pytest.mark.django_db
def test_a_failure_inside_the_service_leaves_no_event(
    demo_org: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R10.4: the Event is written in the same transaction as the change: if the service fails after writing
    it, the state change and the Event are both gone."""
    ticket = drive(Status.NEW)
    events = Event.objects.count()

    def fail(*args: object) -> None:
        raise Boom

    monkeypatch.setattr(base, "save", fail)
    with pytest.raises(Boom):
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert Event.objects.count() == events
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


@pytest.mark.django_db
def test_rollback_publishes_nothing_commit_publishes_once(
    demo_org: None, published: list[TicketEvent], django_capture_on_commit_callbacks: Any
) -> None:
    """Conventions (after-commit side effects): a service call inside an outer transaction that rolls back
    leaves no Event and queues no event; the same call committed publishes exactly one."""
    ticket = drive(Status.NEW)
    events = Event.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
        assert Event.objects.count() == events + 1
        raise Boom
    assert callbacks == [] and published == []
    assert Event.objects.count() == events
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert len(callbacks) == 2  # the listeners' send, and the worker's wake-up for the outbox rows written
    assert [(e.name, e.ticket_id, e.actor_id) for e in published] == [
        ("dispatched", ticket.pk, user("dispatcher").pk)
    ]


@pytest.mark.django_db(transaction=True)
def test_real_commit_and_rollback_reach_listeners_only_on_commit(
    demo_org: None, published: list[TicketEvent]
) -> None:
    """With real transactions: the listener runs after a commit, never for a rolled-back change."""
    ticket = drive(Status.NEW)
    published.clear()  # the intake above committed and published "received"
    with pytest.raises(Boom), transaction.atomic():
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
        raise Boom
    assert published == []
    assert not Event.objects.filter(ticket=ticket, action="dispatch").exists()
    with transaction.atomic():
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
        assert published == [], "not before the outer transaction commits"
    assert [e.name for e in published] == ["dispatched"]


@pytest.mark.django_db
def test_intake_publishes_the_tracking_code_once(
    demo_org: None, published: list[TicketEvent], django_capture_on_commit_callbacks: Any
) -> None:
    """The requester's secret code leaves the service only through the committed 'received' event."""
    with django_capture_on_commit_callbacks(execute=True):
        created = services.ticket_create(
            actor=user("student"),
            channel="web",
            type="help",
            campus=beijing(),
            content="暖气不热",
            requester=user("student"),
        )
    assert [(e.name, e.data) for e in published] == [("received", {"tracking_code": created.tracking_code})]
