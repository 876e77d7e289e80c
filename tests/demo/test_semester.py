"""Demo data a leader would believe (issue 14 item 7): two years of history bulk-loaded, the recent weeks played
through the services, with a working school's figures and the school year's seasonal peaks (issue 16 item 5)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from jiesu.demo import bulk, checks, seasons, semester
from jiesu.demo.generator import Summary
from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period
from jiesu.tickets.models import Channel, Event, Followup, FollowupOutcome, Ticket
from jiesu.tickets.states import Status
from jiesu.workcalendar.clocks import SHANGHAI

NOW = dt.datetime(2026, 12, 4, 15, 30, tzinfo=SHANGHAI)  # a Friday afternoon in the autumn semester
DAYS, RECENT = 730, 60


@pytest.fixture
def two_years(demo_org: None) -> Summary:
    return semester.load(tickets=2400, days=DAYS, recent_days=RECENT, seed=3, now=NOW)


def _months(tickets: list[tuple[str, dt.datetime]], topic: str) -> Counter[tuple[int, int]]:
    words = seasons.TOPICS[topic].words
    return Counter(
        (at.astimezone(SHANGHAI).year, at.astimezone(SHANGHAI).month)
        for subject, at in tickets
        if any(w in subject for w in words)
    )


@pytest.mark.django_db
def test_two_years_loaded_and_only_the_recent_weeks_played(two_years: Summary) -> None:
    """Requests span two years; only those of the recent weeks carry the services' step-by-step histories (the
    older ones are bulk-built with the same builders), and every history is valid (R10.4, R4.8)."""
    assert two_years.created == Ticket.objects.count() == 2400
    first = Ticket.objects.order_by("received_at").values_list("received_at", flat=True).first()
    assert first is not None and (NOW - first).days >= DAYS - 31
    recent = NOW - dt.timedelta(days=RECENT)
    assert Ticket.objects.filter(received_at__gte=recent).count() > 60
    assert Event.objects.filter(action="request_cohandling", ticket__received_at__gte=recent).exists()
    assert not Event.objects.filter(action="request_cohandling", ticket__received_at__lt=recent).exists()
    assert checks.problems(list(Ticket.objects.filter(received_at__gte=recent))) == []


@pytest.mark.django_db
def test_most_units_reply_on_time_and_most_requesters_are_satisfied(two_years: Summary) -> None:
    """The school's on-time reply rate is 85–95 % with a few late units below it; 80–90 % of the follow-up
    ratings are satisfied or basically satisfied (R4.2, R7.1, R8.6)."""
    today = NOW.astimezone(SHANGHAI).date()
    report = AssessmentReport(Period(today - dt.timedelta(days=DAYS - 1), today), as_of=NOW)
    ontime = report.total().rates["ontime"]
    assert ontime is not None and 0.85 <= ontime <= 0.95
    late = [r for r in report.rows() if r.counts.reply_due >= 20 and (r.rates["ontime"] or 0) < 0.8]
    assert 1 <= len(late) <= 4
    outcomes = Counter(Followup.objects.values_list("outcome", flat=True))
    rated = sum(n for outcome, n in outcomes.items() if outcome != FollowupOutcome.UNREACHABLE)
    happy = outcomes[FollowupOutcome.SATISFIED] + outcomes[FollowupOutcome.BASICALLY_SATISFIED]
    assert 0.80 <= happy / rated <= 0.90
    overdue_open = Ticket.objects.filter(status__in=["new", "dispatched", "handling"], next_due_at__lte=NOW)
    assert overdue_open.count() < 0.05 * Ticket.objects.count()
    # Stalled requests are noticed within weeks: nothing of an earlier term still sits open and overdue.
    assert not overdue_open.filter(received_at__lt=NOW - dt.timedelta(days=60)).exists()


@pytest.mark.django_db
def test_every_status_and_channel_appears(two_years: Summary) -> None:
    """The ledger shows every status and every channel."""
    statuses = set(Ticket.objects.values_list("status", flat=True))
    # A request waits for acknowledgement, approval or the Office's review for hours: at a given instant of a
    # small load one of these may be empty; every other status is there.
    momentary = {Status.DISPATCHED, Status.PENDING_APPROVAL, Status.UNREACHABLE_REVIEW}
    assert set(Status.values) - momentary <= statuses
    assert statuses & momentary
    assert set(Ticket.objects.values_list("channel", flat=True)) == set(Channel.values)


@pytest.fixture
def history(demo_org: None) -> Summary:
    return bulk.load(tickets=1500, days=DAYS, skip_last=RECENT, seed=5, now=NOW)


@pytest.mark.django_db
def test_history_carries_the_school_years_seasonal_peaks(history: Summary) -> None:
    """R9.4: heating in November, course selection in September and February, graduation in June, each well
    above a summer month of the same topic; and the summer break is quieter than the autumn semester."""
    rows = list(Ticket.objects.values_list("subject", "received_at"))
    heating = _months(rows, "heating")
    assert heating[(2025, 11)] > 2 * max(heating[(2025, 7)], 1)
    assert heating[(2025, 11)] > 2 * max(heating[(2026, 7)], 1)
    course = _months(rows, "course_selection")
    assert course[(2025, 9)] > 2 * max(course[(2025, 7)], 1)
    assert course[(2026, 2)] > 2 * max(course[(2026, 7)], 1)
    graduation = _months(rows, "graduation")
    assert graduation[(2025, 6)] > 2 * max(graduation[(2025, 8)], 1)
    by_month = Counter((at.astimezone(SHANGHAI).year, at.astimezone(SHANGHAI).month) for _s, at in rows)
    assert by_month[(2025, 8)] < 0.6 * by_month[(2025, 10)]
