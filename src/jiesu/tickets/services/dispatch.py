"""Dispatch and re-dispatch (R2, R3.2, R4.5): the Office assigns a lead unit; the lead unit acknowledges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from jiesu.org.models import Unit, User
from jiesu.tickets import clockwork
from jiesu.tickets.errors import Conflict, DomainError
from jiesu.tickets.models import ClockKind, RedispatchRequest, Ticket, TicketCohandlingUnit
from jiesu.tickets.services import base
from jiesu.tickets.states import Status


def _add_cohandlers(ticket: Ticket, units: Sequence[Unit]) -> list[str]:
    names = []
    for unit in units:
        if unit.pk == ticket.lead_unit_id:
            continue
        TicketCohandlingUnit.objects.get_or_create(ticket=ticket, unit=unit)
        names.append(unit.name)
    return names


@transaction.atomic
def ticket_dispatch(
    *, actor: User, ticket: Ticket, lead_unit: Unit, cohandling_units: Sequence[Unit] = (), note: str = ""
) -> Ticket:
    """R4.5: the Office dispatches to a lead unit, optionally naming co-handling units (R3.3)."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "dispatch")
    if not lead_unit.is_active:
        raise DomainError(_("This unit is not active."), field="lead_unit")
    at = base.now()
    base.move(ticket, action, expected=Status.NEW)
    ticket.lead_unit = lead_unit
    cohandlers = _add_cohandlers(ticket, cohandling_units)
    clockwork.meet_clock(ticket, ClockKind.DISPATCH, at)
    clockwork.meet_clock(ticket, ClockKind.MAILBOX, at)
    # R4.0: the dispatch to the lead unit is 受理 — set once, at the first dispatch — and the unit's response
    # clock runs from it (R4.1).
    if ticket.accepted_at is None:
        ticket.accepted_at = at
    was, now = clockwork.replaced_facts(clockwork.response_clock(ticket, at=at))
    base.record(
        ticket,
        actor=actor,
        action="dispatch",
        from_status=Status.NEW,
        to_status=ticket.status,
        before=was,
        after={"lead_unit": lead_unit.name, "cohandling_units": cohandlers, **now},
        reason=note,
        public=True,
        at=at,
    )
    base.save(ticket, "lead_unit", "accepted_at")
    base.publish(
        base.TicketEvent("dispatched", ticket.pk, ticket.number, actor.pk, {"lead_unit_id": lead_unit.pk})
    )
    return ticket


@transaction.atomic
def ticket_acknowledge(*, actor: User, ticket: Ticket) -> Ticket:
    """R4.1: the lead unit acknowledges; the response clock is met."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "acknowledge")
    base.move(ticket, action, expected=Status.DISPATCHED)
    acknowledged(ticket, actor=actor, at=base.now())
    base.save(ticket)
    return ticket


def acknowledged(ticket: Ticket, *, actor: User | None, at: dt.datetime) -> None:
    """R4.1: acknowledging meets the response clock and starts the default reply clock (R4.2), in the history.

    Shared by the lead unit's acknowledgement and intake's answered-on-the-call; the caller moved the status
    to ``handling`` and saves the ticket."""
    clockwork.meet_clock(ticket, ClockKind.RESPONSE, at)
    was, now = clockwork.replaced_facts(clockwork.default_reply_clock(ticket, at=at))
    base.record(
        ticket,
        actor=actor,
        action="acknowledge",
        from_status=Status.DISPATCHED,
        to_status=Status.HANDLING,
        before=was,
        after=now,
        public=True,
        at=at,
    )


@transaction.atomic
def redispatch_request(
    *, actor: User, ticket: Ticket, reason: str, suggested_unit: Unit | None = None
) -> RedispatchRequest:
    """R3.2: the lead unit may not pass a ticket on; it asks the Office, in writing. The clocks keep running."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "request_redispatch")
    if not reason.strip():
        raise DomainError(_("Give the reason for the re-dispatch request (R3.2)."), field="reason")
    if RedispatchRequest.objects.filter(ticket=ticket, decision=RedispatchRequest.Decision.PENDING).exists():
        raise Conflict(_("A re-dispatch request for this ticket is already waiting for the Office."))
    assert ticket.lead_unit is not None  # noqa: S101 - guaranteed by the states that allow this action
    request = RedispatchRequest.objects.create(
        ticket=ticket,
        from_unit=ticket.lead_unit,
        suggested_unit=suggested_unit,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=base.now(),
    )
    base.record(
        ticket,
        actor=actor,
        action="request_redispatch",
        reason=reason.strip(),
        after={"suggested_unit": suggested_unit.name if suggested_unit else None},
    )
    base.publish(
        base.TicketEvent(
            "redispatch_requested", ticket.pk, ticket.number, actor.pk, {"request_id": request.pk}
        )
    )
    return request


@transaction.atomic
def redispatch_decide(
    *, actor: User, request: RedispatchRequest, approve: bool, new_unit: Unit | None = None, note: str = ""
) -> RedispatchRequest:
    """R3.2: the Office approves (new lead unit; clocks keep running from 受理, R4.0) or rejects (with a note)."""
    ticket = base.lock(request.ticket)
    base.guard(actor, ticket, "decide_redispatch")
    request = RedispatchRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != RedispatchRequest.Decision.PENDING:
        raise Conflict(_("This re-dispatch request has already been decided."))
    at = base.now()
    request.decided_by, request.decided_at, request.decision_note = actor, at, note.strip()
    if approve:
        if new_unit is None or new_unit.pk == ticket.lead_unit_id:
            raise DomainError(_("Choose the new lead unit."), field="new_unit")
        if not new_unit.is_active:
            raise DomainError(_("This unit is not active."), field="new_unit")
        if ticket.status == Status.PENDING_APPROVAL:
            raise DomainError(_("A reply is awaiting approval; the unit head must decide it first."))
        if ticket.status not in (Status.DISPATCHED, Status.HANDLING):
            raise DomainError(_("The formal reply has been sent; this request can only be rejected."))
        request.decision, request.new_unit = RedispatchRequest.Decision.APPROVED, new_unit
        old = ticket.lead_unit
        previous_status = ticket.status
        ticket.lead_unit = new_unit
        # A co-handler that becomes the lead unit leads it now; it is no longer listed as co-handling (R3.3).
        TicketCohandlingUnit.objects.filter(ticket=ticket, unit=new_unit).delete()
        # The new lead unit acknowledges again; the response clock keeps its original result (R3.2).
        if ticket.status == Status.HANDLING:
            updated = Ticket.objects.filter(pk=ticket.pk, status=Status.HANDLING).update(
                status=Status.DISPATCHED
            )
            if updated == 1:
                ticket.status = Status.DISPATCHED
        base.record(
            ticket,
            actor=actor,
            action="redispatch",
            from_status=previous_status,
            to_status=ticket.status,
            before={"lead_unit": old.name if old else None},
            after={"lead_unit": new_unit.name},
            reason=request.reason,
            public=True,
            at=at,
        )
    else:
        if not note.strip():
            raise DomainError(_("Say why the request is rejected."), field="note")
        request.decision = RedispatchRequest.Decision.REJECTED
        base.record(ticket, actor=actor, action="redispatch_rejected", reason=note.strip(), at=at)
    request.save()
    base.save(ticket, "lead_unit")
    base.publish(
        base.TicketEvent(
            "redispatch_decided",
            ticket.pk,
            ticket.number,
            actor.pk,
            {"approved": approve, "request_id": request.pk},
        )
    )
    return request
