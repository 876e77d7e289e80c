"""Migration tickets/0006 (issue 11): requests still waiting in the old staging table become tickets before the
table is dropped, so no number a client was given is lost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiesu.org.models import Campus
from jiesu.tickets.models import Clock, Event, Ticket
from jiesu.tickets.services.base import tracking_code_matches

BEFORE = [("tickets", "0005_staged_intake")]


@pytest.mark.django_db(transaction=True)
def test_a_waiting_staged_request_is_recorded_by_the_migration(demo_org: None) -> None:
    """A duty-room call accepted through the API but never recorded becomes a ticket with its number, its
    requester's tracking code, its response and dispatch clocks and its "create" history."""
    campus = Campus.objects.get(code="beijing")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("tickets", "TicketSequence").objects.create(day="2026-11-30", last=7)
    old.get_model("tickets", "StagedIntake").objects.create(
        number="20261130-000007",
        accepted_at="2026-11-30T02:00:00+00:00",
        payload={
            "ticket": {
                "type": "help",
                "channel": "duty_room",
                "campus_id": campus.pk,
                "subject": "3号楼暖气不热",
                "content": "3号楼302室暖气不热，请维修。",
                "requester_name": "王子涵",
                "requester_kind": "student",
                "contact_phone": "13812345678",
                "received_at": "2026-11-30T10:00:00+08:00",
                "urgent": False,
                "round": 1,
            },
            "tracking_code": "ABCDEFGH23",
            "acknowledge_at": None,
        },
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ticket = Ticket.objects.get(number="20261130-000007")
    assert ticket.status == "new" and ticket.requester_name == "王子涵"
    assert tracking_code_matches(ticket, "ABCD-EFGH23")
    assert set(Clock.objects.filter(ticket=ticket).values_list("kind", flat=True)) == {"response", "dispatch"}
    assert ticket.next_due_at is not None
    assert list(Event.objects.filter(ticket=ticket).values_list("action", flat=True)) == ["create"]
    assert "tickets_stagedintake" not in connection.introspection.table_names()
