"""Follow-up and closure through the services (R4.6, R7.1, R7.2, R1.3), on a frozen clock (time_machine).

Every path of issue 5 §1: satisfied / basically satisfied and resolved → closed (销账); not resolved or
dissatisfied → reopened with round + 1 and a new 1-working-day reply clock from the reopening, a new reply the
head approves, a new 48-hour follow-up; unreachable only after 3 unanswered attempts; after 3 rounds the Office
closes unsatisfied with a reason; anonymous letters close on approval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from jiesu.tickets import selectors, services
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Clock, ClockKind, Event, Followup, FollowupAttempt, Reply, Ticket
from jiesu.tickets.services import TicketEvent
from jiesu.tickets.states import Status
from tests.support import at, beijing, drive, snapshot, unit, user

pytestmark = pytest.mark.django_db
START = at(2026, 3, 10, 9)  # a Tuesday in term


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization (后勤管理处 leads; its officer calls back; the Office may close unsatisfied)."""


@pytest.fixture
def published() -> Iterator[list[TicketEvent]]:
    """The ticket events the services publish (seen by an in-transaction writer, as the notification outbox
    sees them; the after-commit listeners get the same objects, tests/tickets/test_history.py)."""
    seen: list[TicketEvent] = []
    writer = services.subscribe_in_transaction(seen.append)
    yield seen
    services.unsubscribe_in_transaction(writer)


def replied(when: dt.datetime = START) -> Ticket:
    """A web request whose formal reply the logistics head approved at ``when`` (the follow-up clock runs)."""
    with time_machine.travel(when, tick=False):
        return drive(Status.REPLIED, level="direct", cohandling=False)


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def clock(ticket: Ticket, kind: str, round_: int) -> Clock:
    return Clock.objects.get(ticket=ticket, kind=kind, round=round_)


def call(ticket: Ticket, outcome: str, resolved: bool, when: dt.datetime, **extra: object) -> Followup:
    with time_machine.travel(when, tick=False):
        return services.followup_complete(
            actor=user("officer"), ticket=ticket, outcome=outcome, resolved=resolved, **extra
        )


def answer_again(ticket: Ticket, when: dt.datetime) -> Reply:
    """R7.2: the unit replies anew in the reopened round; the head approves again (R4.3)."""
    with time_machine.travel(when, tick=False):
        services.reply_submit(actor=user("officer"), ticket=ticket, body="已再次上门检修，暖气已恢复正常。")
    with time_machine.travel(when + dt.timedelta(hours=1), tick=False):
        return services.reply_approve(actor=user("head"), ticket=ticket)


def test_satisfied_and_resolved_closes_the_ticket(published: list[TicketEvent]) -> None:
    """R7.2: satisfied and resolved → closed (销账): the round's result, the reached call, the follow-up clock
    met on time, a public "closed" event and a "closed" notification with the outcome."""
    ticket = replied()
    when = START + dt.timedelta(hours=5)
    followup = call(ticket, "satisfied", True, when, comment="暖气已经热了，谢谢。")
    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED and ticket.closed_at == when and ticket.round == 1
    assert (followup.round, followup.channel, followup.recorded_by) == (1, "phone", user("officer"))
    follow = clock(ticket, ClockKind.FOLLOWUP, 1)
    assert follow.met_at == when and follow.on_time is True
    assert ticket.next_due_at is None and ticket.overdue_count == 0
    attempt = FollowupAttempt.objects.get(ticket=ticket)
    assert (attempt.result, attempt.at, attempt.by) == ("reached", when, user("officer"))
    event = Event.objects.get(ticket=ticket, action="closed")
    assert event.public and (event.from_status, event.to_status) == (Status.REPLIED, Status.CLOSED)
    assert event.after == {
        "outcome": "satisfied",
        "resolved": True,
        "via": "phone",
        "comment": "暖气已经热了，谢谢。",
    }
    closed = [e for e in published if e.name == "closed"]
    assert len(closed) == 1 and closed[0].data["outcome"] == "satisfied"


def test_basically_satisfied_and_resolved_closes_too() -> None:
    """R7.2: basically satisfied counts as satisfied when the matter is resolved."""
    ticket = replied()
    call(ticket, "basically_satisfied", True, START + dt.timedelta(hours=3))
    assert fresh(ticket).status == Status.CLOSED


def test_satisfied_but_not_resolved_reopens(published: list[TicketEvent]) -> None:
    """R7.2: a polite "satisfied" with the matter unresolved is not 销账: the ticket reopens for round 2, back in
    handling, with a new formal reply clock; the requester sees it in their timeline."""
    ticket = replied()
    when = START + dt.timedelta(hours=4)
    call(ticket, "satisfied", False, when)
    ticket = fresh(ticket)
    assert (ticket.status, ticket.round, ticket.closed_at) == (Status.HANDLING, 2, None)
    assert clock(ticket, ClockKind.FOLLOWUP, 1).met_at == when
    reply_clock = clock(ticket, ClockKind.REPLY, 2)
    assert reply_clock.started_at == when and reply_clock.met_at is None
    assert (ticket.next_clock, ticket.next_due_at) == ("reply", reply_clock.due_at)
    event = Event.objects.get(ticket=ticket, action="reopened")
    assert event.public and event.before == {"round": 1} and event.after["round"] == 2
    reopened = [e for e in published if e.name == "reopened"]
    assert reopened and reopened[0].data["round"] == 2 and reopened[0].data["outcome"] == "satisfied"


def test_dissatisfied_reopens_then_a_new_reply_and_follow_up_close_it() -> None:
    """R7.2 round trip: dissatisfied → reopened → the officer drafts a new reply → the head approves it (round 2)
    → a new 48-hour follow-up → satisfied → closed. One sent formal reply and one result per round."""
    ticket = replied()
    call(ticket, "dissatisfied", False, START + dt.timedelta(hours=6), comment="还是不热。")
    approved_at = START + dt.timedelta(days=1, hours=1)
    second = answer_again(fresh(ticket), approved_at - dt.timedelta(hours=1))
    ticket = fresh(ticket)
    assert (second.round, second.state, ticket.status, ticket.level) == (2, "sent", Status.REPLIED, "direct")
    assert clock(ticket, ClockKind.REPLY, 2).met_at == approved_at
    follow = clock(ticket, ClockKind.FOLLOWUP, 2)
    assert follow.due_at - follow.started_at == dt.timedelta(hours=48) and follow.started_at == approved_at
    assert [t.number for t in selectors.followups_due(user("officer"))] == [ticket.number]
    call(ticket, "satisfied", True, approved_at + dt.timedelta(hours=2))
    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED and ticket.round == 2
    assert list(Followup.objects.filter(ticket=ticket).values_list("round", "outcome")) == [
        (1, "dissatisfied"),
        (2, "satisfied"),
    ]
    sent = Reply.objects.filter(ticket=ticket, stage="formal", state="sent")
    assert sorted(sent.values_list("round", flat=True)) == [1, 2]


def test_unreachable_needs_three_unanswered_attempts_in_the_round() -> None:
    """R7.1 / R7.3: "unreachable" is refused (with nothing written) until three unanswered attempts are recorded
    in this round on at least two days; then the ticket goes to the Office — it is not reopened (the Office
    records the round's unreachable result when it closes it, tests/tickets/test_rule_fidelity_outcomes.py)."""
    ticket = replied()
    officer = user("officer")
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        services.followup_attempt_record(actor=officer, ticket=ticket, result="no_answer", note="无人接听")
        services.followup_attempt_record(actor=officer, ticket=ticket, result="switched_off")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        call(ticket, "unreachable", True, START + dt.timedelta(hours=3))
    assert (refused.value.code, refused.value.field) == ("too_few_attempts", "outcome")
    assert snapshot(ticket) == before and not Followup.objects.exists()
    with time_machine.travel(START + dt.timedelta(hours=20), tick=False):
        services.followup_attempt_record(actor=officer, ticket=ticket, result="busy")
    review = call(ticket, "unreachable", True, START + dt.timedelta(hours=21))
    assert (review.round, review.attempts) == (1, 3)
    ticket = fresh(ticket)
    assert (ticket.status, ticket.round) == (Status.UNREACHABLE_REVIEW, 1)
    assert not Followup.objects.exists()
    assert not FollowupAttempt.objects.filter(ticket=ticket, result="reached").exists()


def test_a_reached_call_already_logged_is_not_logged_twice() -> None:
    """R7.1: when the officer logged the reached call, the result does not add another one."""
    ticket = replied()
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        services.followup_attempt_record(actor=user("handler"), ticket=ticket, result="reached")
    call(ticket, "satisfied", True, START + dt.timedelta(hours=1, minutes=5))
    assert FollowupAttempt.objects.filter(ticket=ticket).count() == 1


def test_call_attempts_are_the_lead_units_and_need_a_known_result(published: list[TicketEvent]) -> None:
    """R7.1: attempts are recorded by the lead unit only (the requester, a co-handling unit and the Office are
    refused) with a known result; each is an internal history row and a "followup_attempt" event."""
    with time_machine.travel(START, tick=False):
        ticket = drive(Status.REPLIED, level="direct")  # co-handled by 图书馆
    for outsider in ("student", "library_officer", "dispatcher"):
        with pytest.raises(NotAllowed):
            services.followup_attempt_record(actor=user(outsider), ticket=ticket, result="no_answer")
    with pytest.raises(DomainError) as bad:
        services.followup_attempt_record(actor=user("officer"), ticket=ticket, result="maybe")
    assert bad.value.field == "result"
    attempt = services.followup_attempt_record(
        actor=user("officer"), ticket=ticket, result="busy", note="占线"
    )
    assert (attempt.round, attempt.note) == (1, "占线")
    event = Event.objects.get(ticket=ticket, action="followup_attempt")
    assert not event.public and event.after == {"result": "busy", "round": 1} and event.reason == "占线"
    assert [e.data["result"] for e in published if e.name == "followup_attempt"] == ["busy"]


def test_a_round_has_one_result() -> None:
    """Once the round's result closed or reopened the ticket, a second result is refused (409)."""
    ticket = replied()
    call(ticket, "satisfied", True, START + dt.timedelta(hours=1))
    with pytest.raises(TransitionError):
        call(ticket, "dissatisfied", False, START + dt.timedelta(hours=2))
    assert Followup.objects.filter(ticket=ticket).count() == 1


def _three_dissatisfied_rounds() -> Ticket:
    """Rounds 1–3 each end dissatisfied; the ticket is in round 4, handling."""
    ticket = replied()
    when = START + dt.timedelta(hours=3)
    for round_ in (1, 2, 3):
        call(ticket, "dissatisfied", False, when)
        if round_ < 3:
            answer_again(fresh(ticket), when + dt.timedelta(hours=2))
            when += dt.timedelta(days=1)
    return fresh(ticket)


def test_the_office_closes_unsatisfied_only_after_three_rounds_with_a_reason(
    published: list[TicketEvent],
) -> None:
    """R7.2: refused in round 3, refused for a unit, refused without a reason; after three dissatisfied rounds
    the Office closes it: closed unsatisfied, every open clock met, off every worklist, counted unresolved."""
    ticket = replied()
    when = START + dt.timedelta(hours=3)
    for _round in (1, 2):
        call(ticket, "dissatisfied", False, when)
        answer_again(fresh(ticket), when + dt.timedelta(hours=2))
        when += dt.timedelta(days=1)
    assert fresh(ticket).round == 3
    with pytest.raises(DomainError) as early:
        services.ticket_close_unsatisfied(actor=user("dispatcher"), ticket=ticket, reason="反复不满意。")
    assert early.value.code == "too_few_rounds"
    call(ticket, "dissatisfied", False, when)
    ticket = fresh(ticket)
    assert (ticket.round, ticket.status) == (4, Status.HANDLING)
    before = snapshot(ticket)
    with pytest.raises(NotAllowed):
        services.ticket_close_unsatisfied(actor=user("head"), ticket=ticket, reason="反复不满意。")
    with pytest.raises(DomainError) as blank:
        services.ticket_close_unsatisfied(actor=user("dispatcher"), ticket=ticket, reason="  ")
    assert blank.value.field == "reason" and snapshot(ticket) == before
    closing = when + dt.timedelta(hours=2)
    with time_machine.travel(closing, tick=False):
        services.ticket_close_unsatisfied(
            actor=user("dispatcher"), ticket=ticket, reason="三轮回访均不满意，诉求超出学校现有条件。"
        )
    ticket = fresh(ticket)
    assert (ticket.status, ticket.closed_at, ticket.next_due_at) == (Status.CLOSED_UNSATISFIED, closing, None)
    assert not Clock.objects.filter(ticket=ticket, met_at__isnull=True).exists()
    assert clock(ticket, ClockKind.REPLY, 4).met_at == closing
    assert clock(ticket, ClockKind.REPLY, 4).on_time is None  # ended, not met: no on-time credit (R8.6)
    officer = user("officer")
    assert ticket.number not in {t.number for t in selectors.unit_inbox(officer)}
    assert not selectors.followups_due(officer).exists()
    assert not selectors.overdue_board(user("dispatcher"), closing + dt.timedelta(days=30)).exists()
    assert set(Followup.objects.filter(ticket=ticket).values_list("outcome", "resolved")) == {
        ("dissatisfied", False)
    }
    event = Event.objects.get(ticket=ticket, action="closed_unsatisfied")
    assert event.public and event.actor == user("dispatcher") and "三轮回访" in event.reason
    assert [e.data["round"] for e in published if e.name == "closed_unsatisfied"] == [4]


def test_the_round_limit_is_a_setting(settings) -> None:
    """R7.2: ``JIESU_RULES["MAX_ROUNDS_BEFORE_CLOSE"]`` (default 3) sets how many rounds must end first."""
    settings.JIESU_RULES = {"MAX_ROUNDS_BEFORE_CLOSE": 1}
    ticket = replied()
    call(ticket, "dissatisfied", False, START + dt.timedelta(hours=3))
    services.ticket_close_unsatisfied(actor=user("duty"), ticket=ticket, reason="经研究暂无法解决。")
    assert fresh(ticket).status == Status.CLOSED_UNSATISFIED


def test_closed_unsatisfied_from_a_sent_reply_meets_the_follow_up_clock() -> None:
    """R7.2: in round 4 the Office may also close once the new reply was sent; the follow-up clock then ends."""
    ticket = _three_dissatisfied_rounds()
    answer_again(ticket, START + dt.timedelta(days=4))
    services.ticket_close_unsatisfied(actor=user("dispatcher"), ticket=ticket, reason="三轮不满意。")
    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED_UNSATISFIED
    assert clock(ticket, ClockKind.FOLLOWUP, 4).met_at is not None


def test_an_anonymous_letter_closes_on_approval() -> None:
    """R1.3: an anonymous mailbox letter gets no follow-up and no rating, so approval closes it — it never sits in
    "replied" waiting for a follow-up that cannot come."""
    with time_machine.travel(START, tick=False):
        ticket = services.ticket_create(
            actor=user("dispatcher"),
            channel="mailbox",
            type="opinion",
            campus=beijing(),
            content="建议食堂延长营业时间。",
            anonymous=True,
        ).ticket
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
        services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
        services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
        services.reply_submit(actor=user("officer"), ticket=ticket, body="感谢建议，食堂将延长营业至21点。")
        services.reply_approve(actor=user("head"), ticket=ticket)
    ticket = fresh(ticket)
    assert (ticket.status, ticket.closed_at, ticket.next_due_at) == (Status.CLOSED, START, None)
    assert not Clock.objects.filter(ticket=ticket, kind="followup").exists()
    event = Event.objects.get(ticket=ticket, action="approve_reply")
    assert event.to_status == Status.CLOSED
    assert not selectors.followups_due(user("officer")).exists()
    with pytest.raises(TransitionError):
        services.followup_complete(actor=user("officer"), ticket=ticket, outcome="satisfied", resolved=True)
    # Data written before this rule held (an anonymous letter left in "replied") is still refused, clearly.
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.REPLIED)
    for attempt in (
        lambda: services.followup_complete(
            actor=user("officer"), ticket=ticket, outcome="satisfied", resolved=True
        ),
        lambda: services.followup_attempt_record(actor=user("officer"), ticket=ticket, result="no_answer"),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "no_followup"


@pytest.mark.parametrize(
    ("reopened", "due"),
    [
        # Fri 13 Feb 2026: the next working day is the make-up Saturday 14 Feb (调休).
        pytest.param(at(2026, 2, 13, 10), at(2026, 2, 15), id="friday-before-make-up-saturday"),
        # Sat 14 Feb (make-up day): the Spring Festival holiday runs to 23 Feb; the next working day is Tue 24.
        pytest.param(at(2026, 2, 14, 15), at(2026, 2, 25), id="make-up-saturday-across-spring-festival"),
        # Fri 27 Feb, 16:00: the next working day is the make-up Saturday 28 Feb.
        pytest.param(at(2026, 2, 27, 16), at(2026, 3, 1), id="friday-before-second-make-up-day"),
    ],
)
def test_the_reopened_reply_clock_is_one_working_day_from_the_reopening(
    reopened: dt.datetime, due: dt.datetime
) -> None:
    """R7.2 / R4.2: a reopened round's formal reply is due at the end of the first working day after the
    reopening's date (民法典 Art. 201), with holidays and make-up working days from the calendar (R5.1)."""
    ticket = replied(reopened - dt.timedelta(hours=20))
    call(ticket, "dissatisfied", False, reopened)
    reply_clock = clock(fresh(ticket), ClockKind.REPLY, 2)
    assert (reply_clock.started_at, reply_clock.due_at) == (reopened, due)
    assert reply_clock.rule.startswith("重新办理")  # the rule shown beside the deadline is the reopening's


def test_the_follow_up_clock_is_48_clock_hours_and_a_late_call_counts_late() -> None:
    """R4.6: 48 clock hours after the reply is sent (weekends count); a call after that meets the clock late
    (R4.8) and adds to the ticket's overdue count."""
    sent = at(2026, 3, 13, 16)  # a Friday afternoon
    ticket = replied(sent)
    follow = clock(ticket, ClockKind.FOLLOWUP, 1)
    assert (follow.started_at, follow.due_at) == (sent, at(2026, 3, 15, 16))
    call(ticket, "satisfied", True, at(2026, 3, 16, 9))
    ticket = fresh(ticket)
    assert clock(ticket, ClockKind.FOLLOWUP, 1).on_time is False and ticket.overdue_count == 1


def test_a_closed_tickets_unanswered_cohandling_request_leaves_the_cohandlers_list() -> None:
    """A co-handling request left unanswered on a closed ticket no longer waits in that unit's list."""
    with time_machine.travel(START, tick=False):
        ticket = drive(Status.REPLIED, level="direct")  # 图书馆 was asked and has not answered
    library = user("library_officer")
    assert [i.ticket_id for i in selectors.cohandling_inbox(library)] == [ticket.pk]
    call(ticket, "satisfied", True, START + dt.timedelta(hours=2))
    assert not selectors.cohandling_inbox(library).exists()


def test_closing_unsatisfied_returns_a_draft_awaiting_approval() -> None:
    """R7.2 + R4.3: a draft still awaiting the head is not sent when the Office closes the ticket: it is
    returned with the Office's reason, so no reply stays pending on a closed ticket."""
    ticket = _three_dissatisfied_rounds()
    with time_machine.travel(START + dt.timedelta(days=4), tick=False):
        draft = services.reply_submit(actor=user("officer"), ticket=ticket, body="已再次协调。")
    services.ticket_close_unsatisfied(
        actor=user("dispatcher"), ticket=ticket, reason="三轮不满意，已专题研究。"
    )
    draft.refresh_from_db()
    assert (draft.state, draft.review_comment, draft.reviewed_by) == (
        Reply.State.RETURNED,
        "三轮不满意，已专题研究。",
        user("dispatcher"),
    )
    assert fresh(ticket).status == Status.CLOSED_UNSATISFIED


@pytest.mark.parametrize("step", ["set_level", "initial_reply", "planned_date"])
def test_a_reopened_round_keeps_its_one_working_day_clock(step: str) -> None:
    """R7.2 over R4.2: in a reopened round the level and the planned date no longer set the reply clock; the
    attempt is refused with a clear message and the clock from the reopening stays."""
    ticket = replied()
    call(ticket, "dissatisfied", False, START + dt.timedelta(hours=3))
    ticket = fresh(ticket)
    due = clock(ticket, ClockKind.REPLY, 2).due_at
    officer = user("officer")
    later = dt.date(2026, 3, 20)
    with pytest.raises(DomainError) as refused:
        if step == "set_level":
            services.ticket_set_level(actor=officer, ticket=ticket, level="school")
        elif step == "initial_reply":
            services.initial_reply_send(actor=officer, ticket=ticket, body="正在研究。", planned_date=later)
        else:
            services.planned_date_move(
                actor=officer, ticket=ticket, planned_date=later, reason="需要更多时间。"
            )
    assert refused.value.code == "reopened_round"
    assert clock(ticket, ClockKind.REPLY, 2).due_at == due
