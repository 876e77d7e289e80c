"""Every ticket service runs in one transaction (conventions: no half-written state). SQLite ignores
``select_for_update`` outside a transaction, so a missing ``@transaction.atomic`` would only show on
PostgreSQL — this test catches it on both."""

from __future__ import annotations

import inspect

import pytest
from django.db import connection

from jiesu.tickets import services
from tests.tickets.test_services_support import drive, user

WRITERS = sorted(
    name
    for name in services.__all__
    if inspect.isfunction(getattr(services, name))
    and name
    not in {"publish", "subscribe", "unsubscribe", "subscribe_in_transaction", "unsubscribe_in_transaction"}
    and name != "flags_third_party"
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
