"""Ledger pages (R8.1): who gets in (R10.3), what they see, and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.ledger.conftest import bulk_tickets

pytestmark = pytest.mark.django_db
URL = "/ledger/"


def client_for(person, username: str) -> Client:
    client = Client()
    client.force_login(person(username))
    return client


def row_numbers(response) -> list[str]:
    return [row["number"] for row in response.context["page"].rows]


def test_anonymous_is_sent_to_sign_in(demo_org: None) -> None:
    """The ledger is for signed-in staff."""
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("path", [URL, URL + "summary/", URL + "export.xlsx"])
def test_requester_is_refused_everywhere(person, path: str) -> None:
    """A plain requester gets 403 from the ledger, its summary and its export."""
    assert client_for(person, "student").get(path).status_code == 403


def test_unit_officer_sees_only_their_units_rows(person, make_ticket) -> None:
    """后勤's officer lists 后勤's tickets; the library's officer never sees them (R10.3)."""
    logistics = make_ticket(lead="logistics")
    library = make_ticket(lead="library")

    response = client_for(person, "officer").get(URL)
    assert response.status_code == 200
    assert row_numbers(response) == [logistics.number]
    assert response.context["report"].scope.kind == "unit"
    assert response.context["scope_label"] == "后勤管理处"
    page = response.content.decode()
    assert f'data-number="{logistics.number}"' in page and library.number not in page

    response = client_for(person, "library_officer").get(URL)
    assert row_numbers(response) == [library.number]
    assert logistics.number not in response.content.decode()


def test_office_sees_school_wide_and_filters_apply(person, make_ticket, unit) -> None:
    """The Office sees every unit's tickets; query-string filters narrow the table."""
    logistics = make_ticket(lead="logistics", channel="hotline")
    library = make_ticket(lead="library")
    client = client_for(person, "dispatcher")
    assert set(row_numbers(client.get(URL))) == {logistics.number, library.number}
    assert row_numbers(client.get(URL, {"channel": "hotline"})) == [logistics.number]
    assert row_numbers(client.get(URL, {"unit": unit("library").pk})) == [library.number]
    assert row_numbers(client.get(URL, {"q": "no-such-subject"})) == []


def test_invalid_filter_shows_the_error(person, make_ticket) -> None:
    """An end date before the start date is a 400 with the form error; the other filters still apply."""
    make_ticket()
    response = client_for(person, "dispatcher").get(
        URL, {"received_from": "2026-03-10", "received_to": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "received_to" in response.context["form"].errors


def test_assessor_sees_summary_without_rows(person, make_ticket) -> None:
    """The organization department gets counts, never a row, and no export (R10.3)."""
    ticket = make_ticket(lead="logistics")
    for _ in range(4):
        make_ticket(lead="logistics")
    client = client_for(person, "assessor")
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="ledger-summary" data-total="5"' in page
    assert "ledger-row" not in page and ticket.number not in page and ticket.subject not in page
    assert "page" not in response.context
    assert client.get(URL + "export.xlsx").status_code == 403


def test_summary_fragment_for_htmx(person, make_ticket) -> None:
    """The page loads its summary separately; with HX-Request the answer is just the fragment."""
    make_ticket(lead="logistics", channel="hotline")
    make_ticket(lead="logistics")
    make_ticket(lead="library")
    client = client_for(person, "officer")
    fragment = client.get(URL + "summary/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert 'data-total="2"' in body
    assert 'data-testid="tally-channel-hotline" data-n="1"' in body
    full = client.get(URL + "summary/", {"channel": "hotline"})
    assert "<html" in full.content.decode() and full.context["summary"].total == 1


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["dispatcher", "officer"])
def test_page_query_count_does_not_grow_with_tickets(
    person, beijing, unit, make_ticket, username: str, django_assert_max_num_queries
) -> None:
    """3 or 15 tickets (with co-handlers): the same handful of queries (session, user, roles, choices, rows, count)."""
    make_ticket(lead="nic", cohandlers=("logistics",))
    bulk_tickets(2, campus=beijing, lead_unit=unit("logistics"))
    client = client_for(person, username)
    few = _queries(client, URL)
    bulk_tickets(12, campus=beijing, lead_unit=unit("logistics"))
    with django_assert_max_num_queries(
        10
    ):  # 7 + unread count + saved filters + the Office's bulk-dispatch units
        response = client.get(URL)
    assert len(response.context["page"].rows) == 15
    assert _queries(client, URL) == few
    summary_few = _queries(client, URL + "summary/")
    bulk_tickets(20, campus=beijing, lead_unit=unit("library"), channel="mailbox")
    assert _queries(client, URL + "summary/") == summary_few


def test_paging_links_carry_filters(person, beijing, unit) -> None:
    """The "older" link keeps the filters and moves by cursor; 50 rows a page."""
    bulk_tickets(60, campus=beijing, lead_unit=unit("logistics"), channel="hotline")
    bulk_tickets(5, campus=beijing, lead_unit=unit("logistics"), channel="web")
    client = client_for(person, "officer")
    first = client.get(URL, {"channel": "hotline"})
    page = first.context["page"]
    assert len(page.rows) == 50 and page.next_cursor
    assert f"channel=hotline&amp;after={page.next_cursor}" in first.content.decode()
    second = client.get(URL, {"channel": "hotline", "after": page.next_cursor})
    assert len(second.context["page"].rows) == 10
    assert first.context["count"] == 60 and not first.context["count_capped"]
