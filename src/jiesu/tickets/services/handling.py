"""Handling by the lead unit (R3.3, R4.2–R4.4, R6.3, R6.5): level, contacts, co-handling, initial reply,
planned date, escalation and instructions, third parties, amendments, and the audited contact reveal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.org.models import Role, Unit, User
from jiesu.org.selectors import roles_for
from jiesu.tickets import clockwork
from jiesu.tickets.errors import Conflict, DomainError, NotAllowed
from jiesu.tickets.models import (
    Channel,
    ClockKind,
    CohandlingRequest,
    Level,
    Note,
    Reply,
    Ticket,
    TicketCohandlingUnit,
)
from jiesu.tickets.permissions import relations
from jiesu.tickets.services import base
from jiesu.tickets.services.replies import refuse_deflection
from jiesu.tickets.states import Actor, Status
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.selectors import get_calendar


def _text(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise DomainError(message, field=field)
    return value.strip()


def _first_round_only(ticket: Ticket) -> None:
    """R7.2: a reopened round's formal reply is due 1 working day after the reopening; the level and the
    planned date (R4.2) set the first round's clocks only."""
    if ticket.round > 1:
        raise DomainError(
            _(
                "This request was reopened: its new formal reply is due within 1 working day of the reopening "
                "(R7.2), so the level and the planned date no longer change."
            ),
            code="reopened_round",
        )


@transaction.atomic
def ticket_set_level(*, actor: User, ticket: Ticket, level: str, reason: str = "") -> Ticket:
    """R4.2: the level sets the reply clocks, always counted from received_at; a change recomputes them."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "set_level")
    _first_round_only(ticket)
    if level not in Level.values:
        raise DomainError(_("Unknown handling level."), field="level")
    if ticket.level == level:
        return ticket
    if ticket.level and not reason.strip():
        raise DomainError(_("Give the reason for changing the level."), field="reason")
    before = ticket.level
    ticket.level = level
    # R4.9 / R10.4: the deadlines the level replaced are in the same history row, before → after.
    was, now = clockwork.replaced_facts(clockwork.level_clocks(ticket, at=base.now()))
    base.record(
        ticket,
        actor=actor,
        action="set_level",
        before={"level": before, **was},
        after={"level": level, **now},
        reason=reason.strip(),
    )
    base.save(ticket, "level")
    return ticket


@transaction.atomic
def contact_log(*, actor: User, ticket: Ticket, body: str) -> Note:
    """Art. 8.3: the unit contacts the requester to learn the details; each contact is logged."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "log_contact")
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.CONTACT,
        author=actor,
        at=base.now(),
        body=_text(body, "body", _("Describe the contact.")),
    )
    base.record(ticket, actor=actor, action="log_contact", after={"note": note.pk})
    return note


@transaction.atomic
def cohandling_request(*, actor: User, ticket: Ticket, unit: Unit, request: str) -> CohandlingRequest:
    """R3.3 / R4.4: ask a named unit for specific help; it answers in writing within 1 working day."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "request_cohandling")
    if unit.pk == ticket.lead_unit_id:
        raise DomainError(_("The lead unit cannot ask itself for co-handling."), field="unit")
    body = _text(request, "request", _("Say what help you need from the unit (R3.3)."))
    at = base.now()
    deadline = rules.cohandling_due(at, calendar=get_calendar())
    TicketCohandlingUnit.objects.get_or_create(ticket=ticket, unit=unit)
    item = CohandlingRequest.objects.create(
        ticket=ticket,
        unit=unit,
        request=body,
        requested_by=actor,
        requested_at=at,
        due_at=deadline.due,
        soon_at=clockwork.soon_at(at, deadline.due),
        rule=deadline.rule_text[:200],
        provisional=deadline.provisional,
    )
    base.record(
        ticket,
        actor=actor,
        action="request_cohandling",
        after={"unit": unit.name, "due": deadline.due.isoformat()},
        reason=body,
        at=at,
    )
    base.publish(
        base.TicketEvent("cohandling_requested", ticket.pk, ticket.number, actor.pk, {"unit_id": unit.pk})
    )
    return item


def _open_link(item: CohandlingRequest) -> CohandlingRequest:
    """R3.3: the open request of a co-handling chain (the request as first asked, or the continuation a
    progress report opened), locked; the item itself when the chain has nothing open."""
    origin = item.origin_id or item.pk
    found = (
        CohandlingRequest.objects.select_for_update()
        .filter(Q(pk=origin) | Q(origin_id=origin), answered_at__isnull=True)
        .order_by("-requested_at", "-id")
        .first()
    )
    return found or CohandlingRequest.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def cohandling_answer(
    *,
    actor: User,
    item: CohandlingRequest,
    answer: str = "",
    finished: bool = True,
    reason: str = "",
    stage: str = "",
) -> CohandlingRequest:
    """R3.3 / R4.4: the co-handling unit answers in writing with the result — which closes the request — or,
    when it cannot finish, with its reason and the stage reached: that progress report is recorded on the open
    request and the request stays open as a continuation with a new 1-working-day clock from the report.
    ``item`` may be the request as first asked: its open continuation is the one answered."""
    ticket = base.lock(item.ticket)
    base.guard(actor, ticket, "answer_cohandling")
    item = _open_link(item)
    if item.unit_id not in roles_for(actor).unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF):
        raise NotAllowed(_("Only the unit that was asked can answer."))
    if item.answered_at is not None:
        raise Conflict(_("This co-handling request has already been answered."))
    if finished:
        item.answer = _text(answer, "answer", _("Write the result."))
    else:
        item.reason = _text(reason, "reason", _("Say why the request cannot be finished in time."))
        item.answer = _text(stage or answer, "stage", _("Report the progress made so far."))
    item.finished = finished
    item.answered_by, item.answered_at = actor, base.now()
    item.on_time = item.answered_at <= item.due_at
    item.save()
    if finished:
        base.record(
            ticket,
            actor=actor,
            action="answer_cohandling",
            after={"unit": item.unit.name, "finished": True},
            reason=item.answer,
            at=item.answered_at,
        )
        return item
    following = _continue(item)
    base.record(
        ticket,
        actor=actor,
        action="cohandling_progress",
        after={"unit": item.unit.name, "finished": False, "due": following.due_at.isoformat()},
        reason=f"{item.reason}\n{item.answer}",
        at=item.answered_at,
    )
    return item


def _continue(item: CohandlingRequest) -> CohandlingRequest:
    """R3.3: the request stays open after a progress report: a continuation with its own clock (R4.4), 1
    working day from the report, so the sweep tells the unit again if the result does not follow."""
    at = item.answered_at
    assert at is not None  # noqa: S101 - set by the caller
    deadline = rules.cohandling_due(at, calendar=get_calendar())
    return CohandlingRequest.objects.create(
        ticket_id=item.ticket_id,
        unit_id=item.unit_id,
        request=item.request,
        requested_by_id=item.requested_by_id,
        requested_at=at,
        due_at=deadline.due,
        soon_at=clockwork.soon_at(at, deadline.due),
        rule=deadline.rule_text[:200],
        provisional=deadline.provisional,
        origin_id=item.origin_id or item.pk,
    )


@transaction.atomic
def initial_reply_send(*, actor: User, ticket: Ticket, body: str, planned_date: dt.date) -> Reply:
    """R4.2: levels department and school send an initial reply naming the planned date of the formal one.

    R6.5 / Art. 9.6: it goes to the requester at once, without the head's approval, so wording that sends them to
    a third party themselves is refused here, before anything is written or sent."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "send_initial_reply")
    _first_round_only(ticket)
    if ticket.level not in (Level.DEPARTMENT, Level.SCHOOL):
        raise DomainError(
            _("Only department- and school-level tickets send an initial reply (R4.2)."), field="level"
        )
    if Reply.objects.filter(ticket=ticket, stage=Reply.Stage.INITIAL, round=ticket.round).exists():
        # R4.2 延期: once told, the planned date moves only through planned_date_move, with a reason.
        raise DomainError(
            _("The initial reply has been sent; move the planned date with a reason instead (R4.2)."),
            field="planned_date",
        )
    text = _text(body, "body", _("Write the initial reply."))
    refuse_deflection(text, field="body")
    at = base.now()
    if planned_date <= timezone.localtime(at).date():
        raise DomainError(_("The planned date must be after today."), field="planned_date")
    reply = Reply.objects.create(
        ticket=ticket,
        stage=Reply.Stage.INITIAL,
        round=ticket.round,
        body=text,
        planned_date=planned_date,
        state=Reply.State.SENT,
        drafted_by=actor,
        drafted_at=at,
        sent_at=at,
    )
    clockwork.meet_clock(ticket, ClockKind.INITIAL_REPLY, at)
    before = ticket.planned_reply_date
    ticket.planned_reply_date = planned_date
    clockwork.planned_clock(ticket, at=at)  # the formal reply clock starts (nothing runs before it)
    base.record(
        ticket,
        actor=actor,
        action="initial_reply",
        before={"planned_date": str(before) if before else None},
        after={"planned_date": str(planned_date), "reply": reply.pk},
        reason=text,
        public=True,
        at=at,
    )
    base.save(ticket, "planned_reply_date")
    base.publish(
        base.TicketEvent("initial_reply", ticket.pk, ticket.number, actor.pk, {"reply_id": reply.pk})
    )
    return reply


@transaction.atomic
def planned_date_move(*, actor: User, ticket: Ticket, planned_date: dt.date, reason: str) -> Ticket:
    """R4.2 延期: the planned date moves only with a recorded reason, and only before it has passed. A date
    moved after it passed is recorded as a new commitment, but the missed date stays breached and counted and
    the reply is late whatever is recorded afterwards (R4.9): the new clock carries the miss."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "move_planned_date")
    _first_round_only(ticket)
    if ticket.planned_reply_date is None:
        raise DomainError(_("Send the initial reply with a planned date first."), field="planned_date")
    why = _text(reason, "reason", _("Give the reason for moving the planned date (R4.2)."))
    refuse_deflection(why, field="reason")  # R6.5: the reason is shown to the requester, unapproved
    at = base.now()
    if planned_date <= timezone.localtime(at).date():
        raise DomainError(_("The planned date must be after today."), field="planned_date")
    before = ticket.planned_reply_date
    ticket.planned_reply_date = planned_date
    # R4.9 / R10.4: the replaced deadline (and whether it had been missed) is in the same row, before → after.
    was, now = clockwork.replaced_facts(clockwork.planned_clock(ticket, at=at))
    base.record(
        ticket,
        actor=actor,
        action="move_planned_date",
        before={"planned_date": str(before), **was},
        after={"planned_date": str(planned_date), **now},
        reason=why,
        public=True,
        at=at,
    )
    base.save(ticket, "planned_reply_date")
    return ticket


@transaction.atomic
def escalate(*, actor: User, ticket: Ticket, leader: User, body: str) -> Note:
    """R6.3 / Art. 9.5: the unit asks a school leader for an instruction (批示)."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "escalate")
    return _ask_leader(actor=actor, ticket=ticket, leader=leader, body=body)


@transaction.atomic
def letter_refer_to_leader(*, actor: User, ticket: Ticket, leader: User, body: str) -> Note:
    """R2.2 (b): the Office reads a mailbox letter not suitable for a public reply and submits it to a school
    leader for an instruction (批示) before dispatching it. Reading and routing it meets the mailbox triage clock
    (R4.7); the leader instructs through ``instruct`` (allowed before dispatch) and the Office then dispatches."""
    ticket = base.lock(ticket)
    if ticket.channel != Channel.MAILBOX or ticket.status != Status.NEW:
        raise DomainError(_("Only a mailbox letter not yet dispatched can be submitted to a leader."))
    if Actor.OFFICE not in relations(actor, ticket, cohandler=False):
        raise NotAllowed(_("Mailbox letters are read and routed by the Party and Administration Office."))
    clockwork.meet_clock(ticket, ClockKind.MAILBOX, base.now())
    note = _ask_leader(actor=actor, ticket=ticket, leader=leader, body=body)
    base.save(ticket)
    return note


def _ask_leader(*, actor: User, ticket: Ticket, leader: User, body: str) -> Note:
    """R6.3: the request for a leader's instruction, in the history; the leader is told after commit."""
    if not roles_for(leader).has(Role.LEADER):
        raise DomainError(_("Choose a school leader."), field="leader")
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.ESCALATION,
        author=actor,
        at=base.now(),
        leader=leader,
        party=leader.get_full_name(),
        body=_text(body, "body", _("Explain what you need the leader to decide.")),
    )
    base.record(
        ticket, actor=actor, action="escalate", after={"leader": leader.get_full_name()}, reason=note.body
    )
    base.publish(
        base.TicketEvent(
            "instruction_requested", ticket.pk, ticket.number, actor.pk, {"leader_id": leader.pk}
        )
    )
    return note


@transaction.atomic
def instruct(*, actor: User, ticket: Ticket, body: str) -> Note:
    """R6.3: a leader's instruction is recorded on the ticket; it answers any open request to that leader."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "instruct")
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.INSTRUCTION,
        author=actor,
        at=base.now(),
        leader=actor,
        party=actor.get_full_name(),
        body=_text(body, "body", _("Write the instruction.")),
    )
    Note.objects.filter(ticket=ticket, kind=Note.Kind.ESCALATION, leader=actor, answered=False).update(
        answered=True
    )
    base.record(ticket, actor=actor, action="instruct", after={"leader": note.party}, reason=note.body)
    # R6.3: the instruction reaches the lead unit (and the Office) at once.
    base.publish(
        base.TicketEvent(
            "instructed",
            ticket.pk,
            ticket.number,
            actor.pk,
            {"note_id": note.pk, "leader": note.party, "instruction": note.body},
        )
    )
    return note


@transaction.atomic
def instruction_respond(*, actor: User, ticket: Ticket, instruction: Note, body: str) -> Note:
    """R6.3: the lead unit records what it did about a leader's instruction; until then the instruction stays
    at the top of the ticket page. The leader who gave it is told."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "respond_instruction")
    instruction = Note.objects.select_for_update().get(pk=instruction.pk)
    if instruction.ticket_id != ticket.pk or instruction.kind != Note.Kind.INSTRUCTION:
        raise DomainError(_("Choose an instruction given on this ticket."), field="instruction")
    if instruction.answered:
        raise Conflict(_("What was done about this instruction has already been recorded."))
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.INSTRUCTION_RESPONSE,
        author=actor,
        at=base.now(),
        party=instruction.party,
        body=_text(body, "body", _("Write what your unit did about the instruction.")),
        responds_to=instruction,
    )
    instruction.answered = True
    instruction.save(update_fields=["answered"])
    base.record(
        ticket,
        actor=actor,
        action="instruction_respond",
        after={"leader": instruction.party},
        reason=note.body,
        at=note.at,
    )
    base.publish(
        base.TicketEvent(
            "instruction_responded",
            ticket.pk,
            ticket.number,
            actor.pk,
            {"leader_id": instruction.leader_id or instruction.author_id, "response": note.body},
        )
    )
    return note


@transaction.atomic
def third_party_record(*, actor: User, ticket: Ticket, party: str, body: str) -> Note:
    """R6.5: the unit itself contacts the third party and records whom and what was agreed."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "record_third_party")
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.THIRD_PARTY,
        author=actor,
        at=base.now(),
        party=_text(party, "party", _("Name the third party.")),
        body=_text(body, "body", _("Record what was agreed.")),
    )
    base.record(ticket, actor=actor, action="third_party", after={"party": note.party}, reason=note.body)
    return note


@transaction.atomic
def amendment_add(*, actor: User, ticket: Ticket, body: str) -> Note:
    """R1.2: recorded content is never edited; corrections are appended."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "amend")
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.AMENDMENT,
        author=actor,
        at=base.now(),
        body=_text(body, "body", _("Write the correction.")),
    )
    base.record(ticket, actor=actor, action="amend", reason=note.body, public=True)
    return note


@transaction.atomic
def contact_reveal(*, actor: User, ticket: Ticket) -> dict[str, str]:
    """R10.2: a full contact is shown only to the need-to-know, and every full view is audit-logged."""
    base.guard(actor, ticket, "reveal_contact")
    base.record(ticket, actor=actor, action="reveal_contact")
    return {"phone": ticket.contact_phone, "email": ticket.contact_email}
