"""A small demo already shows every status and every channel (issue 14 item 7): the ledger, the filters and the
assessment's closure kinds (R6.2, R7.2, R7.3) all have something to show, and every history stays valid."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from jiesu.demo import checks, semester
from jiesu.demo.generator import Summary
from jiesu.tickets.models import (
    Channel,
    Event,
    Followup,
    FollowupAttempt,
    FollowupOutcome,
    Reply,
    ReplyKind,
    Ticket,
    UnreachableReview,
)
from jiesu.tickets.states import OPEN_STATUSES, Status
from jiesu.workcalendar.clocks import SHANGHAI

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

NOW = dt.datetime(2026, 11, 23, 10, 40, tzinfo=SHANGHAI)  # a Monday morning: the weekend's requests arrive
TICKETS, DAYS, RECENT = 400, 30, 14


@pytest.fixture
def small_demo() -> Summary:
    return semester.load(tickets=TICKETS, days=DAYS, recent_days=RECENT, seed=7, now=NOW)


def test_every_status_and_channel_appears_in_a_small_demo(small_demo: Summary) -> None:
    """Every status (the momentary ones too: awaiting acknowledgement, approval, the Office's review) and
    every channel appear; the command's summary counts what is stored; every history is valid (R10.4)."""
    tickets = list(Ticket.objects.all())
    assert len(tickets) == TICKETS
    statuses = Counter(t.status for t in tickets)
    assert set(statuses) == set(Status.values), set(Status.values) - set(statuses)
    assert set(small_demo.by_status.items()) == set(statuses.items())
    assert {t.channel for t in tickets} == set(Channel.values)
    assert checks.problems(tickets) == []


def test_history_closes_as_explained_unreachable_and_unsatisfied(small_demo: Summary) -> None:
    """The bulk-loaded history carries the rarer closures with the rows their services write: R6.2 an explaining
    reply accepted, R7.3 three unanswered calls on two days and the Office's decision, R7.2 three dissatisfied
    rounds before the Office closes unsatisfied. Resolved closures stay the large majority."""
    history = Ticket.objects.filter(received_at__lt=NOW - dt.timedelta(days=RECENT))
    explained = history.filter(status=Status.CLOSED_EXPLAINED)
    assert explained.exists()
    for ticket in explained:
        final = Followup.objects.get(ticket=ticket, round=ticket.round)
        assert final.explained_accepted and not final.resolved
        kinds = Reply.objects.filter(
            ticket=ticket, round=ticket.round, state=Reply.State.SENT, stage="formal"
        )
        assert set(kinds.values_list("kind", flat=True)) <= {ReplyKind.OUT_OF_REMIT, ReplyKind.UNSOLVABLE}
    unreachable = history.filter(status=Status.CLOSED_UNREACHABLE)
    assert unreachable.exists()
    for ticket in unreachable:
        review = UnreachableReview.objects.get(ticket=ticket)
        assert review.decision == UnreachableReview.Decision.CLOSED and review.attempts == 3
        calls = FollowupAttempt.objects.filter(ticket=ticket, round=ticket.round, result="no_answer")
        assert len(calls) == 3 and len({a.at.astimezone(SHANGHAI).date() for a in calls}) >= 2
        assert Followup.objects.get(ticket=ticket, round=ticket.round).outcome == FollowupOutcome.UNREACHABLE
    unsatisfied = history.filter(status=Status.CLOSED_UNSATISFIED)
    assert unsatisfied.exists()
    for ticket in unsatisfied:
        assert ticket.round == 4
        rounds = Followup.objects.filter(ticket=ticket).values_list("round", "outcome")
        assert sorted(rounds) == [(r, FollowupOutcome.DISSATISFIED) for r in (1, 2, 3)]
        assert Event.objects.filter(ticket=ticket, action="closed_unsatisfied", public=True).exists()
    closed = Counter(history.exclude(status__in=OPEN_STATUSES).values_list("status", flat=True))
    assert closed[Status.CLOSED] > 0.85 * sum(closed.values())
