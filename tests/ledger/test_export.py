"""The Excel export (R8.1): opens with openpyxl, right headers and rows, masking (R10.2), audit, file name."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from jiesu.ledger.export import headers
from jiesu.ledger.models import LedgerExport
from tests.ledger.conftest import at

pytestmark = pytest.mark.django_db
URL = "/ledger/export.xlsx"
URL_FULL = "/ledger/export-full/"
PHONE, EMAIL = "13812345678", "zhang@example.edu.cn"


def download(person, username: str, **params) -> tuple[list[str], list[list], object]:
    client = Client()
    client.force_login(person(username))
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    assert response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    return rows[0], rows[1:], response


def by_number(rows: list[list]) -> dict[str, list]:
    return {row[0]: row for row in rows}


@time_machine.travel(at(2026, 3, 20, 10, 0), tick=False)
def test_export_has_headers_rows_and_local_times(person, make_ticket, acknowledged_ticket) -> None:
    """Headers in the page's language; one row per ticket, newest first, with wall-clock Asia/Shanghai times."""
    old = make_ticket(
        lead="logistics",
        received_at=at(2026, 3, 2, 8, 30),
        channel="hotline",
        type="complaint",
        overdue_count=1,
        level="department",
        round=2,
    )
    header, rows, _response = download(person, "dispatcher")
    with translation.override("zh-hans"):
        assert header == headers()
    assert len(header) == 27  # R2.6 referral columns, then content, reply, follow-up and closing (issue 14)
    assert [r[0] for r in rows] == [acknowledged_ticket.number, old.number]
    row = by_number(rows)[old.number]
    assert row[1].isoformat() == "2026-03-02T08:30:00"  # naive local time, not UTC 00:30
    assert row[4] == "北京校区" and row[5] == old.subject and row[6] == "后勤管理处"
    assert row[9] == 2
    real = by_number(rows)[acknowledged_ticket.number]
    assert real[10] not in (None, "")  # the response clock was met at acknowledgement
    assert real[11] in (None, "")  # no formal reply yet
    assert real[12] is not None  # a clock is running


@time_machine.travel(at(2026, 3, 20, 10, 0), tick=False)
def test_overdue_flag_and_labels_follow_the_data(person, make_ticket) -> None:
    """The overdue column is set for a clock late now or met late; choice columns carry labels, not codes."""
    late = make_ticket(overdue_count=1)
    ok = make_ticket()
    _header, rows, _response = download(person, "dispatcher")
    rows_by = by_number(rows)
    assert rows_by[late.number][13] != rows_by[ok.number][13]
    assert rows_by[ok.number][2] not in ("web", "") and rows_by[ok.number][8] not in ("handling", "")


def download_full(person, username: str, reason: str = "回访核实联系方式", **params) -> list[list]:
    """The full-contact export: a POST with a reason, the filters in the query string."""
    client = Client()
    client.force_login(person(username))
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.post(URL_FULL + (f"?{query}" if query else ""), {"reason": reason})
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in workbook.active.iter_rows(values_only=True)][1:]


def test_plain_export_masks_every_contact(person, make_ticket) -> None:
    """The plain export masks contacts for everyone, the Office and the lead unit included (issue 17)."""
    ticket = make_ticket(lead="logistics", contact_phone=PHONE, contact_email=EMAIL)
    for username in ("dispatcher", "officer", "leader"):
        _h, rows, _r = download(person, username)
        assert by_number(rows)[ticket.number][16:18] == ["138****5678", "z***@example.edu.cn"]


def test_contacts_full_for_office_leader_may_not_ask(person, make_ticket) -> None:
    """R10.2: the Office's full-contact export is unmasked; a leader, who sees every ticket, may not ask for one."""
    ticket = make_ticket(lead="logistics", contact_phone=PHONE, contact_email=EMAIL)
    rows = download_full(person, "dispatcher")
    assert by_number(rows)[ticket.number][16:18] == [PHONE, EMAIL]
    client = Client()
    client.force_login(person("leader"))
    assert client.get(URL_FULL).status_code == 403
    assert client.post(URL_FULL, {"reason": "想看看联系方式"}).status_code == 403
    assert not LedgerExport.objects.filter(user=person("leader")).exists()


def test_unit_export_masks_cohandled_tickets_only(person, make_ticket) -> None:
    """A unit's full-contact export is full on the tickets it leads and masked on those it only co-handles."""
    led = make_ticket(lead="logistics", contact_phone=PHONE)
    cohandled = make_ticket(lead="nic", cohandlers=("logistics",), contact_phone=PHONE)
    foreign = make_ticket(lead="library")
    rows_by = by_number(download_full(person, "officer"))
    assert set(rows_by) == {led.number, cohandled.number}
    assert foreign.number not in rows_by
    assert rows_by[led.number][16] == PHONE
    assert rows_by[cohandled.number][16] == "138****5678"


def test_export_is_audited_with_filters(person, make_ticket) -> None:
    """Each export leaves a LedgerExport row: who, scope, filters, row count, whether contacts were full."""
    make_ticket(lead="logistics", channel="hotline")
    make_ticket(lead="logistics")
    download(person, "officer", channel="hotline")
    record = LedgerExport.objects.get()
    assert record.user == person("officer")
    assert record.source == "web" and record.scope == "unit"
    assert record.filters["channel"] == "hotline" and record.filters["units"]
    assert record.row_count == 1 and record.full_contacts is False and record.reason == ""
    download(person, "leader")
    assert LedgerExport.objects.filter(user=person("leader"), full_contacts=False, row_count=2).exists()


@time_machine.travel(at(2026, 3, 20, 23, 30), tick=False)
def test_file_name_is_dated_and_rfc5987_encoded(person, make_ticket) -> None:
    """台账_YYYYMMDD.xlsx in the local date, sent as filename*=utf-8''… for non-ASCII names."""
    make_ticket()
    _h, _rows, response = download(person, "dispatcher")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" + quote("台账_20260320.xlsx") in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")


def test_text_is_never_a_formula(person, make_ticket) -> None:
    """A subject starting with "=" stays text in the workbook (no formula injection); control characters go."""
    ticket = make_ticket(subject='=HYPERLINK("http://evil","x")', requester_name="张\x07三")
    client = Client()
    client.force_login(person("dispatcher"))
    raw = b"".join(client.get(URL).streaming_content)
    workbook = load_workbook(io.BytesIO(raw))
    cells = {row[0].value: row for row in workbook.active.iter_rows(min_row=2)}
    subject = cells[ticket.number][5]
    assert subject.data_type == "s" and subject.value == ticket.subject
    assert cells[ticket.number][15].value == "张三"
