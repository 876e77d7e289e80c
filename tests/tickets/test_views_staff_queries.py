"""Query counts of the staff lists (conventions: pin query counts on list pages): each page runs the same
number of queries for 3 rows as for 15, so an N+1 regression fails here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.urls import reverse

from jiesu.tickets import services
from tests.support import (
    beijing,
    dispatched,
    handling,
    new_ticket,
    pending,
    queries_for,
    signed_in,
    unanswered_calls,
    unit,
    user,
)

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)  # a Tuesday, 09:00 in Beijing
LATER = START + dt.timedelta(hours=5)  # every 2-hour response clock is overdue by then (R4.1)


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization, loaded with fast password hashes."""


def _redispatch_requested() -> None:
    ticket = handling("direct")
    services.redispatch_request(actor=user("officer"), ticket=ticket, reason="不属于本单位职责。")


def _escalated() -> None:
    ticket = handling("school")
    services.escalate(actor=user("officer"), ticket=ticket, leader=user("leader"), body="请批示。")


def _cohandling_asked() -> None:
    ticket = handling("direct")
    services.cohandling_request(
        actor=user("officer"), ticket=ticket, unit=unit("library"), request="请协助核实。"
    )


def _replied() -> None:
    """R7.4: an Office-dispatched ticket whose formal reply the head approved."""
    ticket = pending()
    services.reply_approve(actor=user("head"), ticket=ticket)


def _unreachable() -> None:
    """R7.3: a replied ticket whose requester was not reached on two days, passed to the Office."""
    ticket = pending()
    services.reply_approve(actor=user("head"), ticket=ticket)
    unanswered_calls(ticket)
    services.followup_complete(actor=user("officer"), ticket=ticket, outcome="unreachable", resolved=False)


def _referral_replied() -> None:
    """R2.6: a referral whose reply was approved and whose source is still to be told."""
    ticket = services.ticket_create(
        actor=user("dispatcher"),
        channel="referral",
        type="complaint",
        campus=beijing(),
        content="市民反映：东门外夜间施工扰民。",
        requester_name="赵女士",
        contact_phone="13700003333",
        source_name="北京市12345热线",
        source_due_at=START + dt.timedelta(days=3),
    ).ticket
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    services.reply_submit(actor=user("officer"), ticket=ticket, body="已协调施工方夜间停工。")
    services.reply_approve(actor=user("head"), ticket=ticket)


def _mixed_inbox() -> None:
    dispatched()
    handling("department")


# (page, who looks, how one row is made, the pinned maximum). Session, user, roles and the nav's unread count
# (notify) take 4 queries; then the page's COUNT and rows, plus one query each for its clocks, drafts, unit
# choices or per-unit counts. A unit member's menu asks once whether a sensitive period covers their unit (R8.4).
CASES: list[tuple[str, str, Callable[[], object], int]] = [
    ("work:inbox", "officer", _mixed_inbox, 8),
    ("work:approvals", "head", pending, 9),
    # + accepted API requests waiting or failed (one COUNT); + the insight hints (issue 16): the model version,
    # the suggested units, the pool of possible repeats (anyone's and the requesters' own)
    ("work:dispatch", "dispatcher", new_ticket, 13),
    ("work:overdue", "dispatcher", dispatched, 8),
    ("work:redispatch", "dispatcher", _redispatch_requested, 8),
    ("work:instructions", "leader", _escalated, 6),
    ("work:cohandling", "library_officer", _cohandling_asked, 7),
    ("work:office_replied", "dispatcher", _replied, 7),  # R7.4
    ("work:unreachable", "dispatcher", _unreachable, 7),  # R7.3
    ("work:report_back", "dispatcher", _referral_replied, 7),  # R2.6
]


@pytest.mark.parametrize(("page", "username", "make", "pinned"), CASES, ids=[c[0] for c in CASES])
def test_list_pages_run_a_constant_number_of_queries(
    page: str, username: str, make: Callable[[], object], pinned: int
) -> None:
    """3 rows and 15 rows cost the same queries, and no more than the pinned count."""
    client = signed_in(username)
    url = reverse(page)
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            make()
    with time_machine.travel(LATER, tick=False):
        few = queries_for(client, url)
        assert client.get(url).content.decode().count('data-testid="row"') >= 3
    with time_machine.travel(START, tick=False):
        for _ in range(12):
            make()
    with time_machine.travel(LATER, tick=False):
        many = queries_for(client, url)
        assert client.get(url).content.decode().count('data-testid="row"') >= 15
    assert few == many, (few, many)
    assert many <= pinned, many


def test_the_ticket_page_costs_the_same_however_long_its_history() -> None:
    """The ticket page fetches each kind of record once, whatever the number of events and notes."""
    ticket = handling("department", cohandling=["nic"])
    client = signed_in("officer")
    url = reverse("work:ticket", args=[ticket.number])
    short = queries_for(client, url)
    for n in range(6):
        services.contact_log(actor=user("officer"), ticket=ticket, body=f"第{n}次联系。")
        services.cohandling_request(
            actor=user("officer"), ticket=ticket, unit=unit("library"), request=f"协助{n}"
        )
    services.ticket_set_level(actor=user("handler"), ticket=ticket, level="school", reason="需学校研究。")
    long = queries_for(client, url)
    assert short == long, (short, long)
    # 18 + the nav's unread count (notify) + the task forces (insight, R6.4) + the daily report's menu entry (R8.4)
    # + whether it came from a reception day, a petition or a symposium (channels, R2.1, R2.4, R2.5)
    assert long <= 22, long
