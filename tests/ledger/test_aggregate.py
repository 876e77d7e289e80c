"""The organization department's ledger summary (R10.3, issue 17 item 2): aggregates only — no search by number or
words, and no count under 5 (nor one that could be worked out from what is shown)."""

from __future__ import annotations

import pytest
from django.test import Client

from jiesu.ledger.reports import Summary, Tally, suppress_small_cells
from tests.ledger.conftest import bulk_tickets

pytestmark = pytest.mark.django_db
URL = "/ledger/"


def assessor(person) -> Client:
    client = Client()
    client.force_login(person("assessor"))
    return client


def test_the_assessor_cannot_single_a_ticket_out_by_number_or_words(person, unit, beijing) -> None:
    """A search for a ticket's number or subject is not offered and changes nothing: the summary counts the same
    tickets with or without it, so a count of 1 never confirms that a ticket exists."""
    tickets = bulk_tickets(7, campus=beijing, lead_unit=unit("logistics"))
    client = assessor(person)
    page = client.get(URL).content.decode()
    assert 'name="q"' not in page
    for probe in (tickets[0].number, tickets[0].subject, "no-such-ticket"):
        answer = client.get(URL, {"q": probe})
        assert answer.status_code == 200
        assert 'data-total="7"' in answer.content.decode()
        summary = client.get(URL + "summary/", {"q": probe}).content.decode()
        assert 'data-total="7"' in summary


def test_small_cells_are_suppressed_for_the_assessor(person, unit, beijing) -> None:
    """Counts of 1–4 show as “—” with a note; a lone small cell takes the next smallest with it; a total under
    5 hides every count; the Office's summary of the same tickets shows every number."""
    bulk_tickets(6, campus=beijing, lead_unit=unit("logistics"), channel="web", status="handling")
    bulk_tickets(2, campus=beijing, lead_unit=unit("logistics"), channel="hotline", status="closed")
    html = assessor(person).get(URL + "summary/").content.decode()
    assert 'data-total="8"' in html and 'data-testid="ledger-suppressed"' in html
    assert 'data-testid="tally-channel-hotline" data-n=""' in html  # 2: under 5
    assert 'data-testid="tally-channel-web" data-n=""' in html  # 6, but 8 − 6 would give the 2 away
    assert 'data-testid="tally-type-help" data-n="8"' in html
    office = Client()
    office.force_login(person("dispatcher"))
    full = office.get(URL + "summary/").content.decode()
    assert 'data-testid="tally-channel-hotline" data-n="2"' in full and "ledger-suppressed" not in full
    few = assessor(person).get(URL + "summary/", {"channel": "hotline"}).content.decode()
    assert 'data-total=""' in few and 'data-n="2"' not in few


@pytest.mark.parametrize(
    ("cells", "total", "late", "shown", "late_shown"),
    [
        pytest.param({"a": 10, "b": 7}, 17, 0, {"a": 10, "b": 7}, 0, id="nothing-small"),
        pytest.param({"a": 10, "b": 3}, 13, 5, {"a": None, "b": None}, 5, id="lone-small-cell-takes-another"),
        pytest.param({"a": 10, "b": 3, "c": 2}, 15, 5, {"a": 10, "b": None, "c": None}, 5, id="two-small"),
        pytest.param({"a": 4}, 4, 1, {"a": None}, None, id="small-total"),
        pytest.param({"a": 9}, 9, 6, {"a": 9}, None, id="not-late-would-be-3"),
    ],
)
def test_suppression_rules(
    cells: dict[str, int], total: int, late: int, shown: dict[str, int | None], late_shown: int | None
) -> None:
    """R10.3: primary suppression under 5, secondary suppression of a lone hidden cell, "late" hidden when it or
    its complement is small."""
    summary = Summary(total=total, late=late, by_status=[Tally(k, k, n) for k, n in cells.items()])
    suppress_small_cells(summary)
    assert {t.value: t.n for t in summary.by_status} == shown
    assert summary.late == late_shown
