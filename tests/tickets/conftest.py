"""Ticket fixtures: a web request from the demo student, and helpers to walk it through the lifecycle."""

from __future__ import annotations

import pytest
from django.test import Client

from jiesu.org.models import Campus, Unit, User
from jiesu.tickets import services
from jiesu.tickets.models import Ticket


@pytest.fixture
def unit(demo_org: None):
    def get(code: str) -> Unit:
        return Unit.objects.get(code=code)

    return get


@pytest.fixture
def beijing(demo_org: None) -> Campus:
    return Campus.objects.get(code="beijing")


@pytest.fixture
def web_ticket(person, beijing: Campus):
    """A web request from the demo student, awaiting dispatch."""

    def make(
        content: str = "宿舍楼3号楼302室暖气不热，室温只有12度，请尽快维修。", **extra: object
    ) -> Ticket:
        student: User = person("student")
        student.phone = "13812345678"
        student.save(update_fields=["phone"])
        created = services.ticket_create(
            actor=student,
            channel="web",
            type="help",
            campus=beijing,
            content=content,
            requester=student,
            **extra,
        )
        return created.ticket

    return make


@pytest.fixture
def handling_ticket(web_ticket, person, unit):
    """A web request dispatched to 后勤管理处 and acknowledged by its officer, at level ``level``."""

    def make(level: str = "direct", **extra: object) -> Ticket:
        ticket = web_ticket(**extra)
        services.ticket_dispatch(actor=person("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
        services.ticket_acknowledge(actor=person("officer"), ticket=ticket)
        services.ticket_set_level(actor=person("officer"), ticket=ticket, level=level)
        ticket.refresh_from_db()
        return ticket

    return make


@pytest.fixture
def student_client(client: Client, person) -> Client:
    """The student, signed in, with a phone number to be called back on."""
    student = person("student")
    student.phone = "13812345678"
    student.save(update_fields=["phone"])
    client.force_login(student)
    return client
