"""Reporting fixtures: one week (2026-W48, Monday 2026-11-23 … Sunday 2026-11-29, Asia/Shanghai) of stored
tickets and clocks with known outcomes, plus tickets just outside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from jiesu.org.models import Campus, Unit, User
from jiesu.tickets.models import Event, Reply, Ticket
from tests.supervision.conftest import at, clock, ticket

WEEK = "2026-W48"
MONDAY = at(2026, 11, 23)
NEXT_MONDAY = at(2026, 11, 30)
AS_OF = at(2026, 11, 30, 8, 0)  # the Monday morning the report is made


@dataclass
class KnownWeek:
    tickets: dict[str, Ticket]
    units: dict[str, Unit]


@pytest.fixture
def known_week(demo_org: None) -> KnownWeek:
    """后勤管理处 (logistics): w1 hotline help, response and reply on time; w2 web complaint (urgent), response
    on time, reply missed (unmet, past due); w3 walk-in consultation at Sunday 23:59, level school, an initial
    reply proposing a solution.
    网络信息中心 (nic): w4 hotline help at Monday 00:00, response on time, escalated to a leader.
    Not yet dispatched: w5 duty-room opinion.
    Outside the week: x1 Sunday 2026-11-22 23:59:59 and x2 Monday 2026-11-30 00:00 (logistics)."""
    campus = Campus.objects.get(code="beijing")
    units = {code: Unit.objects.get(code=code) for code in ("logistics", "nic")}
    A, B = units["logistics"], units["nic"]
    head = User.objects.get(username="head")
    t: dict[str, Ticket] = {}
    r = at(2026, 11, 24, 9)
    t["w1"] = w1 = ticket(campus=campus, lead=A, received_at=r, channel="hotline", type="help")
    clock(w1, "response", due=r + dt.timedelta(hours=2), met=r + dt.timedelta(hours=1))
    clock(w1, "reply", due=r + dt.timedelta(hours=30), met=r + dt.timedelta(hours=5))
    r = at(2026, 11, 25, 10)
    t["w2"] = w2 = ticket(
        campus=campus,
        lead=A,
        received_at=r,
        channel="web",
        type="complaint",
        urgent=True,
        urgent_reason="停水",
        subject="宿舍楼停水",
    )
    clock(w2, "response", due=r + dt.timedelta(hours=2), met=r + dt.timedelta(hours=1))
    clock(w2, "reply", due=r + dt.timedelta(hours=30))
    r = at(2026, 11, 29, 23, 59)
    t["w3"] = w3 = ticket(
        campus=campus,
        lead=A,
        received_at=r,
        channel="walk_in",
        type="consultation",
        level="school",
        subject="食堂改造",
    )
    Reply.objects.create(
        ticket=w3,
        stage="initial",
        body="已受理，正在研究。",
        suggestion="建议提交校长办公会研究食堂改造方案。",
        state="sent",
        drafted_by=head,
        drafted_at=r,
    )
    r = MONDAY
    t["w4"] = w4 = ticket(campus=campus, lead=B, received_at=r, channel="hotline", type="help")
    clock(w4, "response", due=r + dt.timedelta(hours=2), met=r + dt.timedelta(hours=1))
    Event.objects.create(ticket=w4, at=r + dt.timedelta(hours=3), actor=head, action="escalate")
    t["w5"] = ticket(
        campus=campus,
        lead=None,
        received_at=at(2026, 11, 26, 15),
        channel="duty_room",
        type="opinion",
        status="new",
    )
    t["x1"] = ticket(campus=campus, lead=A, received_at=MONDAY - dt.timedelta(seconds=1))
    t["x2"] = ticket(campus=campus, lead=A, received_at=NEXT_MONDAY)
    return KnownWeek(t, units)
