"""Supervision fixtures: a period of known outcomes, written as the stored rows the services would leave
(tickets, clocks with met / on-time / breach columns, follow-ups), so every figure can be computed by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jiesu.org.models import Campus, Unit
from jiesu.tickets.models import Clock, Followup, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)

# The report is taken on New Year's morning: the period (autumn term) is over; a few clocks still run.
AS_OF = dt.datetime(2027, 1, 1, 8, 0, tzinfo=SHANGHAI)
FROM, TO = "2026-09-01", "2026-12-31"


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def ticket(*, campus: Campus, lead: Unit | None, received_at: dt.datetime, **fields: Any) -> Ticket:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "number": f"{received_at:%Y%m%d}-{n:06d}",
        "tracking_code_hash": "x" * 64,
        "type": "help",
        "channel": "hotline" if lead else "duty_room",
        "subject": f"宿舍事项{n}",
        "content": f"诉求内容{n}",
        "requester_kind": "student",
        "requester_name": f"张同学{n}",
        "contact_phone": "13812345678",
        "contact_email": "zhang@example.edu.cn",
        "status": "handling",
    }
    defaults.update(fields)
    return Ticket.objects.create(campus=campus, lead_unit=lead, received_at=received_at, **defaults)


def clock(
    t: Ticket,
    kind: str,
    *,
    due: dt.datetime,
    met: dt.datetime | None = None,
    round: int = 1,
    breached: dt.datetime | None = None,
    ended: bool = False,
) -> Clock:
    """A stored clock; ``on_time`` follows ``met``, except for a clock ``ended`` by closing the ticket
    unsatisfied (R7.2), which keeps it NULL."""
    on_time = None if met is None or ended else met <= due
    return Clock.objects.create(
        ticket=t,
        kind=kind,
        round=round,
        started_at=t.received_at,
        due_at=due,
        soon_at=due - dt.timedelta(hours=2),
        met_at=met,
        on_time=on_time,
        breached_at=breached,
        rule="test",
    )


def followup(t: Ticket, round: int, outcome: str, resolved: bool) -> Followup:
    return Followup.objects.create(
        ticket=t, round=round, outcome=outcome, resolved=resolved, channel="phone", recorded_at=t.received_at
    )


@dataclass
class Known:
    """The tickets of the known-outcome period, by name (see ``known_period``)."""

    tickets: dict[str, Ticket]
    units: dict[str, Unit]

    def numbers(self, *names: str) -> list[str]:
        return sorted(self.tickets[n].number for n in names)


@pytest.fixture
def known_period(demo_org: None) -> Known:
    """Autumn term 2026 (2026-09-01 … 2026-12-31), report taken at 2027-01-01 08:00.

    后勤管理处 (logistics), six tickets:
      a1 closed: response on time, reply on time, satisfied + resolved.
      a2 closed: response on time, reply round 1 late, dissatisfied → round 2 reply on time, basically satisfied
         + resolved.
      a3 closed unsatisfied after 3 rounds: response breached and met late; replies of rounds 1–3 on time, each
         rated dissatisfied; round 4's reply clock ended by the closing (on_time NULL: not judged).
      a4 handling: response on time; reply unmet and past due (missed, the sweep has not recorded it yet).
      a5 replied: response on time, reply on time; follow-up clock still running (due 2027-01-01 15:00).
      a6 closed as a repeat of a1 when its reply was sent: response on time, reply on time, no follow-up.
    网络信息中心 (nic), three tickets:
      b1, b2 closed: everything on time, satisfied + resolved.
      b3 an anonymous letter, closed: everything on time; an old-data satisfied rating (counted apart, R1.3).
    图书馆 (library), one ticket:
      c1 dispatched on 2026-12-31 23:00: its response clock (due 2027-01-01 10:00) has not fallen due.
    Not yet dispatched: n1 (duty room), its dispatch clock missed (the Office's clock, not a unit's).
    Outside the period: x1 on 2026-08-31 23:59 and x2 on 2027-01-01 00:00 (logistics, all missed).
    """
    campus = Campus.objects.get(code="beijing")
    units = {code: Unit.objects.get(code=code) for code in ("logistics", "nic", "library")}
    A, B, C = units["logistics"], units["nic"], units["library"]
    t: dict[str, Ticket] = {}

    def day(d: dt.datetime, hours: int) -> dt.datetime:
        return d + dt.timedelta(hours=hours)

    # -- logistics ---------------------------------------------------------------------------------------
    r = at(2026, 9, 7, 9, 0)
    t["a1"] = a1 = ticket(campus=campus, lead=A, received_at=r, status="closed", closed_at=day(r, 30))
    clock(a1, "response", due=day(r, 2), met=day(r, 1))
    clock(a1, "reply", due=day(r, 39), met=day(r, 6))
    clock(a1, "followup", due=day(r, 54), met=day(r, 30))
    followup(a1, 1, "satisfied", True)

    r = at(2026, 10, 12, 10, 0)
    t["a2"] = a2 = ticket(
        campus=campus, lead=A, received_at=r, status="closed", round=2, closed_at=day(r, 90)
    )
    clock(a2, "response", due=day(r, 2), met=day(r, 1))
    clock(a2, "reply", due=day(r, 38), met=day(r, 40))  # late
    clock(a2, "followup", due=day(r, 88), met=day(r, 41))
    followup(a2, 1, "dissatisfied", False)
    clock(a2, "reply", round=2, due=day(r, 66), met=day(r, 60))
    clock(a2, "followup", round=2, due=day(r, 108), met=day(r, 90))
    followup(a2, 2, "basically_satisfied", True)

    r = at(2026, 11, 2, 9, 0)
    t["a3"] = a3 = ticket(
        campus=campus, lead=A, received_at=r, status="closed_unsatisfied", round=4, closed_at=day(r, 400)
    )
    clock(a3, "response", due=day(r, 2), met=day(r, 5), breached=day(r, 2))  # breached, then met late
    for rnd in (1, 2, 3):
        clock(a3, "reply", round=rnd, due=day(r, 100 * rnd), met=day(r, 100 * rnd - 10))
        followup(a3, rnd, "dissatisfied", False)
    clock(a3, "reply", round=4, due=day(r, 420), met=day(r, 400), ended=True)  # neither on time nor late

    r = at(2026, 11, 10, 9, 0)
    t["a4"] = a4 = ticket(campus=campus, lead=A, received_at=r, status="handling")
    clock(a4, "response", due=day(r, 2), met=day(r, 1))
    clock(a4, "reply", due=day(r, 39))  # unmet, long past due

    r = at(2026, 12, 30, 10, 0)
    t["a5"] = a5 = ticket(campus=campus, lead=A, received_at=r, status="replied")
    clock(a5, "response", due=day(r, 2), met=day(r, 1))
    clock(a5, "reply", due=day(r, 38), met=day(r, 5))
    clock(a5, "followup", due=day(r, 53), met=None)  # 2027-01-01 15:00: still running at the report

    r = at(2026, 9, 20, 9, 0)
    t["a6"] = a6 = ticket(
        campus=campus, lead=A, received_at=r, status="closed", repeat_of=a1, closed_at=day(r, 3)
    )
    clock(a6, "response", due=day(r, 2), met=day(r, 1))
    clock(a6, "reply", due=day(r, 24), met=day(r, 3))

    # -- nic ---------------------------------------------------------------------------------------------
    for name, r in (("b1", at(2026, 9, 15, 9, 0)), ("b2", at(2026, 10, 15, 9, 0))):
        t[name] = b = ticket(campus=campus, lead=B, received_at=r, status="closed", closed_at=day(r, 20))
        clock(b, "response", due=day(r, 2), met=day(r, 1))
        clock(b, "reply", due=day(r, 24), met=day(r, 8))
        followup(b, 1, "satisfied", True)
    r = at(2026, 11, 20, 9, 0)
    t["b3"] = b3 = ticket(
        campus=campus,
        lead=B,
        received_at=r,
        status="closed",
        channel="mailbox",
        anonymous=True,
        requester_name="",
        contact_phone="",
        contact_email="",
        closed_at=day(r, 8),
    )
    clock(b3, "response", due=day(r, 2), met=day(r, 1))
    clock(b3, "reply", due=day(r, 24), met=day(r, 8))
    followup(b3, 1, "satisfied", True)  # older data (R1.3 now forbids it): counted apart

    # -- library, undispatched, outside ------------------------------------------------------------------
    r = at(2026, 12, 31, 23, 0)
    t["c1"] = c1 = ticket(campus=campus, lead=C, received_at=r, status="dispatched")
    clock(c1, "response", due=at(2027, 1, 1, 10, 0))

    r = at(2026, 12, 1, 9, 0)
    t["n1"] = n1 = ticket(campus=campus, lead=None, received_at=r, status="new")
    clock(n1, "dispatch", due=at(2026, 12, 2, 0, 0))

    for name, r in (("x1", at(2026, 8, 31, 23, 59)), ("x2", at(2027, 1, 1, 0, 0))):
        t[name] = x = ticket(campus=campus, lead=A, received_at=r, status="handling")
        clock(x, "response", due=day(r, -1))  # missed
        followup(x, 1, "dissatisfied", False)
    return Known(tickets=t, units=units)


@pytest.fixture
def as_of() -> Callable[[], dt.datetime]:
    return lambda: AS_OF
