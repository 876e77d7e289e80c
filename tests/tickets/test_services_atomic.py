"""Every ticket service runs in one transaction (conventions: no half-written state). SQLite ignores
``select_for_update`` outside a transaction, so a missing ``@transaction.atomic`` would only show on
PostgreSQL — this test catches it on both."""

from __future__ import annotations

import inspect

import pytest
from django.db import connection

from jiesu.tickets import services
from tests.support import drive, user

# Intake validates and computes before it takes SQLite's single write lock, then writes in one transaction.
OPENS_ITS_OWN = {"ticket_create", "ticket_create_many"}  # they validate before their transaction opens

WRITERS = sorted(
    name
    for name in services.__all__
    if inspect.isfunction(getattr(services, name))
    and name
    not in {"publish", "subscribe", "unsubscribe", "subscribe_in_transaction", "unsubscribe_in_transaction"}
    and name != "flags_third_party"
    and name not in OPENS_ITS_OWN
)


@pytest.mark.parametrize("name", WRITERS)
def test_each_service_is_atomic(name: str) -> None:
    """The service function is wrapped by ``transaction.atomic`` (its decorator leaves ``__wrapped__``)."""
    function = getattr(services, name)
    assert hasattr(function, "__wrapped__"), f"{name} is not decorated with @transaction.atomic"


@pytest.mark.django_db
def test_a_service_call_runs_inside_a_transaction(demo_org: None, monkeypatch) -> None:
    """Seen from inside: when the service locks the ticket, the connection is in a transaction."""
    from jiesu.tickets.services import base

    seen: list[bool] = []
    original = base.lock

    def spy(ticket):  # type: ignore[no-untyped-def]
        seen.append(connection.in_atomic_block)
        return original(ticket)

    ticket = drive("handling", level="direct", cohandling=False)  # type: ignore[arg-type]
    monkeypatch.setattr(base, "lock", spy)
    services.ticket_set_level(
        actor=user("officer"), ticket=ticket, level="department", reason="需要本部门研究。"
    )
    assert seen == [True]


@pytest.mark.django_db
def test_intake_writes_everything_in_one_transaction(demo_org: None, monkeypatch) -> None:
    """Intake's number, rows, history and outbox are written inside one transaction; a failure in the middle
    leaves no ticket, no history and no used number behind."""
    from jiesu.tickets.models import Event, Ticket, TicketSequence
    from jiesu.tickets.services import base
    from tests.support import web_request

    seen: list[bool] = []
    original = base.reserve_numbers  # single and bulk intake take their numbers here

    def spy(day, count=1):  # type: ignore[no-untyped-def]
        seen.append(connection.in_atomic_block)
        return original(day, count)

    monkeypatch.setattr(base, "reserve_numbers", spy)
    web_request()
    assert seen == [True]

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    before = (Ticket.objects.count(), Event.objects.count(), list(TicketSequence.objects.values_list("last")))
    monkeypatch.setattr(base, "record_many", broken)  # the "create" history row, written after the ticket
    with pytest.raises(RuntimeError):
        web_request()
    after = (Ticket.objects.count(), Event.objects.count(), list(TicketSequence.objects.values_list("last")))
    assert after == before
