"""Issue 12 item 11 (R10.4, R4.9): the database itself refuses changing or erasing history and breaches, on
SQLite and PostgreSQL alike; tickets and clocks are never deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from jiesu.tickets.models import Breach, Clock, Event, Ticket
from jiesu.worker.sweep import run_sweep
from tests.support import at, web_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def breached(time_machine: Any, demo_org: None) -> Ticket:
    """A web request whose dispatch deadline (end of its day of receipt) the sweep recorded as missed."""
    time_machine.move_to(at(2026, 3, 10, 9), tick=False)
    ticket = web_request()
    run_sweep(now=at(2026, 3, 11, 0, 5))
    assert Breach.objects.filter(ticket=ticket).count() == 1
    return ticket


def _raw(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("tickets_event", "UPDATE tickets_event SET reason = 'tampered' WHERE ticket_id = %s"),
        ("tickets_event", "DELETE FROM tickets_event WHERE ticket_id = %s"),
        ("tickets_breach", "UPDATE tickets_breach SET due_at = recorded_at WHERE ticket_id = %s"),
        ("tickets_breach", "DELETE FROM tickets_breach WHERE ticket_id = %s"),
    ],
)
def test_raw_sql_cannot_change_or_erase_history_or_breaches(breached: Ticket, table: str, sql: str) -> None:
    """R10.4: a trigger refuses UPDATE and DELETE on the history and on breaches, whoever sends them; the rows
    stay as they were."""
    events = list(Event.objects.filter(ticket=breached).values_list("id", "reason"))
    breaches = list(Breach.objects.filter(ticket=breached).values_list("id", "due_at"))
    with pytest.raises(IntegrityError, match="append-only"):
        _raw(sql, [breached.pk])
    assert list(Event.objects.filter(ticket=breached).values_list("id", "reason")) == events
    assert list(Breach.objects.filter(ticket=breached).values_list("id", "due_at")) == breaches


def test_inserting_history_and_breaches_still_works(breached: Ticket) -> None:
    """The triggers refuse changes only: the services keep appending rows."""
    clock = Clock.objects.get(ticket=breached, kind="dispatch")
    assert Breach.objects.get(clock=clock).due_at == at(2026, 3, 11)
    assert Event.objects.filter(ticket=breached, action="create").exists()


def test_the_orm_refuses_too(breached: Ticket) -> None:
    """R4.9 / R10.4: breaches, clocks and tickets refuse deletion in the ORM with a clear error."""
    with pytest.raises(RuntimeError, match="append-only"):
        Breach.objects.filter(ticket=breached).delete()
    with pytest.raises(RuntimeError, match="append-only"):
        Breach.objects.filter(ticket=breached).update(due_at=at(2026, 3, 12))
    with pytest.raises(RuntimeError, match="superseded"):
        Clock.objects.filter(ticket=breached).delete()
    with pytest.raises(ProtectedError, match="never deleted"):
        Ticket.objects.filter(pk=breached.pk).delete()
    with pytest.raises(ProtectedError, match="never deleted"):
        breached.delete()
    assert Ticket.objects.filter(pk=breached.pk).exists()


def test_raw_sql_cannot_delete_a_ticket_with_history(breached: Ticket) -> None:
    """R10.4: deleting a ticket would orphan its history: the database's foreign keys refuse it (checked at the
    commit, here asked for at once), and nothing cascades to the history."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tickets_ticket WHERE id = %s", [breached.pk])
        connection.check_constraints()
    assert Ticket.objects.filter(pk=breached.pk).exists()
    assert Event.objects.filter(ticket=breached).exists()


def test_demo_reset_is_refused_with_directions(demo_org: None) -> None:
    """The demo's --reset cannot delete tickets (their history is append-only): it says to start from a fresh
    database instead, and changes nothing."""
    call_command("demo-data", "--tickets", "3", "--days", "2", "--seed", "7", "--quiet")
    count = Ticket.objects.count()
    with pytest.raises(CommandError, match="fresh database"):
        call_command("demo-data", "--tickets", "3", "--days", "2", "--seed", "7", "--quiet", "--reset")
    assert Ticket.objects.count() == count


def test_a_reset_on_an_empty_database_just_loads(demo_org: None) -> None:
    """Nothing to delete, nothing refused: `--reset` on a fresh database loads the demo (its tickets; the
    channels' letters and visits are left out to count them)."""
    call_command(
        "demo-data", "--tickets", "3", "--days", "2", "--seed", "7", "--quiet", "--reset", "--no-channels"
    )
    assert Ticket.objects.count() == 3
