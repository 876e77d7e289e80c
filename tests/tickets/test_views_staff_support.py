"""Helpers shared by the staff page and ticket page tests (this module holds no tests).

Tickets are walked to the wanted state through the services, as a person would through the pages, so the
view tests exercise real data: a web request from the demo student, led by 后勤管理处 (logistics).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiesu.org.models import Campus, Unit, User
from jiesu.tickets import services
from jiesu.tickets.models import Reply, Ticket

PHONE = "13812345678"
HEATING = "宿舍楼3号楼302室暖气不热，室温只有12度，请尽快维修。"
THIRD_PARTY_TEXT = "经核实，该问题属于运营商线路故障，请您自行联系运营商客服处理。"


def user(username: str) -> User:
    """A fresh copy of a demo person (no cached roles)."""
    return User.objects.get(username=username)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def new_ticket(content: str = HEATING, requester: str = "student") -> Ticket:
    """A web request awaiting dispatch (R4.5)."""
    person = user(requester)
    if not person.phone:
        person.phone = PHONE
        person.save(update_fields=["phone"])
    created = services.ticket_create(
        actor=person,
        channel="web",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        content=content,
        requester=person,
    )
    return created.ticket


def dispatched(content: str = HEATING, lead: str = "logistics", cohandling: Sequence[str] = ()) -> Ticket:
    """Dispatched to ``lead`` and awaiting its acknowledgement (R4.1)."""
    ticket = new_ticket(content)
    services.ticket_dispatch(
        actor=user("dispatcher"),
        ticket=ticket,
        lead_unit=unit(lead),
        cohandling_units=[unit(code) for code in cohandling],
    )
    ticket.refresh_from_db()
    return ticket


def handling(level: str = "direct", content: str = HEATING, cohandling: Sequence[str] = ()) -> Ticket:
    """Acknowledged by the logistics officer, with its level set (R4.2)."""
    ticket = dispatched(content, cohandling=cohandling)
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level=level)
    ticket.refresh_from_db()
    return ticket


def pending(body: str = "已安排维修师傅今天下午上门检修暖气。", content: str = HEATING) -> Ticket:
    """A formal reply awaiting the logistics head's approval (R4.3)."""
    ticket = handling(content=content)
    services.reply_submit(actor=user("officer"), ticket=ticket, body=body)
    ticket.refresh_from_db()
    return ticket


def pending_reply(ticket: Ticket) -> Reply:
    return Reply.objects.get(ticket=ticket, stage=Reply.Stage.FORMAL, state=Reply.State.PENDING)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def queries_for(client: Client, url: str) -> int:
    """How many queries one GET of ``url`` runs (asserting it renders)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)
