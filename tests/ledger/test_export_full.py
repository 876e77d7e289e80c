"""Full-contact exports (issue 17 item 4): a reason first, an audit log the Office and inspectors read, and a
history row on every exported ticket, written set-based."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiesu.ledger import services
from jiesu.ledger.models import LedgerExport
from jiesu.ledger.permissions import Scope, ScopeKind
from jiesu.ledger.reports import LedgerFilter, LedgerReport
from jiesu.tickets.models import Event
from tests.ledger.conftest import bulk_tickets

pytestmark = pytest.mark.django_db
URL_FULL = "/ledger/export-full/"
LOG = "/ledger/exports/"


def client_for(person, username: str) -> Client:
    client = Client()
    client.force_login(person(username))
    return client


def exported_events() -> dict[int, Event]:
    return {e.ticket_id: e for e in Event.objects.filter(action="contacts_exported")}


@pytest.mark.parametrize("reason", ["", "   ", "查", "核查\x00联系"])
def test_full_export_needs_a_reason(person, make_ticket, reason: str) -> None:
    """No (or a blank, too short or control-character) reason: the form again with a Chinese error; nothing
    is exported or recorded."""
    make_ticket(lead="logistics")
    response = client_for(person, "dispatcher").post(URL_FULL, {"reason": reason})
    assert response.status_code == 400
    assert not response.streaming
    assert response.context["form"].errors["reason"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.context["form"].errors["reason"][0])
    assert not LedgerExport.objects.exists()
    assert not exported_events()


def test_form_page_carries_the_filters(person, make_ticket) -> None:
    """GET shows the reason form, posting back to the same filters."""
    response = client_for(person, "dispatcher").get(URL_FULL, {"channel": "hotline"})
    assert response.status_code == 200
    assert 'action="/ledger/export-full/?channel=hotline"' in response.content.decode()


def test_full_export_records_reason_and_notes_each_ticket(person, make_ticket) -> None:
    """The audit row has the reason and the count of unmasked rows; exactly those tickets' history notes it."""
    led = make_ticket(lead="logistics", contact_phone="13812345678")
    cohandled = make_ticket(lead="nic", cohandlers=("logistics",))
    make_ticket(lead="library")
    response = client_for(person, "officer").post(URL_FULL, {"reason": "逐一回访核实"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    assert len(rows) == 3  # header + led + co-handled
    record = LedgerExport.objects.get()
    assert record.full_contacts and record.reason == "逐一回访核实"
    assert record.row_count == 2 and record.full_count == 1
    events = exported_events()
    assert set(events) == {led.pk}  # the co-handled row was masked: nothing of it left
    event = events[led.pk]
    assert event.actor == person("officer") and event.reason == "逐一回访核实"
    assert event.after == {"export": record.pk} and not event.public
    assert cohandled.pk not in events


def test_history_rows_are_written_set_based(person, beijing, unit) -> None:
    """The history of a full-contact export costs the same few queries for 5 tickets or 4,500."""

    def record_queries(count: int) -> int:
        tickets = bulk_tickets(count, campus=beijing, lead_unit=unit("logistics"))
        report = LedgerReport(user=None, scope=Scope(ScopeKind.SCHOOL), filters=LedgerFilter())
        with CaptureQueriesContext(connection) as queries:
            services.ledger_export_record(
                actor=person("dispatcher"),
                report=report,
                row_count=count,
                source=LedgerExport.Source.WEB,
                full_contacts=True,
                reason="批量核查",
                full_ids=[t.pk for t in tickets],
            )
        return len(queries)

    small, large = record_queries(5), record_queries(4500)
    # Batched inserts (2,000 a batch; SQLite's bound on parameters splits them smaller), never one per ticket.
    assert large - small <= 4500 // 80
    assert Event.objects.filter(action="contacts_exported").count() == 4505


@pytest.mark.parametrize("username", ["dispatcher", "inspector"])
def test_office_and_inspectors_read_the_log(person, make_ticket, username: str) -> None:
    """The export log lists who, when, filters, rows and the reason."""
    make_ticket(lead="logistics")
    client_for(person, "officer").post(URL_FULL + "?channel=web", {"reason": "逐一回访核实"})
    response = client_for(person, username).get(LOG)
    assert response.status_code == 200
    page = response.content.decode()
    assert "逐一回访核实" in page and "渠道: web" in page
    assert person("officer").get_full_name() in page


@pytest.mark.parametrize("username", ["officer", "leader", "assessor"])
def test_others_may_not_read_the_log(person, username: str) -> None:
    """Unit members, leaders and the organization department get 403; a visitor signs in first."""
    assert client_for(person, username).get(LOG).status_code == 403
    assert Client().get(LOG).status_code == 302


def test_history_page_names_the_export(person, make_ticket) -> None:
    """The ticket page's history shows the export in words."""
    ticket = make_ticket(lead="logistics", number="20260310-000777")
    client_for(person, "dispatcher").post(URL_FULL, {"reason": "逐一回访核实"})
    page = client_for(person, "dispatcher").get(f"/tickets/{ticket.number}/").content.decode()
    assert "逐一回访核实" in page


def test_log_page_queries_do_not_grow_with_the_exports(person, make_ticket) -> None:
    """The log reads each page of exports with their people in a constant number of queries."""
    make_ticket(lead="logistics")
    office = client_for(person, "dispatcher")

    def queries_after(exports: int) -> int:
        for _ in range(exports):
            client_for(person, "officer").post(URL_FULL, {"reason": "逐一回访核实"})
        with CaptureQueriesContext(connection) as queries:
            assert office.get(LOG).status_code == 200
        return len(queries)

    assert queries_after(1) == queries_after(4)
