"""R4.9 in the figures: a clock superseded before its due instant is neither met nor missed."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.org.models import Campus, Unit
from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period
from jiesu.tickets.models import Clock
from tests.supervision.conftest import AS_OF, FROM, TO, at, clock, ticket

pytestmark = pytest.mark.django_db


def test_a_reply_clock_superseded_in_time_is_not_counted_as_missed(demo_org: None) -> None:
    """Setting the level replaces the default reply clock (R4.2, R4.9): the replaced clock, superseded before
    it fell due, does not count; one superseded after its due instant stays missed (its breach was recorded);
    the level's clock met on time counts as on time. On-time replies: 1 of 2 (not 1 of 3)."""
    campus, lead = Campus.objects.get(code="beijing"), Unit.objects.get(code="logistics")
    received = at(2026, 9, 7, 9, 0)
    first = ticket(campus=campus, lead=lead, received_at=received, status="replied")
    replaced = clock(first, "reply", due=received + dt.timedelta(hours=30))
    Clock.objects.filter(pk=replaced.pk).update(superseded_at=received + dt.timedelta(hours=2))
    clock(first, "reply", due=received + dt.timedelta(days=10), met=received + dt.timedelta(days=5))
    second = ticket(campus=campus, lead=lead, received_at=received, status="handling")
    late = clock(second, "reply", due=received + dt.timedelta(hours=30))
    passed = received + dt.timedelta(hours=40)
    Clock.objects.filter(pk=late.pk).update(superseded_at=passed, breached_at=passed)
    clock(second, "reply", due=received + dt.timedelta(days=120))  # still running
    counts = AssessmentReport(Period.parse(FROM, TO), as_of=AS_OF).rows()[0].counts
    assert (counts.reply_met, counts.reply_due) == (1, 3 - 1)
