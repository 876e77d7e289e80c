"""The follow-up over the API (R4.6, R7.1, R7.2): call attempts, the result, "closed unsatisfied" and the public
rating endpoint, each through its service, with the JSON error shape of every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from jiesu.tickets import services
from jiesu.tickets.models import Followup, FollowupAttempt, Ticket
from jiesu.tickets.states import Status
from tests.api.conftest import API, assert_error
from tests.support import at, drive, sent_rating_token, user

pytestmark = pytest.mark.django_db
SENT = at(2026, 3, 10, 10)


def _replied(**extra: object) -> Ticket:
    with time_machine.travel(SENT, tick=False):
        return drive(Status.REPLIED, level="direct", **extra)  # co-handled by 图书馆 unless cohandling=False


def _ok(response, status: str) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == status
    return body


def _rate(token: str, body: dict[str, object]):
    return Client().post(f"{API}/ratings/{token}", body, content_type="application/json")


def test_attempts_then_a_dissatisfied_result_reopen_the_ticket(demo_org: None, as_token) -> None:
    """R7.1 / R7.2: the officer records attempts and the result; dissatisfied reopens for round 2; the detail
    shows the rounds to the unit and nothing of them to the requester."""
    ticket = _replied()
    path = f"/tickets/{ticket.number}"
    officer = as_token("officer")
    body = _ok(
        officer.post(f"{path}/followup-attempts", {"result": "no_answer", "note": "无人接听"}), Status.REPLIED
    )
    assert FollowupAttempt.objects.get(pk=body["id"]).note == "无人接听"
    body = _ok(
        officer.post(f"{path}/followup", {"outcome": "dissatisfied", "comment": "还是冷"}), Status.HANDLING
    )
    assert Followup.objects.get(pk=body["id"]).outcome == "dissatisfied"
    detail = officer.get(path).json()
    assert detail["round"] == 2 and [f["outcome"] for f in detail["followups"]] == ["dissatisfied"]
    assert [a["result"] for a in detail["followup_attempts"]] == ["no_answer", "reached"]
    own = as_token("student").get(path).json()
    assert own["followups"] == [] and own["followup_attempts"] == []


def test_refusals_keep_the_error_shape(demo_org: None, as_token) -> None:
    """Too few attempts for "unreachable" is 400 on its field; a co-handling unit is 403; the requester and other
    people 404 (R10); a bad enum 422; a second result 409."""
    ticket = _replied()
    path = f"/tickets/{ticket.number}"
    officer = as_token("officer")
    assert_error(
        officer.post(f"{path}/followup", {"outcome": "unreachable"}), 400, "too_few_attempts", "outcome"
    )
    assert_error(
        as_token("library_officer").post(f"{path}/followup-attempts", {"result": "busy"}), 403, "forbidden"
    )
    assert_error(
        as_token("teacher").post(f"{path}/followup", {"outcome": "satisfied", "resolved": True}),
        404,
        "not_found",
    )
    assert_error(as_token("student").post(f"{path}/followup-attempts", {"result": "busy"}), 403, "forbidden")
    assert_error(
        officer.post(f"{path}/followup-attempts", {"result": "maybe"}), 422, "validation_error", "result"
    )
    _ok(officer.post(f"{path}/followup", {"outcome": "basically_satisfied", "resolved": True}), Status.CLOSED)
    assert_error(
        officer.post(f"{path}/followup", {"outcome": "satisfied", "resolved": True}),
        409,
        "transition_not_allowed",
    )


def test_the_office_closes_unsatisfied_after_three_rounds(demo_org: None, as_token) -> None:
    """R7.2: 400 before round 4, 403 for the unit, 400 without a reason; then closed unsatisfied."""
    ticket = _replied(cohandling=False)
    path = f"/tickets/{ticket.number}"
    office = as_token("dispatcher")
    assert_error(office.post(f"{path}/close-unsatisfied", {"reason": "不满意"}), 400, "too_few_rounds")
    for round_ in range(3):
        services.followup_complete(
            actor=user("officer"), ticket=ticket, outcome="dissatisfied", resolved=False
        )
        if round_ < 2:
            services.reply_submit(actor=user("officer"), ticket=ticket, body="再次答复。")
            services.reply_approve(actor=user("head"), ticket=ticket)
    assert_error(as_token("head").post(f"{path}/close-unsatisfied", {"reason": "x"}), 403, "forbidden")
    assert_error(office.post(f"{path}/close-unsatisfied", {"reason": " "}), 400, "invalid", "reason")
    assert_error(office.post(f"{path}/close-unsatisfied", {}), 422, "validation_error", "reason")
    _ok(office.post(f"{path}/close-unsatisfied", {"reason": "三轮回访均不满意。"}), Status.CLOSED_UNSATISFIED)


def test_the_rating_endpoint_needs_no_credentials_and_works_once(demo_org: None) -> None:
    """R7.1: POST /ratings/{token} without sign-in rates the reply (closed); the same link again is 410."""
    ticket = _replied(cohandling=False)
    token = sent_rating_token(ticket)
    with time_machine.travel(SENT + dt.timedelta(hours=2), tick=False):
        response = _rate(token, {"outcome": "satisfied", "resolved": True, "comment": "很好"})
        assert response.status_code == 200, response.content
        assert response.json() == {
            "number": ticket.number,
            "outcome": "satisfied",
            "resolved": True,
            "closed": True,
        }
        assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
        assert_error(_rate(token, {"outcome": "satisfied", "resolved": True}), 410, "rating_link_used")


def test_rating_refusals(demo_org: None) -> None:
    """A tampered link is 400, an expired one 410, "unreachable" is no rating (422); a dissatisfied rating
    reopens the ticket (closed: false)."""
    ticket = _replied(cohandling=False)
    token = sent_rating_token(ticket)
    assert_error(
        _rate(token[:-3] + "xyz", {"outcome": "satisfied", "resolved": True}), 400, "rating_link_invalid"
    )
    with time_machine.travel(SENT + dt.timedelta(days=8), tick=False):
        assert_error(_rate(token, {"outcome": "satisfied", "resolved": True}), 410, "rating_link_expired")
    with time_machine.travel(SENT + dt.timedelta(hours=1), tick=False):
        assert_error(
            _rate(token, {"outcome": "unreachable", "resolved": False}), 422, "validation_error", "outcome"
        )
        response = _rate(token, {"outcome": "dissatisfied", "resolved": False})
    assert response.status_code == 200 and response.json()["closed"] is False
    assert Ticket.objects.get(pk=ticket.pk).round == 2


def test_the_followups_list_of_the_unit(demo_org: None, as_token) -> None:
    """R4.6: ``list=followups`` is the unit's replied tickets awaiting the call back."""
    ticket = _replied(cohandling=False)
    body = as_token("officer").get("/tickets", {"list": "followups"}).json()
    assert body["list"] == "followups" and [row["number"] for row in body["items"]] == [ticket.number]
