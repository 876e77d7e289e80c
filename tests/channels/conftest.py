"""Channels fixtures: a reception day published for Wednesday 2026-12-09, seen from Monday 2026-12-07."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiesu.channels import services
from jiesu.channels.models import ReceptionSession
from tests.support import at, beijing, user

MONDAY = at(2026, 12, 7, 10)
DAY = dt.date(2026, 12, 9)


@pytest.fixture
def monday(demo_org: None):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(monday) -> ReceptionSession:
    """刘向东 receives on Wednesday at 行政楼101: two slots, one place in the first, two in the second."""
    first = services.session_create(
        actor=user("dispatcher"),
        leader=user("leader"),
        day=DAY,
        place="行政楼101接待室",
        campus=beijing(),
        slots=[(dt.time(9, 0), dt.time(9, 30))],
        capacity=1,
    )
    return first
