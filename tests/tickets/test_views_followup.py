"""The follow-up in the pages (R4.6, R7.1, R7.2, R10.1): the ticket page's call forms and rounds, the Office's
"closed unsatisfied", the unit's "follow-ups due" worklist, the public rating page and "my requests"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from jiesu.tickets import rating, services
from jiesu.tickets.models import Event, FollowupAttempt, Ticket
from jiesu.tickets.states import Status
from jiesu.tickets.views.worklists import home_counts
from tests.support import (
    PHONE,
    pending,
    queries_for,
    sent_rating_token,
    signed_in,
    user,
)

pytestmark = pytest.mark.django_db
REPLY = "已安排维修师傅今天下午上门检修暖气。"
START = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)  # a Tuesday, 09:00 in Beijing


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization, loaded with fast password hashes."""


def replied(body: str = REPLY) -> Ticket:
    """The logistics head approved the formal reply: the follow-up is due (R4.6)."""
    ticket = pending(body)
    services.reply_approve(actor=user("head"), ticket=ticket)
    return Ticket.objects.get(pk=ticket.pk)


def page(username: str, ticket: Ticket) -> str:
    response = signed_in(username).get(reverse("work:ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def act(username: str, ticket: Ticket, action: str, data: dict[str, object], htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return signed_in(username).post(reverse("work:act", args=[ticket.number, action]), data, headers=headers)


def reopen_three_times(ticket: Ticket) -> Ticket:
    for _round in range(3):
        services.followup_complete(
            actor=user("officer"), ticket=ticket, outcome="dissatisfied", resolved=False
        )
        if _round < 2:
            services.reply_submit(actor=user("officer"), ticket=ticket, body="再次答复。")
            services.reply_approve(actor=user("head"), ticket=ticket)
    return Ticket.objects.get(pk=ticket.pk)


# --- the ticket page ----------------------------------------------------------------------------------------------


def test_the_lead_unit_is_offered_the_call_forms_and_others_are_not() -> None:
    """R7.1: on a replied ticket the lead unit sees "record a call" and "record the follow-up result"; the Office,
    a leader and the requester do not; "close unsatisfied" is not offered before round 4 (R7.2)."""
    ticket = replied()
    for username in ("officer", "head", "handler"):
        html = page(username, ticket)
        assert 'data-testid="form-record_followup_attempt"' in html and 'data-testid="form-followup"' in html
        assert 'data-testid="followup"' in html
    for username in ("dispatcher", "leader"):
        html = page(username, ticket)
        assert (
            'data-testid="form-followup"' not in html and 'data-testid="form-close_unsatisfied"' not in html
        )
    student = page("student", ticket)
    assert 'data-testid="form-followup"' not in student and 'data-testid="rate-link"' in student


def test_the_officer_records_attempts_and_a_result_from_the_page() -> None:
    """R7.1 / R7.2: each post calls one service; the rounds list the attempts and the result, and the history
    names the new steps in plain words; the requester's timeline says the request was reopened."""
    ticket = replied()
    response = act("officer", ticket, "record_followup_attempt", {"result": "no_answer", "note": "无人接听"})
    assert response.status_code == 302
    response = act(
        "officer", ticket, "followup", {"outcome": "dissatisfied", "resolved": "0", "comment": "还是冷"}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.round) == (Status.HANDLING, 2)
    html = page("head", ticket)
    assert 'data-testid="followup-round" data-round="1"' in html
    assert 'data-result="no_answer"' in html and 'data-result="reached"' in html
    assert 'data-outcome="dissatisfied"' in html and "还是冷" in html
    for action in ("followup_attempt", "reopened"):
        assert f'data-action="{action}"' in html
    assert "Reopened for a new round" in html or "重新办理" in html or "新一轮" in html
    timeline = signed_in("student").get(reverse("work:ticket", args=[ticket.number])).content.decode()
    assert "还是冷" not in timeline  # the call's notes stay internal
    assert (
        timeline.count('data-testid="public-event"')
        == Event.objects.filter(ticket=ticket, public=True).count()
    )


def test_a_reopened_round_does_not_offer_the_level_or_planned_date_forms() -> None:
    """R7.2: the reopened round's reply clock is 1 working day from the reopening; the forms that set the first
    round's clocks (level, initial reply, planned date) are no longer offered, the reply form is."""
    ticket = replied()
    before = page("officer", Ticket.objects.get(pk=ticket.pk))
    services.followup_complete(actor=user("officer"), ticket=ticket, outcome="dissatisfied", resolved=False)
    html = page("officer", Ticket.objects.get(pk=ticket.pk))
    assert 'data-testid="form-submit_reply"' in html
    for name in ("set_level", "send_initial_reply", "move_planned_date"):
        assert f'data-testid="form-{name}"' not in html
    assert 'data-testid="form-followup"' in before


def test_unreachable_too_early_is_shown_beside_the_field() -> None:
    """R7.1: "unreachable" before three unanswered calls re-renders with the message (400) and writes nothing;
    an unanswered "resolved?" is asked for unless unreachable."""
    ticket = replied()
    response = act("officer", ticket, "followup", {"outcome": "unreachable"})
    assert response.status_code == 400 and 'data-testid="field-error"' in response.content.decode()
    partial = act("officer", ticket, "followup", {"outcome": "satisfied"}, htmx=True)
    assert partial.status_code == 400
    assert partial.content.decode().lstrip().startswith("<form")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED
    assert not FollowupAttempt.objects.filter(ticket=ticket).exists()


def test_the_office_closes_unsatisfied_from_the_page_after_three_rounds() -> None:
    """R7.2: in round 4 the Office sees "close unsatisfied"; without a reason it is refused (400); with one the
    ticket is closed unsatisfied; the unit never sees the form."""
    ticket = reopen_three_times(replied())
    assert 'data-testid="form-close_unsatisfied"' in page("dispatcher", ticket)
    assert 'data-testid="form-close_unsatisfied"' not in page("head", ticket)
    assert act("dispatcher", ticket, "close_unsatisfied", {"reason": ""}).status_code == 400
    assert act("head", ticket, "close_unsatisfied", {"reason": "不满意"}).status_code == 403
    response = act("dispatcher", ticket, "close_unsatisfied", {"reason": "三轮回访均不满意。"})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED_UNSATISFIED
    assert 'data-action="closed_unsatisfied"' in page("head", ticket)


# --- the worklist -------------------------------------------------------------------------------------------------


def _rows(html: str) -> list[str]:
    return re.findall(r'data-testid="row" data-number="([^"]+)"', html)


def test_follow_ups_due_lists_my_units_replied_tickets_nearest_first() -> None:
    """R4.6: replied tickets of my units, nearest follow-up deadline first, with the countdown badge; other units
    see none; requesters may not open it; the nav links it and the home page counts it."""
    with time_machine.travel(START, tick=False):
        first = replied()
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        second = replied()
        pending()  # awaiting approval: not a follow-up
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        response = signed_in("officer").get(reverse("work:followups"))
        html = response.content.decode()
        assert _rows(html) == [first.number, second.number]
        assert 'data-testid="clock-badge" data-state="ok"' in html
        assert 'data-testid="nav-followups"' in html
        assert _rows(signed_in("library_officer").get(reverse("work:followups")).content.decode()) == []
        assert signed_in("student").get(reverse("work:followups")).status_code == 403
        counts = {url: n for _label, url, n in home_counts(user("head"))}
        assert counts[reverse("work:followups")] == 2
    services.followup_complete(actor=user("officer"), ticket=first, outcome="satisfied", resolved=True)
    assert _rows(signed_in("officer").get(reverse("work:followups")).content.decode()) == [second.number]


def test_follow_ups_due_runs_a_constant_number_of_queries() -> None:
    """Pinned: the list costs the same queries for 3 rows as for 15: session, user and roles (3), the count, the
    page, the follow-up clocks, the unanswered calls (4), and the unread-notifications badge of the nav (1)."""
    client = signed_in("officer")
    url = reverse("work:followups")
    for _ in range(3):
        ticket = replied()
        services.followup_attempt_record(actor=user("officer"), ticket=ticket, result="busy")
    few = queries_for(client, url)
    for _ in range(12):
        replied()
    many = queries_for(client, url)
    assert len(_rows(client.get(url).content.decode())) == 15
    assert few == many, (few, many)
    assert many <= 9, many  # + the daily report's menu entry for a unit member (R8.4)


# --- the rating page ----------------------------------------------------------------------------------------------


def test_the_rating_link_needs_no_sign_in_and_shows_only_the_reply() -> None:
    """R7.1 / R10.1: the link's page shows the number, the subject and the sent reply — no contact, no names —
    and the rating (CSRF-protected) closes the ticket."""
    ticket = replied()
    url = rating.rating_path(sent_rating_token(ticket))
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert ticket.number in html and ticket.subject in html and REPLY in html
    assert PHONE not in html and "138****" not in html
    for name in (
        user("student").get_full_name(),
        user("officer").get_full_name(),
        user("head").get_full_name(),
    ):
        assert name not in html
    assert client.post(url, {"outcome": "satisfied", "resolved": "1"}).status_code == 403  # no CSRF token
    token = client.cookies["csrftoken"].value
    done = client.post(url, {"outcome": "satisfied", "resolved": "1", "csrfmiddlewaretoken": token})
    assert done.status_code == 200 and 'data-testid="rating-closed"' in done.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    staff = page("head", ticket)  # the history names who rated: the requester the link was sent to
    assert 'data-action="closed"' in staff
    assert user("student").get_full_name() in staff


@pytest.mark.parametrize(
    ("state", "status", "code"),
    [
        ("used", 410, "rating_link_used"),
        ("expired", 410, "rating_link_expired"),
        ("tampered", 400, "rating_link_invalid"),
    ],
)
def test_a_link_that_cannot_be_used_shows_a_clear_page(state: str, status: int, code: str) -> None:
    """Expired and already used links answer 410, a tampered one 400, each with its message and no form."""
    with time_machine.travel(START, tick=False):
        ticket = replied()
        url = rating.rating_path(sent_rating_token(ticket))
    when = START + dt.timedelta(hours=2)
    if state == "used":
        with time_machine.travel(when, tick=False):
            services.followup_complete(
                actor=user("officer"), ticket=ticket, outcome="satisfied", resolved=True
            )
    if state == "expired":
        when = START + dt.timedelta(days=8)
    if state == "tampered":
        url = url.replace(url.rstrip("/").rsplit(":", 1)[1], "forged")
    with time_machine.travel(when, tick=False):
        for response in (Client().get(url), Client().post(url, {"outcome": "satisfied", "resolved": "1"})):
            html = response.content.decode()
            assert response.status_code == status
            assert f'data-code="{code}"' in html and 'data-testid="rating-form"' not in html


def test_a_bad_rating_form_is_shown_again_with_its_errors() -> None:
    """A rating without an answer re-renders the form (400); "unreachable" is not offered online."""
    ticket = replied()
    url = rating.rating_path(sent_rating_token(ticket))
    response = Client().post(url, {"outcome": "unreachable"})
    assert response.status_code == 400 and 'data-testid="field-error"' in response.content.decode()
    assert 'value="unreachable"' not in Client().get(url).content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


# --- my requests --------------------------------------------------------------------------------------------------


def test_my_requests_offers_rating_a_replied_request_of_my_own_only() -> None:
    """R7.1 / R10.1: "my requests" links a replied request to its rating form; the requester rates dissatisfied and
    it is reopened; someone else's request is 404 for the page and the post."""
    ticket = replied()
    mine = signed_in("student").get(reverse("intake:mine")).content.decode()
    rate_url = reverse("intake:rate_mine", args=[ticket.number])
    assert f'href="{rate_url}"' in mine
    other = signed_in("teacher")
    assert other.get(rate_url).status_code == 404
    assert other.post(rate_url, {"outcome": "satisfied", "resolved": "1"}).status_code == 404
    assert Client().get(rate_url).status_code == 302  # sign in first
    client = signed_in("student")
    form = client.get(rate_url)
    assert form.status_code == 200 and REPLY in form.content.decode()
    done = client.post(rate_url, {"outcome": "dissatisfied", "resolved": "0", "comment": "还是冷。"})
    assert done.status_code == 200 and 'data-testid="rating-reopened"' in done.content.decode()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.round) == (Status.HANDLING, 2)
    again = client.get(rate_url)
    assert again.status_code == 409 and 'data-code="rating_not_open"' in again.content.decode()
    assert f'href="{rate_url}"' not in client.get(reverse("intake:mine")).content.decode()
