"""One endpoint per action, each through its service: the happy paths and the main forbidden moves (409/403)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jiesu.tickets.models import CohandlingRequest, Event, Note, RedispatchRequest, Reply, Ticket
from jiesu.tickets.states import Status
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def _ok(response, status: str | None = None) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    if status is not None:
        assert body["status"] == status
    return body


def _in(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_dispatch_acknowledge_level(as_token, web_ticket, unit) -> None:
    """R4.5 → R4.1 → R4.2 through the API: the Office dispatches, the lead unit acknowledges and sets the level."""
    ticket = web_ticket()
    path = f"/tickets/{ticket.number}"
    _ok(
        as_token("dispatcher").post(
            f"{path}/dispatch", {"lead_unit": "logistics", "cohandling_units": ["nic"]}
        ),
        Status.DISPATCHED,
    )
    officer = as_token("officer")
    _ok(officer.post(f"{path}/acknowledge"), Status.HANDLING)
    _ok(officer.post(f"{path}/level", {"level": "department"}), Status.HANDLING)
    ticket.refresh_from_db()
    assert (ticket.lead_unit, ticket.level) == (unit("logistics"), "department")
    assert ticket.cohandling_units.get().unit == unit("nic")


def test_forbidden_moves_are_409_and_403(as_token, web_ticket, person) -> None:
    """The state machine refuses a move from the wrong state (409) and a move by the wrong person (403)."""
    ticket = web_ticket()
    path = f"/tickets/{ticket.number}"
    assert_error(as_token("dispatcher").post(f"{path}/acknowledge"), 409, "transition_not_allowed")
    assert_error(as_token("student").post(f"{path}/dispatch", {"lead_unit": "logistics"}), 403, "forbidden")
    assert_error(
        as_token("dispatcher").post(f"{path}/dispatch", {"lead_unit": "atlantis"}),
        422,
        "validation_error",
        "lead_unit",
    )
    assert_error(as_token("dispatcher").post(f"{path}/dispatch", {}), 422, "validation_error", "lead_unit")
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert list(Event.objects.filter(ticket=ticket).values_list("action", flat=True)) == ["create"]


def test_level_rejects_unknown_values(as_token, handling_ticket) -> None:
    ticket = handling_ticket("direct")
    assert_error(
        as_token("officer").post(f"/tickets/{ticket.number}/level", {"level": "galactic"}),
        422,
        "validation_error",
        "level",
    )
    assert_error(
        as_token("officer").post(f"/tickets/{ticket.number}/level", {"level": "school"}),
        400,
        "invalid",
        "reason",
    )  # a change of level needs a reason


def test_contacts_third_party_amendments(as_token, handling_ticket) -> None:
    ticket = handling_ticket("direct")
    path, officer = f"/tickets/{ticket.number}", as_token("officer")
    contact = _ok(officer.post(f"{path}/contacts", {"body": "电话联系学生，约定下午上门。"}))
    third = _ok(officer.post(f"{path}/third-party", {"party": "物业公司", "body": "物业同意今天更换阀门。"}))
    amendment = _ok(officer.post(f"{path}/amendments", {"body": "房间号更正为303。"}))
    kinds = dict(Note.objects.filter(ticket=ticket).values_list("pk", "kind"))
    assert kinds == {contact["id"]: "contact", third["id"]: "third_party", amendment["id"]: "amendment"}
    assert_error(officer.post(f"{path}/contacts", {"body": " "}), 400, "invalid", "body")
    assert_error(as_token("student").post(f"{path}/amendments", {"body": "补充"}), 403, "forbidden")


def test_cohandling_request_and_answer(as_token, handling_ticket) -> None:
    """R3.3: the lead unit asks nic; only nic answers, once; another ticket's request id is 404."""
    ticket = handling_ticket("direct")
    path = f"/tickets/{ticket.number}"
    item_id = _ok(
        as_token("officer").post(f"{path}/cohandling", {"unit": "nic", "request": "请核查宿舍网络。"})
    )["id"]
    assert_error(
        as_token("officer").post(f"{path}/cohandling/{item_id}/answer", {"answer": "x"}), 403, "forbidden"
    )
    nic = as_token("nic_officer")
    _ok(nic.post(f"{path}/cohandling/{item_id}/answer", {"answer": "已更换交换机。"}))
    item = CohandlingRequest.objects.get(pk=item_id)
    assert (item.answer, item.finished) == ("已更换交换机。", True)
    assert (
        nic.post(f"{path}/cohandling/{item_id}/answer", {"answer": "again"}).json()["error"]["code"]
        == "conflict"
    )
    assert_error(nic.post(f"{path}/cohandling/{item_id + 999}/answer", {"answer": "x"}), 404, "not_found")


def test_initial_reply_and_planned_date(as_token, handling_ticket) -> None:
    """R4.2: department level sends an initial reply with a planned date, moved later only with a reason."""
    ticket = handling_ticket("department")
    path, officer = f"/tickets/{ticket.number}", as_token("officer")
    reply_id = _ok(
        officer.post(f"{path}/initial-reply", {"body": "已受理，正在研究。", "planned_date": _in(5)})
    )["id"]
    assert Reply.objects.get(pk=reply_id).stage == "initial"
    assert_error(
        officer.post(f"{path}/planned-date", {"planned_date": _in(9), "reason": ""}), 400, "invalid", "reason"
    )
    _ok(officer.post(f"{path}/planned-date", {"planned_date": _in(9), "reason": "需等待配件到货。"}))
    ticket.refresh_from_db()
    assert ticket.planned_reply_date.isoformat() == _in(9)
    assert_error(
        officer.post(f"{path}/planned-date", {"planned_date": "not-a-date", "reason": "x"}),
        422,
        "validation_error",
        "planned_date",
    )


def test_escalate_and_instruct(as_token, handling_ticket, person) -> None:
    """R6.3: the unit asks the leader; the leader's instruction answers the request."""
    ticket = handling_ticket("school")
    path = f"/tickets/{ticket.number}"
    _ok(
        as_token("officer").post(
            f"{path}/escalate", {"leader": "leader", "body": "涉及多个部门，请领导协调。"}
        )
    )
    assert_error(
        as_token("officer").post(f"{path}/escalate", {"leader": "student", "body": "x"}),
        400,
        "invalid",
        "leader",
    )
    assert_error(as_token("officer").post(f"{path}/instruct", {"body": "x"}), 403, "forbidden")
    _ok(as_token("leader").post(f"{path}/instruct", {"body": "请后勤处牵头，三天内解决。"}))
    escalation = Note.objects.get(ticket=ticket, kind="escalation")
    assert escalation.answered and escalation.leader == person("leader")


def test_reply_submit_return_resubmit_approve(as_token, handling_ticket) -> None:
    """R4.3: the draft goes to the head, who returns it, then approves the revision; only the head may."""
    ticket = handling_ticket("direct")
    path, officer, head = f"/tickets/{ticket.number}", as_token("officer"), as_token("head")
    _ok(officer.post(f"{path}/reply", {"body": "已维修。"}), Status.PENDING_APPROVAL)
    assert_error(officer.post(f"{path}/reply/approve"), 403, "forbidden")
    assert_error(head.post(f"{path}/reply/return", {"comment": ""}), 400, "invalid", "comment")
    _ok(head.post(f"{path}/reply/return", {"comment": "请写明维修时间。"}), Status.HANDLING)
    assert_error(head.post(f"{path}/reply/approve"), 409, "transition_not_allowed")
    draft = _ok(
        officer.post(f"{path}/reply", {"body": "已于今天下午三点修好暖气。"}), Status.PENDING_APPROVAL
    )
    approved = _ok(head.post(f"{path}/reply/approve", {"comment": "同意"}), Status.REPLIED)
    assert approved["id"] == draft["id"]
    assert Reply.objects.get(pk=draft["id"]).state == "sent"
    assert_error(head.post(f"{path}/reply/approve"), 409, "transition_not_allowed")
    assert Reply.objects.filter(ticket=ticket, state="sent").count() == 1


def test_reply_kinds_need_their_fields(as_token, handling_ticket) -> None:
    ticket = handling_ticket("direct")
    officer, path = as_token("officer"), f"/tickets/{ticket.number}/reply"
    assert_error(
        officer.post(path, {"body": "不属于本单位职责。", "kind": "out_of_remit"}),
        400,
        "invalid",
        "suggestion",
    )
    assert_error(
        officer.post(path, {"body": "重复。", "kind": "repeat", "repeat_of": "20000101-000001"}),
        422,
        "validation_error",
        "repeat_of",
    )
    assert_error(officer.post(path, {"body": "x", "kind": "poem"}), 422, "validation_error", "kind")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.HANDLING


def test_no_third_party_deflection_through_the_api(as_token, handling_ticket) -> None:
    """Art. 9.6 / R6.5: a reply telling the requester to contact a third party is never approved — a client's
    old "accept_third_party_wording" changes nothing; the unit records the third party it contacted, rewords,
    and the head approves the reworded reply."""
    ticket = handling_ticket("direct")
    path = f"/tickets/{ticket.number}"
    _ok(as_token("officer").post(f"{path}/reply", {"body": "请您自行联系物业公司处理。"}))
    assert_error(as_token("head").post(f"{path}/reply/approve"), 400, "third_party_wording")
    refused = as_token("head").post(f"{path}/reply/approve", {"accept_third_party_wording": True})
    assert "第九条" in assert_error(refused, 400, "third_party_wording")["message"]
    reword = {"body": "我处已联系物业公司，物业将于明日上门维修。"}
    assert_error(as_token("officer").post(f"{path}/reply/reword", reword), 400, "third_party_not_recorded")
    _ok(as_token("officer").post(f"{path}/third-party", {"party": "物业公司", "body": "约定明日上门。"}))
    _ok(as_token("officer").post(f"{path}/reply/reword", reword), Status.PENDING_APPROVAL)
    _ok(as_token("head").post(f"{path}/reply/approve"), Status.REPLIED)


def test_no_third_party_deflection_in_an_initial_reply_or_a_suggestion_through_the_api(
    as_token, handling_ticket
) -> None:
    """Art. 9.6 / R6.5 through the API: an initial reply sending the requester to a third party is refused with
    the structured error (code, field, a Chinese message citing 第九条, no rule id) and nothing is sent; a
    formal reply whose suggestion does so is never approved."""
    ticket = handling_ticket("department")
    path, officer = f"/tickets/{ticket.number}", as_token("officer")
    refused = officer.post(
        f"{path}/initial-reply", {"body": "请您自行联系运营商客服处理。", "planned_date": _in(5)}
    )
    error = assert_error(refused, 400, "third_party_wording", "body")
    assert "第九条" in error["message"] and "R6" not in error["message"]
    assert not Reply.objects.filter(ticket=ticket).exists()
    _ok(officer.post(f"{path}/initial-reply", {"body": "我处已联系运营商上门检修。", "planned_date": _in(5)}))
    draft = {"body": "经核实，该问题由运营商负责。", "suggestion": "请您自行联系运营商客服处理。"}
    _ok(officer.post(f"{path}/reply", draft), Status.PENDING_APPROVAL)
    assert_error(as_token("head").post(f"{path}/reply/approve"), 400, "third_party_wording")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_APPROVAL


def test_redispatch_request_and_decision(as_token, handling_ticket, unit) -> None:
    """R3.2: the lead unit asks in writing; the Office approves with a new lead unit; deciding twice conflicts."""
    ticket = handling_ticket("direct")
    path = f"/tickets/{ticket.number}"
    assert_error(as_token("officer").post(f"{path}/redispatch", {"reason": " "}), 400, "invalid", "reason")
    request_id = _ok(
        as_token("officer").post(f"{path}/redispatch", {"reason": "属于网络问题。", "suggested_unit": "nic"})
    )["id"]
    assert_error(
        as_token("officer").post(f"{path}/redispatch/{request_id}/decide", {"approve": True}),
        403,
        "forbidden",
    )
    office = as_token("dispatcher")
    _ok(
        office.post(f"{path}/redispatch/{request_id}/decide", {"approve": True, "new_unit": "nic"}),
        Status.DISPATCHED,
    )
    ticket.refresh_from_db()
    assert ticket.lead_unit == unit("nic")
    assert RedispatchRequest.objects.get(pk=request_id).decision == "approved"
    again = office.post(f"{path}/redispatch/{request_id}/decide", {"approve": False, "note": "x"})
    assert again.status_code >= 400 and again.json()["error"]["code"] == "conflict"
    assert_error(as_token("officer").get(f"/tickets/{ticket.number}"), 404, "not_found")  # no longer theirs


def test_redispatch_rejection_needs_a_note(as_token, handling_ticket) -> None:
    ticket = handling_ticket("direct")
    path = f"/tickets/{ticket.number}"
    request_id = _ok(as_token("officer").post(f"{path}/redispatch", {"reason": "不归我们管。"}))["id"]
    office = as_token("dispatcher")
    assert_error(
        office.post(f"{path}/redispatch/{request_id}/decide", {"approve": False}), 400, "invalid", "note"
    )
    _ok(
        office.post(f"{path}/redispatch/{request_id}/decide", {"approve": False, "note": "属于后勤职责。"}),
        Status.HANDLING,
    )
    assert RedispatchRequest.objects.get(pk=request_id).decision == "rejected"


def test_session_client_can_act_too(as_session, handling_ticket) -> None:
    """The web session works for the same endpoints (CSRF is enforced in production, see test_tokens)."""
    ticket = handling_ticket("direct")
    _ok(as_session("officer").post(f"/tickets/{ticket.number}/contacts", {"body": "已电话联系。"}))
    assert Note.objects.get(ticket=ticket).body == "已电话联系。"
