"""Dispatch and re-dispatch (R3.2, R4.5): the Office assigns the lead unit; the lead unit may only ask, in
writing, to be relieved; the Office approves (clocks keep running from receipt) or rejects, and both count."""

from __future__ import annotations

from typing import Any

import pytest

from jiesu.tickets import selectors, services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Clock, Event, RedispatchRequest, Ticket
from jiesu.tickets.permissions import visible_tickets
from jiesu.tickets.states import Status
from tests.support import drive, snapshot, unit, user


def _ask(ticket: Ticket, reason: str = "应由保卫处负责门禁。") -> RedispatchRequest:
    return services.redispatch_request(
        actor=user("officer"), ticket=ticket, reason=reason, suggested_unit=unit("security")
    )


def _clock_rows(ticket: Ticket) -> list[dict[str, Any]]:
    return [dict(row) for row in Clock.objects.filter(ticket=ticket).order_by("kind").values()]


@pytest.mark.django_db
def test_dispatch_names_lead_and_cohandling_units(demo_org: None) -> None:
    """R4.5 / R3.3: the Office dispatches to a lead unit and may name co-handlers (the lead is never its own)."""
    ticket = drive(Status.NEW)
    services.ticket_dispatch(
        actor=user("dispatcher"),
        ticket=ticket,
        lead_unit=unit("logistics"),
        cohandling_units=[unit("logistics"), unit("security")],
        note="涉及门禁",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == unit("logistics")
    assert list(ticket.cohandling_units.values_list("unit__code", flat=True)) == ["security"]
    event = Event.objects.get(ticket=ticket, action="dispatch")
    assert (
        event.after == {"lead_unit": "后勤管理处", "cohandling_units": ["保卫处"]}
        and event.reason == "涉及门禁"
    )
    assert Clock.objects.get(ticket=ticket, kind="dispatch").met_at == event.at


@pytest.mark.django_db
def test_dispatch_to_an_inactive_unit_is_refused(demo_org: None) -> None:
    """A unit that no longer exists cannot lead a ticket."""
    ticket = drive(Status.NEW)
    closed_unit = unit("union")
    closed_unit.is_active = False
    closed_unit.save(update_fields=["is_active"])
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=closed_unit)
    assert refused.value.field == "lead_unit"
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_redispatch_request_needs_a_reason_and_only_one_waits(demo_org: None) -> None:
    """R3.2: the request is in writing; a second one while the first waits is refused."""
    ticket = drive(Status.HANDLING, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.redispatch_request(actor=user("officer"), ticket=ticket, reason="  ")
    assert refused.value.field == "reason"
    assert snapshot(ticket) == before
    request = _ask(ticket)
    assert (request.from_unit, request.suggested_unit, request.decision) == (
        unit("logistics"),
        unit("security"),
        "pending",
    )
    with pytest.raises(DomainError) as refused:
        _ask(ticket, "再次申请")
    assert refused.value.code == "conflict"
    assert RedispatchRequest.objects.filter(ticket=ticket).count() == 1
    assert list(selectors.redispatch_queue()) == [request]


@pytest.mark.django_db
def test_approval_moves_the_ticket_and_keeps_its_clocks(demo_org: None) -> None:
    """R3.2: approval gives the ticket a new lead unit, which acknowledges again; no clock restarts — the
    response clock keeps the result the first unit earned, the reply clocks still count from receipt."""
    ticket = drive(Status.HANDLING, cohandling=False)
    clocks_before = _clock_rows(ticket)
    request = _ask(ticket)
    with pytest.raises(DomainError) as refused:
        services.redispatch_decide(
            actor=user("dispatcher"), request=request, approve=True, new_unit=unit("logistics")
        )
    assert refused.value.field == "new_unit"
    services.redispatch_decide(
        actor=user("dispatcher"), request=request, approve=True, new_unit=unit("security")
    )
    ticket.refresh_from_db()
    assert ticket.lead_unit == unit("security") and ticket.status == Status.DISPATCHED
    assert _clock_rows(ticket) == clocks_before
    event = Event.objects.get(ticket=ticket, action="redispatch")
    assert (event.from_status, event.to_status, event.before, event.after) == (
        "handling",
        "dispatched",
        {"lead_unit": "后勤管理处"},
        {"lead_unit": "保卫处"},
    )
    assert not visible_tickets(user("officer")).filter(pk=ticket.pk).exists(), (
        "the old unit no longer sees it"
    )
    services.ticket_acknowledge(actor=user("security_officer"), ticket=ticket)
    assert _clock_rows(ticket) == clocks_before, "acknowledging again does not re-meet the response clock"
    request.refresh_from_db()
    assert (request.decision, request.new_unit, request.decided_by) == (
        "approved",
        unit("security"),
        user("dispatcher"),
    )


@pytest.mark.django_db
def test_approval_from_dispatched_keeps_it_dispatched(demo_org: None) -> None:
    """R3.2: a ticket not yet acknowledged simply waits for the new unit's acknowledgement."""
    ticket = drive(Status.DISPATCHED)
    services.redispatch_decide(actor=user("duty"), request=_ask(ticket), approve=True, new_unit=unit("nic"))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_unit) == (Status.DISPATCHED, unit("nic"))


@pytest.mark.django_db
def test_rejection_needs_a_note_and_changes_nothing_else(demo_org: None) -> None:
    """R3.2: a rejection says why; the ticket stays with its unit; decided requests cannot be decided again."""
    ticket = drive(Status.HANDLING, cohandling=False)
    request = _ask(ticket)
    with pytest.raises(DomainError) as refused:
        services.redispatch_decide(actor=user("dispatcher"), request=request, approve=False, note="")
    assert refused.value.field == "note"
    request.refresh_from_db()
    assert request.decision == "pending"
    services.redispatch_decide(actor=user("dispatcher"), request=request, approve=False, note="属后勤职责。")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_unit) == (Status.HANDLING, unit("logistics"))
    with pytest.raises(DomainError) as refused:
        services.redispatch_decide(
            actor=user("dispatcher"), request=request, approve=True, new_unit=unit("nic")
        )
    assert refused.value.code == "conflict"
    assert Event.objects.get(ticket=ticket, action="redispatch_rejected").reason == "属后勤职责。"


@pytest.mark.django_db
def test_approved_and_rejected_requests_are_counted(demo_org: None) -> None:
    """R3.2: both outcomes are counted."""
    for approve in (True, False, False):
        ticket = drive(Status.DISPATCHED)
        services.redispatch_decide(
            actor=user("dispatcher"),
            request=_ask(ticket),
            approve=approve,
            new_unit=unit("nic"),
            note="" if approve else "属后勤职责。",
        )
    _ask(drive(Status.DISPATCHED))
    assert selectors.redispatch_counts() == {"approved": 1, "rejected": 2, "pending": 1}


@pytest.mark.django_db
def test_request_left_pending_when_the_reply_is_sent_can_still_be_rejected(demo_org: None) -> None:
    """R3.2: a request made while the reply awaited the head does not hang in the Office's queue forever
    once the reply is sent: the Office can still reject it (approving would move a replied ticket)."""
    ticket = drive(Status.PENDING_APPROVAL, cohandling=False)
    request = _ask(ticket)
    services.reply_approve(actor=user("head"), ticket=ticket)
    with pytest.raises(DomainError):
        services.redispatch_decide(
            actor=user("dispatcher"), request=request, approve=True, new_unit=unit("nic")
        )
    services.redispatch_decide(actor=user("dispatcher"), request=request, approve=False, note="已正式回复。")
    assert list(selectors.redispatch_queue()) == []
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_unit) == (Status.REPLIED, unit("logistics"))


@pytest.mark.django_db
def test_approval_to_an_inactive_unit_is_refused(demo_org: None) -> None:
    """R3.2: like a dispatch, a re-dispatch needs an active unit."""
    ticket = drive(Status.DISPATCHED)
    request = _ask(ticket)
    closed_unit = unit("union")
    closed_unit.is_active = False
    closed_unit.save(update_fields=["is_active"])
    with pytest.raises(DomainError) as refused:
        services.redispatch_decide(
            actor=user("dispatcher"), request=request, approve=True, new_unit=closed_unit
        )
    assert refused.value.field == "new_unit"


@pytest.mark.django_db
def test_a_cohandler_made_lead_unit_is_no_longer_a_cohandler(demo_org: None) -> None:
    """R3.2 / R3.3: re-dispatched to the unit that co-handled it, 图书馆 now leads it and is not also listed as
    a co-handler (nor sees it in its co-handling inbox as someone else's ticket)."""
    from jiesu.tickets.models import TicketCohandlingUnit

    ticket = drive(Status.HANDLING)  # co-handled by 图书馆
    assert TicketCohandlingUnit.objects.filter(ticket=ticket, unit=unit("library")).exists()
    request = _ask(ticket)
    services.redispatch_decide(
        actor=user("dispatcher"), request=request, approve=True, new_unit=unit("library")
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.lead_unit == unit("library")
    assert not TicketCohandlingUnit.objects.filter(ticket=ticket, unit=unit("library")).exists()
    assert ticket in visible_tickets(user("library_officer"))
