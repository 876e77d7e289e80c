"""Who hears of what (issue 5 §3), driven through the real ticket services: each event reaches the people
it concerns, in Chinese, and never the person who acted."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

from jiesu.notify.models import Notification, Outbox
from jiesu.notify.services import notify_ticket_event
from jiesu.tickets import rating, services
from jiesu.tickets.models import FollowupOutcome, RedispatchRequest, Ticket
from jiesu.tickets.services import TicketEvent
from jiesu.tickets.states import Status
from tests.support import (
    addresses,
    beijing,
    drive,
    hotline_call,
    reply_and_approve,
    sent_rating_token,
    sent_to,
    told,
    unit,
    user,
)

pytestmark = pytest.mark.django_db


def test_a_web_request_mails_its_number_and_tracking_code_to_the_requester(demo_org: None) -> None:
    """received (R10.1): the student who submitted gets the number and tracking code by email — a receipt, so
    it goes to them although they acted — but no inbox line about their own click."""
    ticket = drive(Status.NEW)
    assert told("received") == set()
    [mail] = sent_to("received")
    assert mail.address == "student@demo.jiesu.edu.cn"
    assert mail.subject == f"【接诉即办】您的诉求已受理（编号 {ticket.number}）"
    code = re.search(r"查询码：([A-Z0-9]{10})", mail.body)
    assert code, mail.body
    assert services.base.tracking_code_matches(ticket, code.group(1))
    assert "/track/" in mail.body
    assert Outbox.objects.filter(event="received").count() == 1  # staff are not told of new web requests


def test_a_caller_without_account_gets_email_and_sms_at_the_contact_given(demo_org: None) -> None:
    """received: a hotline caller has no account — email and SMS to the contact on the ticket, with the code."""
    ticket = hotline_call()
    assert told("received", ticket) == set()
    assert addresses("received") == {"wang@example.com"}
    [sms] = sent_to("received", "sms")
    assert sms.address == "13900002222"
    assert sms.body.startswith("【接诉即办】您的诉求已受理，编号" + ticket.number + "，查询码")


def test_a_request_recorded_for_a_person_with_an_account_reaches_their_inbox_without_the_code(
    demo_org: None,
) -> None:
    """received, recorded by staff for a registered requester: inbox (no code kept there) and email (with it)."""
    ticket = services.ticket_create(
        actor=user("officer"),
        channel="walk_in",
        type="consultation",
        campus=beijing(),
        content="想咨询宿舍调换的流程。",
        requester=user("teacher"),
        receiving_unit=unit("logistics"),
    ).ticket
    [note] = Notification.objects.filter(event="received", ticket=ticket)
    assert note.recipient.username == "teacher"
    assert "查询码" not in note.body
    assert note.url == f"/tickets/{ticket.number}/"
    [mail] = sent_to("received")
    assert "查询码" in mail.body


def test_an_anonymous_letter_tells_nobody(demo_org: None) -> None:
    """R1.3: an anonymous mailbox letter has nobody to tell; nothing is written."""
    services.ticket_create(
        actor=user("dispatcher"),
        channel="mailbox",
        type="opinion",
        campus=beijing(),
        content="建议食堂延长晚餐供应时间。",
        anonymous=True,
    )
    assert not Notification.objects.exists()
    assert not Outbox.objects.exists()


def test_dispatch_tells_the_lead_units_head_and_officers_only(demo_org: None) -> None:
    """dispatched → 后勤管理处's head and information officer; not its staff, not other units, not the
    dispatcher who acted."""
    ticket = drive(Status.DISPATCHED)
    assert told("dispatched", ticket) == {"head", "officer"}
    note = Notification.objects.filter(event="dispatched", recipient__username="officer").get()
    assert note.title == f"新派单：{ticket.number}（后勤管理处）"
    assert addresses("dispatched") == {"head@demo.jiesu.edu.cn", "officer@demo.jiesu.edu.cn"}


def test_cohandling_request_tells_the_asked_unit(demo_org: None) -> None:
    """cohandling_requested → 图书馆's head and officer, with the R4.4 answer deadline."""
    ticket = drive(Status.HANDLING)
    assert told("cohandling_requested", ticket) == {"library_head", "library_officer"}
    body = Notification.objects.filter(event="cohandling_requested").first().body  # type: ignore[union-attr]
    assert "后勤管理处请图书馆协助办理" in body
    assert "前书面答复。" in body


def test_a_reply_awaiting_approval_tells_the_lead_unit_head(demo_org: None) -> None:
    """reply_awaiting_approval → the head only (R4.3)."""
    ticket = drive(Status.PENDING_APPROVAL)
    assert told("reply_awaiting_approval", ticket) == {"head"}


def test_a_returned_reply_tells_whoever_drafted_it(demo_org: None) -> None:
    """reply_returned → the drafter, with the head's comment."""
    ticket = drive(Status.PENDING_APPROVAL)
    services.reply_return(actor=user("head"), ticket=ticket, comment="请写明上门时间。")
    assert told("reply_returned", ticket) == {"officer"}
    assert "请写明上门时间。" in Notification.objects.get(event="reply_returned").body


def test_the_sent_reply_carries_the_reply_and_a_working_rating_link(demo_org: None) -> None:
    """reply_sent → the requester, with the reply text and the absolute single-use rating link (R7.1); the
    Office, which dispatched the web request, is told too (R7.4)."""
    ticket = drive(Status.REPLIED)
    assert told("reply_sent", ticket) == {"student", "dispatcher"}
    [mail] = [m for m in sent_to("reply_sent") if m.address == "student@demo.jiesu.edu.cn"]
    assert mail.subject == f"【接诉即办】您的诉求已答复（编号 {ticket.number}）"
    assert "已安排维修师傅今天下午上门检修暖气。" in mail.body
    link = re.search(re.escape(settings.JIESU_SITE_URL) + r"/rate/([^/\s]+)/", mail.body)
    assert link, mail.body
    issued = rating.read_token(link.group(1))
    assert (issued.ticket_id, issued.round) == (ticket.pk, ticket.round)


def test_a_reply_closing_a_repeat_has_no_rating_link(demo_org: None) -> None:
    """R6.1: a repeat is closed on approval; the requester is told without a rating link."""
    ticket = drive(Status.CLOSED)
    [mail] = [
        m
        for m in sent_to("reply_sent")
        if ticket.number in m.subject and m.address == "student@demo.jiesu.edu.cn"
    ]
    assert "/rate/" not in mail.body


def test_a_dissatisfied_follow_up_tells_the_lead_unit_of_the_new_round(demo_org: None) -> None:
    """reopened (R7.2) → head and officers, with the round and the outcome; the person who recorded the call
    (here the unit's staff member) is not told."""
    ticket = drive(Status.REPLIED)
    services.followup_complete(actor=user("handler"), ticket=ticket, outcome="dissatisfied", resolved=False)
    assert told("reopened", ticket) == {"head", "officer"}
    note = Notification.objects.filter(event="reopened").first()
    assert note is not None
    assert note.title == f"工单重新办理（第2轮）：{ticket.number}"
    with translation.override(settings.LANGUAGE_CODE):
        assert f"回访结果为“{FollowupOutcome.DISSATISFIED.label}”" in note.body


def test_the_officer_recording_the_call_is_not_told_of_it(demo_org: None) -> None:
    """Never the actor: the officer who records the dissatisfied call hears nothing; the head does."""
    ticket = drive(Status.REPLIED)
    services.followup_complete(actor=user("officer"), ticket=ticket, outcome="dissatisfied", resolved=False)
    assert told("reopened", ticket) == {"head"}


def test_closing_after_a_satisfied_call_thanks_the_requester(demo_org: None) -> None:
    """closed (R7.2 销账) → the requester, in plain words."""
    ticket = drive(Status.REPLIED)
    services.followup_complete(actor=user("officer"), ticket=ticket, outcome="satisfied", resolved=True)
    assert told("closed", ticket) == {"student"}
    [mail] = sent_to("closed")
    assert mail.subject == f"【接诉即办】您的诉求已办结（编号 {ticket.number}）"


def test_an_online_rating_that_closes_spares_the_unit_a_call(demo_org: None) -> None:
    """rated (R7.1): a satisfied rating by link closes the ticket; the lead unit hears no call is needed."""
    ticket = drive(Status.REPLIED)
    token = sent_rating_token(ticket)
    services.followup_rate_online(token=token, outcome="satisfied", resolved=True)
    assert told("rated", ticket) == {"head", "officer"}
    # The link's rating is the requester's own act (R10.4): like any actor, they are not told of it.
    assert told("closed", ticket) == set()


def test_closing_unsatisfied_after_three_rounds_tells_the_requester(demo_org: None) -> None:
    """closed_unsatisfied (R7.2) → the requester."""
    ticket = drive(Status.REPLIED)
    for _ in range(3):
        services.followup_complete(
            actor=user("officer"), ticket=ticket, outcome="dissatisfied", resolved=False
        )
        if Ticket.objects.get(pk=ticket.pk).round <= 3:
            reply_and_approve(ticket)
    services.ticket_close_unsatisfied(
        actor=user("dispatcher"), ticket=ticket, reason="已多次解释，诉求超出政策范围。"
    )
    assert told("closed_unsatisfied", ticket) == {"student"}


def test_a_redispatch_request_tells_the_office(demo_org: None) -> None:
    """redispatch_requested → the Office's dispatchers (R3.2)."""
    ticket = drive(Status.HANDLING)
    services.redispatch_request(actor=user("officer"), ticket=ticket, reason="不属于本单位职责。")
    assert told("redispatch_requested", ticket) == {"dispatcher"}


def test_an_approved_redispatch_tells_both_units(demo_org: None) -> None:
    """redispatch_decided: the requesting unit hears the decision; the new lead unit gets the ticket."""
    ticket = drive(Status.HANDLING, cohandling=False)
    request = services.redispatch_request(
        actor=user("officer"), ticket=ticket, reason="属于网络信息中心职责。"
    )
    services.redispatch_decide(actor=user("dispatcher"), request=request, approve=True, new_unit=unit("nic"))
    assert told("redispatch_decided", ticket) == {"head", "officer", "nic_head", "nic_officer"}
    to_logistics = Notification.objects.get(event="redispatch_decided", recipient__username="head")
    to_nic = Notification.objects.get(event="redispatch_decided", recipient__username="nic_officer")
    assert to_logistics.title == f"改派申请已同意：{ticket.number}"
    assert to_nic.title == f"改派工单：{ticket.number}（网络信息中心）"


def test_a_rejected_redispatch_tells_the_requesting_unit_with_the_note(demo_org: None) -> None:
    """redispatch_decided, rejected → the requesting unit, with the Office's note."""
    ticket = drive(Status.HANDLING)
    request = services.redispatch_request(actor=user("officer"), ticket=ticket, reason="不属于本单位职责。")
    services.redispatch_decide(
        actor=user("dispatcher"), request=request, approve=False, note="宿舍维修属后勤职责。"
    )
    assert RedispatchRequest.objects.get(pk=request.pk).decision == "rejected"
    assert told("redispatch_decided", ticket) == {"head", "officer"}
    assert "宿舍维修属后勤职责。" in Notification.objects.filter(event="redispatch_decided").first().body  # type: ignore[union-attr]


def test_escalation_tells_the_leader_asked(demo_org: None) -> None:
    """instruction_requested (R6.3) → the leader named, nobody else."""
    ticket = drive(Status.HANDLING)
    services.escalate(actor=user("officer"), ticket=ticket, leader=user("leader_president"), body="请批示。")
    assert told("instruction_requested", ticket) == {"leader_president"}


def test_unknown_events_are_ignored(demo_org: None) -> None:
    """An event name nobody routes writes nothing."""
    ticket = drive(Status.NEW)
    before = Notification.objects.count(), Outbox.objects.count()
    written = notify_ticket_event(TicketEvent("something_new", ticket.pk, ticket.number, None, {}))
    assert written == 0
    assert (Notification.objects.count(), Outbox.objects.count()) == before
