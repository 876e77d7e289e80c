"""Ledger fixtures: tickets written straight to the table (fast, exact) and one walked through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jiesu.org.models import Campus, Unit, User
from jiesu.tickets import services
from jiesu.tickets.models import Ticket, TicketCohandlingUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def ticket_row(**fields: Any) -> Ticket:
    """An unsaved Ticket with the columns the ledger reads; override any of them."""
    n = next(_serial)
    defaults: dict[str, Any] = {
        "number": f"T{n:08d}",
        "tracking_code_hash": "x" * 64,
        "type": "help",
        "channel": "web",
        "subject": f"事项{n}",
        "content": f"诉求内容{n}",
        "requester_kind": "student",
        "requester_name": f"学生{n}",
        "contact_phone": "13812345678",
        "contact_email": "zhang@example.edu.cn",
        # Always on 2026-03-10, 09:00–19:00, whatever ran before: date filters in tests stay exact.
        "received_at": at(2026, 3, 10, 9, 0) + dt.timedelta(seconds=n % 36_000),
        "status": "handling",
    }
    defaults.update(fields)
    return Ticket(**defaults)


def bulk_tickets(count: int, *, campus: Campus, lead_unit: Unit | None, **fields: Any) -> list[Ticket]:
    """Write ``count`` tickets in batches, bypassing the services (only for reading tests and benchmarks)."""
    rows = [ticket_row(campus=campus, lead_unit=lead_unit, **fields) for _ in range(count)]
    return Ticket.objects.bulk_create(rows, batch_size=1000)


@pytest.fixture
def unit(demo_org: None) -> Callable[[str], Unit]:
    def get(code: str) -> Unit:
        return Unit.objects.get(code=code)

    return get


@pytest.fixture
def beijing(demo_org: None) -> Campus:
    return Campus.objects.get(code="beijing")


@pytest.fixture
def other_campus(demo_org: None) -> Campus:
    return Campus.objects.exclude(code="beijing").first()  # type: ignore[return-value]


@pytest.fixture
def make_ticket(beijing: Campus, unit: Callable[[str], Unit]) -> Callable[..., Ticket]:
    """make_ticket(lead="logistics", cohandlers=("nic",), **columns) → a saved ticket."""

    def make(lead: str | None = "logistics", cohandlers: tuple[str, ...] = (), **fields: Any) -> Ticket:
        fields.setdefault("campus", beijing)
        ticket = ticket_row(lead_unit=unit(lead) if lead else None, **fields)
        ticket.save()
        for code in cohandlers:
            TicketCohandlingUnit.objects.create(ticket=ticket, unit=unit(code))
        return ticket

    return make


@pytest.fixture
def acknowledged_ticket(
    person: Callable[[str], User], beijing: Campus, unit: Callable[[str], Unit]
) -> Ticket:
    """A real web request from the demo student, dispatched to 后勤管理处 and acknowledged (response clock met), level direct (reply clock running)."""
    student = person("student")
    student.phone = "13987654321"
    student.save(update_fields=["phone"])
    created = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=beijing,
        requester=student,
        content="宿舍楼3号楼302室暖气不热，室温只有12度，请尽快维修。",
    )
    services.ticket_dispatch(actor=person("dispatcher"), ticket=created.ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=person("officer"), ticket=created.ticket)
    services.ticket_set_level(actor=person("officer"), ticket=created.ticket, level="direct")
    created.ticket.refresh_from_db()
    return created.ticket
