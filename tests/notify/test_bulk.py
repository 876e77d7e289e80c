"""The sweep's entry point (issue 5 §3–4): ``notify_bulk`` resolves recipients for any number of alerts in a
constant number of queries and inserts the rows in batches."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiesu.notify.models import Notification, Outbox
from jiesu.notify.services import BATCH_SIZE, Alert, notify_bulk
from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import Status
from tests.support import drive, told, unit, user, web_request

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def _dispatched(count: int, lead: str = "logistics") -> list[Ticket]:
    tickets = []
    for _ in range(count):
        ticket = web_request()
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit(lead))
        tickets.append(ticket)
    return tickets


def _alerts(tickets: list[Ticket]) -> list[Alert]:
    """Each ticket overdue, due soon on its co-handling request to 图书馆, and closed (to its requester)."""
    due = DUE.isoformat()
    alerts = []
    for t in tickets:
        alerts.append(Alert("overdue", t.pk, {"clock": "response", "round": 1, "due_at": due}))
        alerts.append(
            Alert("due_soon", t.pk, {"clock": "cohandling", "unit_id": unit("library").pk, "due_at": due})
        )
        alerts.append(Alert("closed", t.pk, {}))
    return alerts


def _queries(alerts: list[Alert]) -> int:
    with CaptureQueriesContext(connection) as captured:
        notify_bulk(alerts)
    return len(captured.captured_queries)


def test_recipients_for_many_alerts_cost_a_constant_number_of_queries(demo_org: None) -> None:
    """3 tickets' alerts and 12 tickets' alerts run the same queries: tickets, memberships, requesters, and
    one insert each for inbox and outbox rows (no query per alert or per person)."""
    few = _queries(_alerts(_dispatched(3)))
    many = _queries(_alerts(_dispatched(12, lead="nic")))
    assert few == many, (few, many)
    assert many <= 5, many


def test_overdue_alerts_reach_the_lead_unit_once_each(demo_org: None) -> None:
    """overdue → the lead unit's head and officer, one inbox row each per alert, with the clock and due time."""
    [ticket] = _dispatched(1)
    written = notify_bulk([Alert("overdue", ticket.pk, {"clock": "response", "due_at": DUE.isoformat()})])
    assert told("overdue", ticket) == {"head", "officer"}
    assert written == 4  # two inbox rows, two emails
    note = Notification.objects.get(event="overdue", recipient__username="head")
    assert note.title == f"已超时：{ticket.number}（回应受理）"
    assert timezone.localtime(DUE).strftime("%Y-%m-%d %H:%M") in note.body


def test_a_cohandling_clock_alert_goes_to_the_unit_asked(demo_org: None) -> None:
    """R4.4: the co-handling request's clock belongs to the asked unit, not the lead unit."""
    [ticket] = _dispatched(1)
    notify_bulk([Alert("due_soon", ticket.pk, {"clock": "cohandling", "unit_id": unit("library").pk})])
    assert told("due_soon", ticket) == {"library_head", "library_officer"}


def test_a_followup_due_alert_reminds_the_lead_unit(demo_org: None) -> None:
    """R4.6: followup_due → the lead unit, asking for the call."""
    ticket = drive(Status.REPLIED)
    notify_bulk([Alert("followup_due", ticket.pk, {"clock": "followup", "due_at": DUE.isoformat()})])
    assert told("followup_due", ticket) == {"head", "officer"}
    assert Notification.objects.filter(event="followup_due").first().title == f"待回访：{ticket.number}"  # type: ignore[union-attr]


def test_alerts_for_tickets_awaiting_dispatch_go_to_the_office_and_unknown_ones_write_nothing(
    demo_org: None,
) -> None:
    """A ticket still awaiting dispatch has no unit to tell: its clocks are the Office's (R4.5); unknown
    events and missing tickets are skipped."""
    ticket = web_request()
    assert (
        notify_bulk([Alert("no_such_event", ticket.pk, {}), Alert("overdue", 999_999, {"clock": "response"})])
        == 0
    )
    assert notify_bulk([Alert("overdue", ticket.pk, {"clock": "dispatch"})]) > 0
    assert told("overdue", ticket) == {"dispatcher"}


def test_a_persons_messages_of_one_batch_are_merged_per_channel(demo_org: None) -> None:
    """Three tickets breach in one sweep batch: the head gets three inbox lines but one email listing all
    three, with links; a single alert keeps its own words (see above)."""
    tickets = _dispatched(3)
    notify_bulk([Alert("overdue", t.pk, {"clock": "response", "due_at": DUE.isoformat()}) for t in tickets])
    assert Notification.objects.filter(event="overdue", recipient__username="head").count() == 3
    [mail] = Outbox.objects.filter(event="overdue", address="head@demo.jiesu.edu.cn")
    assert mail.event == "overdue"
    assert mail.subject == "【接诉即办】您有 3 条工单提醒"
    for ticket in tickets:
        assert f"已超时：{ticket.number}（回应受理）" in mail.body
        assert f"/tickets/{ticket.number}/" in mail.body


def test_large_batches_are_inserted_in_chunks(demo_org: None) -> None:
    """1,200 alerts → 2,400 inbox rows in batched inserts (500 rows a statement, or fewer where the database
    limits the parameters of one statement, as SQLite does) and one merged email per person."""
    [ticket] = _dispatched(1)
    alerts = [Alert("overdue", ticket.pk, {"clock": "response", "due_at": DUE.isoformat()})] * 1200
    with CaptureQueriesContext(connection) as captured:
        written = notify_bulk(alerts)
    assert written == 2402
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    per_statement = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [Notification()] * 2400))
    assert len(inserts) == math.ceil(2400 / per_statement) + 1
    merged = Outbox.objects.get(event="overdue", address="head@demo.jiesu.edu.cn")
    assert "… 另有 1100 条，请在站内通知中查看。" in merged.body
