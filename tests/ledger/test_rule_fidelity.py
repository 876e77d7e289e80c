"""The ledger (R8.1) after issue 12: the two new closures are filtered, counted and exported apart with their
own Chinese labels (R6.2, R7.3), and a referral shows its source's own deadline and whether the report back was
on time (R2.6). Tickets are lived through the services on a frozen clock."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from jiesu.tickets import services
from tests.support import at, user
from tests.tickets.test_rule_fidelity_support import (
    START,
    answered,
    attempt,
    handled,
    referral,
    step,
    web_replied,
)

pytestmark = pytest.mark.django_db
EXPLAINED = {
    "kind": "unsolvable",
    "body": "受供暖管网改造工期制约，暂时无法提高室温。",
    "suggestion": "改造完成后将立即恢复。",
}


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization."""


def _closed_explained():
    ticket = web_replied(**EXPLAINED)
    step(
        START + dt.timedelta(hours=5),
        services.followup_complete,
        actor=user("officer"),
        ticket=ticket,
        outcome="basically_satisfied",
        resolved=False,
        accepts_explanation=True,
    )
    return ticket


def _closed_unreachable():
    ticket = web_replied(START + dt.timedelta(minutes=10))
    for when in (at(2026, 3, 10, 14), at(2026, 3, 10, 16), at(2026, 3, 11, 9)):
        attempt(ticket, when)
    step(
        at(2026, 3, 11, 9, 30),
        services.followup_complete,
        actor=user("officer"),
        ticket=ticket,
        outcome="unreachable",
        resolved=False,
    )
    step(at(2026, 3, 11, 11), services.unreachable_close, actor=user("dispatcher"), ticket=ticket)
    return ticket


def _export(client: Client, **params: str) -> list[list]:
    response = client.get("/ledger/export.xlsx", params)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in workbook.active.iter_rows(values_only=True)]


def test_closures_that_close_are_filtered_counted_and_exported_apart() -> None:
    """R6.2 / R7.3 in the ledger: a status filter for each closure, a tally of its own in the summary, and the
    Chinese label in the table and the workbook."""
    explained, unreachable = _closed_explained(), _closed_unreachable()
    client = Client()
    client.force_login(user("dispatcher"))
    with time_machine.travel(at(2026, 3, 12, 9), tick=False):
        for ticket, status, label in (
            (explained, "closed_explained", "已解释办结"),
            (unreachable, "closed_unreachable", "无法联系办结"),
        ):
            page = client.get("/ledger/", {"status": status})
            assert [r["number"] for r in page.context["page"].rows] == [ticket.number]
            assert label in page.content.decode()
            rows = _export(client, status=status)
            assert [(r[0], r[8]) for r in rows[1:]] == [(ticket.number, label)]
        summary = client.get("/ledger/summary/").content.decode()
    assert 'data-testid="tally-status-closed_explained" data-n="1"' in summary
    assert 'data-testid="tally-status-closed_unreachable" data-n="1"' in summary


def test_referrals_source_deadline_and_report_back_in_the_ledger() -> None:
    """R2.6 in the ledger: the row shows the source's own deadline; the workbook has the deadline, whether it
    was met, and whether the report back came on time."""
    due = at(2026, 3, 13, 17)
    ticket = handled(referral(due=due), START + dt.timedelta(minutes=30))
    answered(ticket, at(2026, 3, 10, 14))
    step(
        at(2026, 3, 11, 10),
        services.referral_report_back,
        actor=user("officer"),
        ticket=ticket,
        text="已书面回复12345热线。",
    )
    client = Client()
    client.force_login(user("dispatcher"))
    with time_machine.travel(at(2026, 3, 11, 11), tick=False):
        html = client.get("/ledger/", {"channel": "referral"}).content.decode()
        header, *rows = _export(client, channel="referral")
    assert 'data-testid="ledger-source-due"' in html and "2026-03-13 17:00" in html
    assert header[18:21] == ["转办来源时限", "来源时限是否按时", "是否按时向来源反馈"]
    [row] = rows
    assert row[18].isoformat() == "2026-03-13T17:00:00"
    assert row[19:21] == ["是", "否"]  # the source's deadline was met; the report back came a day late
