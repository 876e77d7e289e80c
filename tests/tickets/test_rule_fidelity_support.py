"""Helpers shared by the rule-fidelity scenarios (issue 12 items 5–10; this module holds no tests).

Every helper lives one step of a ticket through the services at a frozen instant (``time_machine``), as the
person named would through the pages: the Office records a 12345 referral, 后勤管理处 handles it, its head
approves, its officer calls the requester back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from jiesu.tickets import services
from jiesu.tickets.models import FollowupAttempt, Reply, Ticket
from tests.support import HEATING, at, beijing, unit, user, web_request

START = at(2026, 3, 10, 9)  # a Tuesday in term
SOURCE = "北京市12345市民服务热线"


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def step(when: dt.datetime, call: Any, **kwargs: Any) -> Any:
    """Run one service call at ``when`` (the clock frozen there)."""
    with time_machine.travel(when, tick=False):
        return call(**kwargs)


def referral(when: dt.datetime = START, *, due: dt.datetime | None = None) -> Ticket:
    """R2.6: the Office records a referral from the 12345 hotline with the source's own deadline."""
    return step(
        when,
        services.ticket_create,
        actor=user("dispatcher"),
        channel="referral",
        type="complaint",
        campus=beijing(),
        content="市民反映：学校东门外夜间施工噪音扰民，请核实处理。",
        requester_name="赵女士",
        contact_phone="13700003333",
        source_name=SOURCE,
        source_reference="BJ12345-20260310-0088",
        source_due_at=due,
    ).ticket


def handled(ticket: Ticket, when: dt.datetime) -> Ticket:
    """Dispatched to 后勤管理处 at ``when``, acknowledged 30 minutes later, level direct."""
    step(when, services.ticket_dispatch, actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    later = when + dt.timedelta(minutes=30)
    step(later, services.ticket_acknowledge, actor=user("officer"), ticket=ticket)
    step(later, services.ticket_set_level, actor=user("officer"), ticket=ticket, level="direct")
    return fresh(ticket)


def answered(
    ticket: Ticket, when: dt.datetime, *, body: str = "已协调施工单位夜间停工。", **extra: Any
) -> Reply:
    """The officer submits the formal reply at ``when``; the head approves it an hour later (R4.3)."""
    step(when, services.reply_submit, actor=user("officer"), ticket=ticket, body=body, **extra)
    return step(when + dt.timedelta(hours=1), services.reply_approve, actor=user("head"), ticket=ticket)


def web_replied(when: dt.datetime = START, **reply: Any) -> Ticket:
    """A web request from the demo student, handled by 后勤管理处, its formal reply sent at ``when`` + 3 h."""
    ticket = step(when, web_request, requester="student", content=HEATING)
    ticket = handled(ticket, when)
    answered(ticket, when + dt.timedelta(hours=2), **reply)
    return fresh(ticket)


def attempt(ticket: Ticket, when: dt.datetime, result: str = FollowupAttempt.Result.NO_ANSWER) -> None:
    step(when, services.followup_attempt_record, actor=user("officer"), ticket=ticket, result=result)


def hotline_call(**extra: Any) -> Ticket:
    """A call to 后勤管理处's hotline, recorded and acknowledged on the call by its officer (no level yet)."""
    return services.ticket_create(
        actor=user("officer"),
        channel="hotline",
        type="help",
        campus=beijing(),
        content="宿舍楼3号楼302室暖气不热。",
        requester_name="刘同学",
        contact_phone="13700002222",
        receiving_unit=unit("logistics"),
        acknowledge=True,
        **extra,
    ).ticket


def overdue_count(ticket: Ticket) -> int:
    return Ticket.objects.values_list("overdue_count", flat=True).get(pk=ticket.pk)


def followup_call(
    ticket: Ticket, when: dt.datetime, outcome: str, resolved: bool = False, **extra: Any
) -> Any:
    """The officer's follow-up call at ``when`` (R7.1), with its outcome."""
    return step(
        when,
        services.followup_complete,
        actor=user("officer"),
        ticket=ticket,
        outcome=outcome,
        resolved=resolved,
        **extra,
    )
