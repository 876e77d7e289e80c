"""The ledger report (R8.1): scopes (R10.3), filters, keyset paging, capped counts and the summary."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiesu.ledger.permissions import ScopeKind, contact_policy, scopes_for
from jiesu.ledger.reports import Cursor, LedgerFilter, LedgerReport
from jiesu.tickets.permissions import may_see_full_contact
from tests.ledger.conftest import at

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 20, 10, 0)


def numbers(report: LedgerReport) -> set[str]:
    return set(report.tickets().values_list("number", flat=True))


def report_for(person, username: str, scope: str = "", **filters) -> LedgerReport:
    return LedgerReport.for_user(person(username), LedgerFilter(**filters), scope)


@pytest.mark.parametrize(
    ("username", "kinds"),
    [
        ("dispatcher", [ScopeKind.SCHOOL]),
        ("duty", [ScopeKind.SCHOOL]),
        ("leader", [ScopeKind.SCHOOL]),
        ("inspector", [ScopeKind.SCHOOL]),
        ("head", [ScopeKind.UNIT]),
        ("officer", [ScopeKind.UNIT]),
        ("handler", [ScopeKind.UNIT]),
        ("library_officer", [ScopeKind.UNIT]),
        ("assessor", [ScopeKind.AGGREGATE]),
        ("student", []),
        ("teacher", []),
    ],
)
def test_scopes_follow_r10_3(person, username: str, kinds: list[ScopeKind]) -> None:
    """Office, leaders and inspectors: school-wide; unit members: their unit; assessors: aggregates; requesters: none."""
    user = person(username)
    assert [s.kind for s in scopes_for(user)] == kinds
    assert LedgerReport.is_available_to(user) is bool(kinds)


def test_requester_is_refused(person) -> None:
    """A plain requester has no ledger at all."""
    with pytest.raises(PermissionDenied):
        report_for(person, "student")


def test_unit_ledger_holds_led_and_cohandled_tickets_only(person, make_ticket) -> None:
    """后勤's officer sees what 后勤 leads or co-handles; the library's officer sees none of it (R10.3)."""
    led = make_ticket(lead="logistics")
    cohandled = make_ticket(lead="nic", cohandlers=("logistics",))
    library = make_ticket(lead="library")
    undispatched = make_ticket(lead=None, status="new")
    # The officer's own request to another unit is theirs as a requester, not part of 后勤's register.
    own = make_ticket(lead="library", requester=person("officer"))

    assert numbers(report_for(person, "officer")) == {led.number, cohandled.number}
    assert numbers(report_for(person, "head")) == {led.number, cohandled.number}
    assert numbers(report_for(person, "library_officer")) == {library.number, own.number}
    everything = {led.number, cohandled.number, library.number, undispatched.number, own.number}
    for username in ("dispatcher", "leader", "inspector"):
        assert numbers(report_for(person, username)) == everything


def test_assessor_gets_counts_but_no_rows(person, make_ticket) -> None:
    """The organization department sees school-wide aggregates only (R10.3), small cells suppressed."""
    for _ in range(5):
        make_ticket(lead="logistics")
    for _ in range(5):
        make_ticket(lead="library", channel="hotline")
    report = report_for(person, "assessor")
    assert not report.shows_rows
    summary = report.summary()
    assert summary.total == 10
    assert {t.value: t.n for t in summary.by_channel} == {"web": 5, "hotline": 5}
    with pytest.raises(PermissionDenied):
        report.page()
    with pytest.raises(PermissionDenied):
        list(report.export_rows())
    with pytest.raises(PermissionDenied):
        report.capped_count()


@time_machine.travel(NOW, tick=False)
def test_each_filter_narrows(person, make_ticket, unit, other_campus) -> None:
    """Dates (inclusive, local days), channel, type, status, lead unit, campus, overdue and search each narrow."""
    base = make_ticket(received_at=at(2026, 3, 10, 9, 0))
    early = make_ticket(received_at=at(2026, 3, 1, 0, 0))
    late_night = make_ticket(received_at=at(2026, 3, 15, 23, 59))
    hotline = make_ticket(channel="hotline")
    complaint = make_ticket(type="complaint")
    closed = make_ticket(status="closed")
    library = make_ticket(lead="library")
    zhuozhou = make_ticket(campus=other_campus)
    overdue_now = make_ticket(
        next_due_at=NOW - dt.timedelta(hours=1), next_soon_at=NOW - dt.timedelta(hours=5)
    )
    met_late = make_ticket(overdue_count=1)
    not_yet_due = make_ticket(
        next_due_at=NOW + dt.timedelta(days=1), next_soon_at=NOW + dt.timedelta(hours=2)
    )
    searched = make_ticket(subject="图书馆空调漏水")

    def only(**filters) -> set[str]:
        return numbers(report_for(person, "dispatcher", **filters))

    assert only(received_from=dt.date(2026, 3, 15)) == {late_night.number}
    assert early.number in only(received_to=dt.date(2026, 3, 1))
    assert only(received_from=dt.date(2026, 3, 1), received_to=dt.date(2026, 3, 1)) == {early.number}
    assert only(channel="hotline") == {hotline.number}
    assert only(type="complaint") == {complaint.number}
    assert only(status="closed") == {closed.number}
    assert only(unit_id=unit("library").pk) == {library.number}
    assert only(campus_id=other_campus.pk) == {zhuozhou.number}
    assert only(overdue=True) == {overdue_now.number, met_late.number}
    assert only(q="空调") == {searched.number}
    assert only(q=base.number) == {base.number}
    assert not_yet_due.number not in only(overdue=True)
    assert only(channel="hotline", type="complaint") == set()


def test_keyset_paging_walks_every_row_once_both_ways(person, make_ticket) -> None:
    """Pages of 50, newest first by (received_at, id) — ties on received_at included — with no gaps or repeats."""
    same = at(2026, 3, 12, 8, 0)
    created = [
        make_ticket(received_at=same if i % 3 == 0 else at(2026, 3, 1, 8, 0) + dt.timedelta(hours=i))
        for i in range(120)
    ]
    expected = [t.number for t in sorted(created, key=lambda t: (t.received_at, t.pk), reverse=True)]
    report = report_for(person, "dispatcher")

    seen: list[str] = []
    pages = []
    page = report.page()
    assert page.prev_cursor is None
    while True:
        pages.append(page)
        seen += [row["number"] for row in page.rows]
        if not page.next_cursor:
            break
        page = report.page(after=page.next_cursor)
    assert seen == expected
    assert [len(p.rows) for p in pages] == [50, 50, 20]

    back = report.page(before=pages[2].prev_cursor)
    assert [row["number"] for row in back.rows] == expected[50:100]
    first = report.page(before=back.prev_cursor)
    assert [row["number"] for row in first.rows] == expected[:50]
    assert first.prev_cursor is None


def test_bad_cursor_is_the_first_page(person, make_ticket) -> None:
    """A tampered cursor is ignored rather than failing."""
    ticket = make_ticket()
    assert Cursor.decode("garbage") is None
    assert [r["number"] for r in report_for(person, "dispatcher").page(after="x.y").rows] == [ticket.number]


def test_count_is_capped(person, beijing, unit) -> None:
    """The page counts at most COUNT_CAP rows (a bounded query) and says when there are more."""
    from tests.ledger.conftest import bulk_tickets

    bulk_tickets(12, campus=beijing, lead_unit=unit("logistics"))
    report = report_for(person, "officer")
    assert report.capped_count(cap=20) == (12, False)
    assert report.capped_count(cap=10) == (10, True)


@time_machine.travel(NOW, tick=False)
def test_summary_counts_the_filtered_set(person, make_ticket) -> None:
    """Counts by status, channel and type, plus late tickets, for exactly the filtered, scoped set."""
    make_ticket(status="handling", channel="web", type="help")
    make_ticket(status="handling", channel="hotline", type="complaint", overdue_count=2)
    make_ticket(status="closed", channel="hotline", type="help")
    make_ticket(lead="library", status="new", channel="mailbox")

    summary = report_for(person, "officer").summary()
    assert summary.total == 3
    assert summary.late == 1
    assert {t.value: t.n for t in summary.by_status} == {"handling": 2, "closed": 1}
    assert {t.value: t.n for t in summary.by_channel} == {"web": 1, "hotline": 2}
    assert {t.value: t.n for t in summary.by_type} == {"help": 2, "complaint": 1}
    assert report_for(person, "officer", channel="hotline").summary().total == 2
    assert report_for(person, "dispatcher").summary().total == 4


@pytest.mark.parametrize(
    "username",
    ["dispatcher", "duty", "leader", "inspector", "head", "officer", "library_officer", "nic_officer"],
)
def test_contact_policy_agrees_with_the_ticket_permission(person, make_ticket, username: str) -> None:
    """The ledger's per-row masking decision equals permissions.may_see_full_contact, without a query per row."""
    tickets = [
        make_ticket(lead="logistics"),
        make_ticket(lead="nic", cohandlers=("logistics",)),
        make_ticket(lead="library"),
        make_ticket(lead=None, status="new"),
        make_ticket(lead="library", requester=person(username)),
    ]
    user = person(username)
    policy = contact_policy(user)
    for ticket in tickets:
        assert policy.full(ticket.lead_unit_id, ticket.requester_id) == may_see_full_contact(user, ticket), (
            ticket
        )
