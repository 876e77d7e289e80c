"""R8.2 supervision orders 督办: issue, answer in writing, accept or return, withdraw, escalate.

Each call runs in one transaction: the order row is locked, the move is checked against ``states.MOVES``
and applied with a conditional update (two people acting at once never skip a state), one ``OrderEvent``
is appended and, when the order is on a ticket, one row of the ticket's history too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit, User
from jiesu.supervision.errors import DomainError, NotAllowed, TransitionError
from jiesu.supervision.models import Order, OrderEvent
from jiesu.supervision.permissions import order_actors
from jiesu.supervision.rules import supervision_rules
from jiesu.supervision.states import MOVES, OrderLevel, OrderMove, OrderState
from jiesu.tickets.models import Ticket
from jiesu.tickets.services import base as ticket_base
from jiesu.workcalendar.clocks import end_of_day
from jiesu.workcalendar.selectors import get_calendar

STATE_MESSAGE = _("“%(action)s” is not allowed while the order is “%(state)s”.")
ACTOR_MESSAGE = _("You may not “%(action)s” on this order.")
MAX_DAYS = 30
TICKET_KEYS = frozenset({"deadline", "on_time", "step", "to"})  # what the ticket's history shows of an order


@dataclass(frozen=True)
class OrderChange:
    """What in-transaction writers (the notifications) receive after each step of an order."""

    name: str  # issue, answer, accept, return, withdraw (escalations are the sweep's own alerts)
    order: Order
    actor: User | None


_writers: list[Callable[[OrderChange], object]] = []


def subscribe_in_transaction(writer: Callable[[OrderChange], object]) -> Callable[[OrderChange], object]:
    """Register a writer run inside each change's transaction (its rows commit or roll back with the change).
    The app above that owns the notifications registers itself here; this app never imports it."""
    _writers.append(writer)
    return writer


def unsubscribe_in_transaction(writer: Callable[[OrderChange], object]) -> None:
    _writers.remove(writer)


def _publish(name: str, order: Order, actor: User | None) -> None:
    for writer in _writers:
        writer(OrderChange(name, order, actor))


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    provisional: bool


def working_days_after(start: dt.datetime, days: int) -> Due:
    """The end of the ``days``-th working day after the day of ``start`` (that day not counted, as for the
    reply clocks of R4.2), from the working-day calendar."""
    calendar = get_calendar()
    first = timezone.localtime(start).date()
    last = calendar.add_working_days(first, days)
    return Due(end_of_day(last), calendar.is_provisional(first, last))


def _now() -> dt.datetime:
    return ticket_base.now()


def _text(value: str, field: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def _log(
    order: Order,
    *,
    actor: User | None,
    action: str,
    at: dt.datetime,
    from_state: str = "",
    text: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append the order's log row and, for an order on a ticket, the ticket's history row (R8.2: every order,
    answer and escalation is in the history)."""
    event = OrderEvent.objects.create(
        order=order,
        at=at,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=order.state if from_state else "",
        text=text,
        data=data or {},
    )
    if order.ticket_id is not None:
        ticket = Ticket(pk=order.ticket_id, status="")  # only its id is written; status left out below
        ticket_base.record_many(
            [
                ticket_base.history(
                    ticket,
                    actor_id=actor.pk if actor is not None else None,
                    action=f"order_{action}",
                    after={"order": order.pk, **{k: v for k, v in (data or {}).items() if k in TICKET_KEYS}},
                    reason=text,
                    at=at,
                )
            ]
        )
    if action != "escalate":  # the sweep tells the people an escalation reaches itself
        _publish(action, order, actor)
    return event


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(no_key=True).get(pk=order.pk)


def _guard(actor: User | None, order: Order, name: str) -> OrderMove:
    move = MOVES[name]
    if order.state not in move.sources:
        raise TransitionError(
            STATE_MESSAGE % {"action": move.label, "state": OrderState(order.state).label},
            code="transition_not_allowed",
        )
    if actor is not None and not (order_actors(actor, order.unit_id) & move.actors):
        raise NotAllowed(ACTOR_MESSAGE % {"action": move.label})
    return move


def _move(order: Order, move: OrderMove, **fields: Any) -> str:
    """Apply the move's target with a conditional update; returns the state it left."""
    old = order.state
    target = move.target or old
    updated = Order.objects.filter(pk=order.pk, state=old).update(state=target, **fields)
    if updated != 1:  # unreachable under the row lock; kept so a lost race can never pass silently
        raise TransitionError(
            STATE_MESSAGE % {"action": move.label, "state": OrderState(old).label}, code="conflict"
        )
    order.state = target
    for name, value in fields.items():
        setattr(order, name, value)
    return old


def _iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def order_issue(
    *,
    actor: User,
    subject: str,
    requirement: str,
    level: str,
    unit: Unit | None = None,
    ticket: Ticket | None = None,
    days: int | None = None,
) -> Order:
    """R8.2: the Office or a leader orders a unit (or a ticket's lead unit) to act on a matter by a deadline
    in working days (default by level, ``ORDER_DAYS`` / ``ORDER_LISTED_DAYS``)."""
    if not order_actors(actor, unit.pk if unit else 0) & MOVES["accept"].actors:
        raise NotAllowed(_("Only the Office and school leaders issue supervision orders."))
    if level not in OrderLevel.values:
        raise DomainError(_("Choose the level of supervision."), field="level")
    if ticket is not None:
        if ticket.lead_unit_id is None:
            raise DomainError(_("This ticket has no lead unit yet: dispatch it first."), field="ticket")
        if unit is not None and unit.pk != ticket.lead_unit_id:
            raise DomainError(_("An order on a ticket goes to the ticket's lead unit."), field="unit")
        unit_id = ticket.lead_unit_id
        subject = subject.strip() or f"{ticket.number} {ticket.subject}"
    elif unit is not None:
        unit_id = unit.pk
    else:
        raise DomainError(_("Name the unit or the ticket the order is about."), field="unit")
    subject = _text(subject, "subject", _("Give the matter a short title."))[:120]
    requirement = _text(requirement, "requirement", _("Write what the unit must do."))
    days = days or supervision_rules().order_days(level)
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("The deadline must be 1 to 30 working days."), field="days")
    now = _now()
    due = working_days_after(now, days)
    with transaction.atomic():
        order = Order.objects.create(
            unit_id=unit_id,
            ticket=ticket,
            subject=subject,
            requirement=requirement,
            level=level,
            state=OrderState.ISSUED,
            issued_by=actor,
            issued_at=now,
            deadline_at=due.at,
            deadline_days=days,
            provisional=due.provisional,
            next_escalation_at=due.at,
        )
        _log(
            order,
            actor=actor,
            action="issue",
            at=now,
            text=requirement,
            data={"level": level, "deadline": _iso(due.at), "unit": unit_id},
        )
    return order


def order_answer(*, actor: User, order: Order, answer: str) -> Order:
    """The unit answers in writing; the deadline stops (on time or not) and escalation ends."""
    answer = _text(answer, "answer", _("Write the unit's answer."))
    with transaction.atomic():
        order = _lock(order)
        move = _guard(actor, order, "answer")
        now = _now()
        on_time = now <= order.deadline_at
        old = _move(
            order,
            move,
            answer=answer,
            answered_by=actor,
            answered_at=now,
            answered_on_time=on_time,
            next_escalation_at=None,
        )
        _log(
            order,
            actor=actor,
            action="answer",
            at=now,
            from_state=old,
            text=answer,
            data={"on_time": on_time},
        )
    return order


def order_review(*, actor: User, order: Order, accept: bool, comment: str = "") -> Order:
    """The issuer's side accepts the answer (the order closes) or returns it with a comment and a new
    deadline of ``ORDER_RETURN_DAYS`` working days; the escalation steps start again from it."""
    with transaction.atomic():
        order = _lock(order)
        move = _guard(actor, order, "accept" if accept else "return")
        now = _now()
        if accept:
            old = _move(order, move, closed_at=now)
            _log(order, actor=actor, action="accept", at=now, from_state=old, text=comment.strip())
            return order
        comment = _text(comment, "comment", _("Say why the answer is returned."))
        due = working_days_after(now, supervision_rules().ORDER_RETURN_DAYS)
        old = _move(
            order,
            move,
            deadline_at=due.at,
            provisional=due.provisional,
            escalation=0,
            next_escalation_at=due.at,
        )
        _log(
            order,
            actor=actor,
            action="return",
            at=now,
            from_state=old,
            text=comment,
            data={"deadline": _iso(due.at)},
        )
    return order


def order_withdraw(*, actor: User, order: Order, reason: str) -> Order:
    """The issuer's side withdraws an open order (the matter was settled otherwise), with a reason."""
    reason = _text(reason, "reason", _("Say why the order is withdrawn."))
    with transaction.atomic():
        order = _lock(order)
        move = _guard(actor, order, "withdraw")
        now = _now()
        old = _move(order, move, closed_at=now, next_escalation_at=None)
        _log(order, actor=actor, action="withdraw", at=now, from_state=old, text=reason)
    return order


def order_escalate(*, order: Order, now: dt.datetime, recipients: list[User]) -> Order:
    """R8.2: a missed deadline escalates, once per step: first to the unit head, then — ``ORDER_ESCALATE_DAYS``
    working days later, still unanswered — to the leader in charge. Runs in the sweep's transaction on a
    locked row."""
    move = _guard(None, order, "escalate")
    step = order.escalation + 1
    # The head gets ORDER_ESCALATE_DAYS working days counted from the deadline's last day (a deadline is the
    # end of a day, i.e. the next midnight, so step back an instant to stand on that day).
    missed = (order.next_escalation_at or now) - dt.timedelta(microseconds=1)
    following = working_days_after(missed, supervision_rules().ORDER_ESCALATE_DAYS).at if step == 1 else None
    _move(order, move, escalation=step, next_escalation_at=following)
    _log(
        order,
        actor=None,
        action="escalate",
        at=now,
        data={"step": step, "to": [p.get_full_name() or p.username for p in recipients]},
    )
    return order
