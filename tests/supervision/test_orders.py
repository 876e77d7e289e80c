"""R8.2 supervision orders 督办: issue with a working-day deadline, written answer, review, escalation by the
sweep to the unit head and then the leader in charge, every step in the order's log and the ticket history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from jiesu.notify.models import Notification
from jiesu.org.models import Membership, Role
from jiesu.supervision.errors import DomainError, NotAllowed, TransitionError
from jiesu.supervision.models import Order, OrderEvent
from jiesu.supervision.services.orders import order_answer, order_issue, order_review, order_withdraw
from jiesu.supervision.states import OrderLevel, OrderState
from jiesu.tickets.models import Event
from jiesu.worker.sweep import run_sweep
from tests.support import at, dispatched, unit, user

pytestmark = pytest.mark.django_db

# Tuesday 2026-11-24 09:00 (a working day). Three working days after it: Wed 25, Thu 26, Fri 27.
START = at(2026, 11, 24, 9, 0)
DEADLINE = at(2026, 11, 28, 0, 0)  # the end of Friday 27
HEAD_STEP_END = at(2026, 12, 1, 0, 0)  # one more working day (Monday 30) for the head


@pytest.fixture
def ticket(demo_org: None):
    with time_machine.travel(START, tick=False):
        return dispatched()


@pytest.fixture
def order(ticket) -> Order:
    with time_machine.travel(START, tick=False):
        return order_issue(
            actor=user("dispatcher"),
            ticket=ticket,
            subject="",
            requirement="请于三个工作日内书面说明暖气维修进展。",
            level=OrderLevel.SUPERVISE,
        )


def _ticket_actions(ticket) -> list[str]:
    return list(
        Event.objects.filter(ticket=ticket, action__startswith="order_").values_list("action", flat=True)
    )


def test_an_order_on_a_ticket_goes_to_its_lead_unit_with_a_working_day_deadline(order, ticket) -> None:
    """ORDER_DAYS (3) working days after the day of issue, the day itself not counted; logged twice."""
    assert order.unit == unit("logistics")
    assert order.deadline_at == DEADLINE
    assert order.next_escalation_at == DEADLINE
    assert order.deadline_days == 3
    assert order.subject.startswith(ticket.number)
    assert list(order.events.values_list("action", flat=True)) == ["issue"]
    assert _ticket_actions(ticket) == ["order_issue"]


@pytest.mark.parametrize(
    ("level", "rules", "days", "deadline"),
    [
        (OrderLevel.LISTED, {}, 2, at(2026, 11, 27, 0, 0)),  # 挂牌督办: Wed 25 and Thu 26
        (OrderLevel.SUPERVISE, {"ORDER_DAYS": 5}, 5, at(2026, 12, 2, 0, 0)),  # to Tuesday Dec 1
    ],
)
def test_the_default_deadline_follows_the_level_and_the_settings(
    demo_org, level, rules, days, deadline
) -> None:
    """The days come from JIESU_RULES over the defaults (3 for 督办, 2 for 挂牌督办)."""
    with override_settings(JIESU_RULES=rules), time_machine.travel(START, tick=False):
        o = order_issue(
            actor=user("leader"), unit=unit("logistics"), subject="食堂排队", requirement="整改", level=level
        )
    assert (o.deadline_days, o.deadline_at) == (days, deadline)


def test_only_the_office_and_leaders_issue_orders(demo_org) -> None:
    for username in ("head", "inspector", "student"):
        with pytest.raises(NotAllowed):
            order_issue(
                actor=user(username), unit=unit("logistics"), subject="x", requirement="y", level="supervise"
            )
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"unit": None}, "unit"),
        ({"requirement": "  "}, "requirement"),
        ({"level": "urgent"}, "level"),
        ({"days": 31}, "days"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_written(demo_org, fields, field) -> None:
    values = {
        "unit": unit("logistics"),
        "subject": "事项",
        "requirement": "要求",
        "level": "supervise",
        **fields,
    }
    with pytest.raises(DomainError) as caught:
        order_issue(actor=user("dispatcher"), **values)
    assert caught.value.field == field
    assert not Order.objects.exists() and not OrderEvent.objects.exists()


def test_the_unit_answers_in_writing_on_time_and_escalation_stops(order, ticket) -> None:
    with time_machine.travel(at(2026, 11, 26, 10, 0), tick=False):
        order_answer(actor=user("officer"), order=order, answer="已更换阀门，暖气恢复。")
    order.refresh_from_db()
    assert order.state == OrderState.ANSWERED
    assert order.answered_on_time is True
    assert order.next_escalation_at is None
    assert _ticket_actions(ticket) == ["order_issue", "order_answer"]
    assert run_sweep(now=at(2026, 12, 5, 0, 0)).orders == 0


def test_another_unit_may_not_answer_and_an_answer_is_given_once(order) -> None:
    with pytest.raises(NotAllowed):
        order_answer(actor=user("library_officer"), order=order, answer="不是我们")
    order_answer(actor=user("officer"), order=order, answer="已处理")
    with pytest.raises(TransitionError):
        order_answer(actor=user("head"), order=order, answer="再答一次")
    assert order.events.filter(action="answer").count() == 1


def test_a_returned_answer_gets_a_new_deadline_then_the_next_answer_is_accepted(order, ticket) -> None:
    """Return (with a comment) → one more working day → answer again → accept closes the order."""
    with time_machine.travel(at(2026, 11, 26, 10, 0), tick=False):
        order_answer(actor=user("officer"), order=order, answer="已处理")
        with pytest.raises(DomainError):
            order_review(actor=user("dispatcher"), order=order, accept=False, comment="")
        with pytest.raises(NotAllowed):
            order_review(actor=user("head"), order=order, accept=True)
    with time_machine.travel(at(2026, 11, 26, 15, 0), tick=False):
        order_review(actor=user("dispatcher"), order=order, accept=False, comment="请附维修记录")
    order.refresh_from_db()
    assert order.state == OrderState.RETURNED
    assert order.deadline_at == at(2026, 11, 28, 0, 0)  # Friday 27 ends it
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        order_answer(actor=user("officer"), order=order, answer="维修记录见附件")
    with time_machine.travel(at(2026, 11, 27, 11, 0), tick=False):
        order_review(actor=user("leader"), order=order, accept=True)
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED and order.closed_at is not None
    assert [e.action for e in order.events.all()] == ["issue", "answer", "return", "answer", "accept"]
    assert _ticket_actions(ticket) == [
        f"order_{a}" for a in ("issue", "answer", "return", "answer", "accept")
    ]


def test_a_withdrawn_order_needs_a_reason_and_stops_escalating(order) -> None:
    with pytest.raises(DomainError):
        order_withdraw(actor=user("dispatcher"), order=order, reason=" ")
    order_withdraw(actor=user("dispatcher"), order=order, reason="问题已由学校统一解决")
    order.refresh_from_db()
    assert order.state == OrderState.WITHDRAWN
    assert run_sweep(now=at(2026, 12, 5, 0, 0)).orders == 0


def _told(event: str = "order_escalated") -> list[str]:
    return sorted(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def test_an_overdue_order_escalates_to_the_unit_head_then_to_the_leader_in_charge(order, ticket) -> None:
    """Missed at Sat 00:00 → the head (once); still unanswered a working day later → the leader in charge
    (the leader assigned to the unit, not every school leader); nothing more after that."""
    Membership.objects.create(user=user("leader_vp1"), role=Role.LEADER, unit=unit("logistics"))
    assert run_sweep(now=DEADLINE - dt.timedelta(minutes=1)).orders == 0
    assert run_sweep(now=DEADLINE + dt.timedelta(minutes=1)).orders == 1
    assert _told() == ["head"]
    order.refresh_from_db()
    assert (order.escalation, order.next_escalation_at) == (1, HEAD_STEP_END)
    assert run_sweep(now=DEADLINE + dt.timedelta(hours=1)).orders == 0  # once per step
    assert run_sweep(now=HEAD_STEP_END + dt.timedelta(minutes=1)).orders == 1
    assert _told() == ["head", "leader_vp1"]
    assert run_sweep(now=HEAD_STEP_END + dt.timedelta(days=9)).orders == 0
    order.refresh_from_db()
    assert (order.escalation, order.next_escalation_at, order.state) == (2, None, OrderState.ISSUED)
    steps = [e.data["step"] for e in order.events.filter(action="escalate")]
    assert steps == [1, 2]
    assert _ticket_actions(ticket) == ["order_issue", "order_escalate", "order_escalate"]


def test_without_an_assigned_leader_the_school_leaders_are_told(order) -> None:
    run_sweep(now=DEADLINE + dt.timedelta(minutes=1))
    run_sweep(now=HEAD_STEP_END + dt.timedelta(minutes=1))
    leaders = set(
        Membership.objects.filter(role=Role.LEADER, unit__isnull=True).values_list(
            "user__username", flat=True
        )
    )
    assert set(_told()) == {"head", *leaders}


def test_the_order_log_is_append_only_in_the_database(order) -> None:
    """R10.4: triggers refuse UPDATE and DELETE whoever sends them; the ORM refuses first."""
    with pytest.raises(RuntimeError):
        OrderEvent.objects.filter(order=order).update(text="x")
    for statement in ("UPDATE supervision_orderevent SET text = 'x'", "DELETE FROM supervision_orderevent"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert order.events.get().text == "请于三个工作日内书面说明暖气维修进展。"


def test_the_people_concerned_hear_of_each_step_in_the_same_transaction(order) -> None:
    """Issued → the unit's head and information officers; answered → the issuer; accepted → the head and
    whoever answered (not the one acting)."""
    assert _told("order_issue") == ["head", "officer"]
    order_answer(actor=user("officer"), order=order, answer="已处理")
    assert _told("order_answer") == ["dispatcher"]
    order_review(actor=user("dispatcher"), order=order, accept=True)
    assert _told("order_accept") == ["head", "officer"]


def test_a_rolled_back_order_tells_nobody(ticket) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        order_issue(
            actor=user("dispatcher"), ticket=ticket, subject="", requirement="要求", level="supervise"
        )
        raise Boom
    assert not Order.objects.exists()
    assert _told("order_issue") == []
