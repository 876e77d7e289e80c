"""GET /api/v1/tickets/{number}: fields, clocks, history scope and contact masking by relation (R10)."""

from __future__ import annotations

import pytest

from jiesu.tickets import services
from jiesu.tickets.models import Event
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohandled(handling_ticket, person, unit):
    """A logistics ticket on which 网络信息中心 (nic) was asked to co-handle."""
    ticket = handling_ticket("direct")
    services.cohandling_request(
        actor=person("officer"), ticket=ticket, unit=unit("nic"), request="请核查宿舍网络。"
    )
    return ticket


def test_lead_officer_sees_masked_revealable_contact_and_history(as_token, cohandled) -> None:
    """R10.2: the lead unit sees the phone masked but may reveal it (audited); staff with a relation see the
    full history with actors."""
    body = as_token("officer").get(f"/tickets/{cohandled.number}").json()
    assert body["contact"] == {
        "name": body["contact"]["name"],
        "kind": "student",
        "phone": "138****5678",
        "email": body["contact"]["email"],
        "masked": True,
        "revealable": True,
    }
    assert body["history_scope"] == "full"
    assert [e["action"] for e in body["history"]] == [
        "create",
        "dispatch",
        "acknowledge",
        "set_level",
        "request_cohandling",
    ]
    assert body["history"][1]["actor"]  # actor names in the full history
    assert body["lead_unit"]["code"] == "logistics"
    assert [u["code"] for u in body["cohandling_units"]] == ["nic"]
    assert [c["unit"]["code"] for c in body["cohandling"]] == ["nic"]
    assert "submit_reply" in body["allowed_actions"] and "approve_reply" not in body["allowed_actions"]


def test_clocks_carry_due_met_on_time_rule_and_status(as_token, cohandled) -> None:
    clocks = {c["kind"]: c for c in as_token("officer").get(f"/tickets/{cohandled.number}").json()["clocks"]}
    assert set(clocks) == {"response", "dispatch", "reply"}
    assert clocks["response"]["status"] == "met" and clocks["response"]["met_at"]
    assert clocks["response"]["on_time"] is True
    assert clocks["reply"]["status"] in {"ok", "due_soon", "overdue"} and clocks["reply"]["met_at"] is None
    assert all(c["rule"] for c in clocks.values())


def test_cohandling_officer_sees_masked_contact(as_token, cohandled) -> None:
    """R10.2: a co-handling unit sees the ticket but not the full contact."""
    body = as_token("nic_officer").get(f"/tickets/{cohandled.number}").json()
    assert body["contact"]["masked"] is True
    assert body["contact"]["phone"] == "138****5678"
    assert "13812345678" not in str(body)
    assert body["allowed_actions"] == ["answer_cohandling"]


def test_reveal_is_audited_and_refused_to_cohandlers(as_token, cohandled, person) -> None:
    """R10.2: the lead unit may reveal (an Event "reveal_contact" is written); a co-handler gets 403."""
    revealed = as_token("officer").post(f"/tickets/{cohandled.number}/contact/reveal")
    assert revealed.status_code == 200, revealed.content
    assert revealed.json()["phone"] == "13812345678"
    event = Event.objects.get(ticket=cohandled, action="reveal_contact")
    assert event.actor == person("officer")
    assert_error(
        as_token("nic_officer").post(f"/tickets/{cohandled.number}/contact/reveal"), 403, "forbidden"
    )
    assert Event.objects.filter(action="reveal_contact").count() == 1


def test_requester_sees_public_history_and_sent_replies_only(as_token, cohandled, person) -> None:
    """The requester's view: public events without actor names, no drafts, no internal notes."""
    services.reply_submit(actor=person("officer"), ticket=cohandled, body="已安排师傅上门检修。")
    body = as_token("student").get(f"/tickets/{cohandled.number}").json()
    assert body["history_scope"] == "public"
    assert [e["action"] for e in body["history"]] == ["create", "dispatch", "acknowledge"]
    assert all(e["actor"] is None and e["after"] is None for e in body["history"])
    assert body["replies"] == [] and body["notes"] == [] and body["cohandling"] == []
    assert body["contact"]["masked"] is False  # their own contact
    assert body["allowed_actions"] == []
    services.reply_approve(actor=person("head"), ticket=cohandled)
    replies = as_token("student").get(f"/tickets/{cohandled.number}").json()["replies"]
    assert [(r["body"], r["state"], r["drafted_by"]) for r in replies] == [
        ("已安排师傅上门检修。", "sent", None)
    ]


@pytest.mark.parametrize("username", ["library_officer", "library_head", "teacher", "assessor"])
def test_people_without_a_relation_get_404(as_token, cohandled, username: str) -> None:
    """R10.1 / R10.3: other units, other requesters and assessors cannot tell the ticket exists."""
    assert_error(as_token(username).get(f"/tickets/{cohandled.number}"), 404, "not_found")
    assert_error(as_token(username).post(f"/tickets/{cohandled.number}/acknowledge"), 404, "not_found")


def test_office_and_inspector_may_reveal_leaders_may_not(as_token, cohandled) -> None:
    """R10.2: the Office and inspectors may reveal the contact (audited); leaders see it masked only."""
    for username in ("dispatcher", "inspector"):
        contact = as_token(username).get(f"/tickets/{cohandled.number}").json()["contact"]
        assert contact["masked"] is True and contact["revealable"] is True
    contact = as_token("leader").get(f"/tickets/{cohandled.number}").json()["contact"]
    assert contact["masked"] is True and contact["revealable"] is False
