"""The ledger as a working tool (issue 14 item 6): rows open the ticket; the page and the Excel export show the
content, the formal reply, the follow-up (satisfaction, resolved) and when and how the ticket was closed."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jiesu.ledger.export import headers
from jiesu.tickets.states import Status
from tests.support import HEATING, drive, signed_in

pytestmark = pytest.mark.django_db


def test_a_row_opens_its_ticket_and_shows_how_it_ended(demo_org: None) -> None:
    """The number links to the ticket page (which opens), and the row carries the content, the sent formal
    reply, the follow-up verdict and the closing time and kind."""
    ticket = drive(Status.CLOSED_EXPLAINED)
    client = signed_in("dispatcher")
    page = client.get("/ledger/").content.decode()
    assert f'href="/tickets/{ticket.number}/" data-testid="ledger-open"' in page
    assert client.get(f"/tickets/{ticket.number}/").status_code == 200
    row = page[page.index(f'data-number="{ticket.number}"') :]
    row = row[: row.index("</tr>")]
    assert HEATING[:20] in row
    assert "经核实，该事项不属于本处职责范围。" in row
    assert "基本满意 · 未解决" in row
    closed = row.split('data-testid="ledger-closed"')[1]
    assert "已解释办结" in closed


def test_an_open_ticket_shows_no_closing(demo_org: None) -> None:
    """A ticket still being handled has no reply, no follow-up and no closing yet."""
    ticket = drive(Status.HANDLING)
    page = signed_in("dispatcher").get("/ledger/").content.decode()
    row = page[page.index(f'data-number="{ticket.number}"') :]
    row = row[: row.index("</tr>")]
    for column in ("ledger-reply", "ledger-followup", "ledger-closed"):
        assert f'data-testid="{column}">—</td>' in row


def test_the_export_has_the_same_working_columns(demo_org: None) -> None:
    """The workbook carries content, formal reply, satisfaction, resolved, closing time and kind."""
    ticket = drive(Status.CLOSED_EXPLAINED)
    response = signed_in("dispatcher").get("/ledger/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    header = rows[0]
    assert header == headers()
    row = next(r for r in rows[1:] if r[0] == ticket.number)
    named = dict(zip(header, row, strict=True))
    assert named["诉求内容"] == HEATING
    assert named["正式答复"] == "经核实，该事项不属于本处职责范围。"
    assert named["满意情况"] == "基本满意"
    assert named["是否解决"] == "否"
    assert named["结案时间"] is not None
    assert named["结案方式"] == "已解释办结"


def test_saved_filters_are_the_owners_and_reopen_the_filtered_ledger(demo_org: None) -> None:
    """The Office saves the current filters under a name; the link reopens them; nobody else sees it; paging
    cursors are not saved; deleting works only on one's own."""
    from jiesu.ledger.models import SavedFilter

    client = signed_in("dispatcher")
    response = client.post(
        "/ledger/filters/save/", {"name": "本周超期", "query": "overdue=on&channel=hotline&after=123.4"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ledger/?overdue=on&channel=hotline"
    saved = SavedFilter.objects.get(name="本周超期")
    assert saved.user.username == "dispatcher" and saved.query == "overdue=on&channel=hotline"
    page = client.get("/ledger/").content.decode()
    assert 'href="/ledger/?overdue=on&amp;channel=hotline" data-testid="saved-filter">本周超期</a>' in page
    assert 'data-testid="saved-filter">本周超期' not in signed_in("head").get("/ledger/").content.decode()
    signed_in("head").post(f"/ledger/filters/{saved.pk}/delete/")
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    client.post(f"/ledger/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_a_filter_without_a_name_is_refused_in_chinese(demo_org: None) -> None:
    """No name: nothing saved, a Chinese message, back on the same filters."""
    from jiesu.ledger.models import SavedFilter

    client = signed_in("dispatcher")
    response = client.post("/ledger/filters/save/", {"name": "  ", "query": "channel=hotline"}, follow=True)
    assert not SavedFilter.objects.exists()
    assert "请为筛选条件命名。" in response.content.decode()


def test_the_office_dispatches_ticked_new_requests_from_the_ledger(demo_org: None) -> None:
    """Each ticked new request is dispatched through the service to the chosen unit; one already dispatched is
    refused in words without stopping the others; only the Office gets the form."""
    from jiesu.org.models import Unit
    from jiesu.tickets.models import Ticket

    first, second = drive(Status.NEW), drive(Status.NEW)
    taken = drive(Status.DISPATCHED)
    client = signed_in("dispatcher")
    page = client.get("/ledger/").content.decode()
    assert 'data-testid="bulk-dispatch"' in page
    assert f'value="{first.number}" form="bulk-dispatch"' in page
    assert f'value="{taken.number}" form="bulk-dispatch"' not in page  # only new requests can be ticked
    library = Unit.objects.get(code="library")
    response = client.post(
        "/ledger/dispatch/",
        {"tickets": [first.number, second.number, taken.number], "lead_unit": library.pk, "query": ""},
        follow=True,
    )
    text = response.content.decode()
    assert Ticket.objects.get(pk=first.pk).lead_unit == library
    assert Ticket.objects.get(pk=second.pk).status == Status.DISPATCHED
    assert Ticket.objects.get(pk=taken.pk).lead_unit.code == "logistics"
    assert f"{taken.number} 未派出" in text
    assert "已将 2 件派至图书馆" in text
    assert 'data-testid="bulk-dispatch"' not in signed_in("head").get("/ledger/").content.decode()
    assert signed_in("head").post("/ledger/dispatch/", {"tickets": [first.number]}).status_code == 403
