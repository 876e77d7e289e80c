"""Formal replies (R4.3, R6.1, R6.2, R6.5): drafted by the lead unit, approved or returned by its head."""

from __future__ import annotations

from typing import Any

import pytest

from jiesu.tickets import services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Clock, Event, Reply, ReplyKind, Ticket
from jiesu.tickets.states import Status
from tests.support import (
    beijing,
    drive,
    snapshot,
    unit,
    user,
    web_request,
)


def _submit(ticket: Ticket, body: str = "已安排师傅上门维修。", **extra: Any) -> Reply:
    return services.reply_submit(actor=user("officer"), ticket=ticket, body=body, **extra)


@pytest.mark.django_db
def test_answer_needs_a_level_and_a_body(demo_org: None) -> None:
    """R4.2 / R4.3: an answer needs the handling level first and some words."""
    ticket = drive(Status.HANDLING, cohandling=False)
    Ticket.objects.filter(pk=ticket.pk).update(level="")  # acknowledged, level not yet chosen
    ticket.refresh_from_db()
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        _submit(ticket)
    assert refused.value.field == "level"
    assert snapshot(ticket) == before
    ticket = drive(Status.HANDLING, cohandling=False)
    with pytest.raises(DomainError) as refused:
        _submit(ticket, body="  ")
    assert refused.value.field == "body"
    with pytest.raises(DomainError) as refused:
        _submit(ticket, kind="praise")
    assert refused.value.field == "kind"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ReplyKind.OUT_OF_REMIT, ReplyKind.UNSOLVABLE])
def test_out_of_remit_and_unsolvable_need_a_suggestion(kind: str, demo_org: None) -> None:
    """R6.2: closing as out of remit or not solvable now explains and suggests what the requester can do."""
    ticket = drive(Status.HANDLING, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        _submit(ticket, body="该事项不属于我处职责范围。", kind=kind, suggestion=" ")
    assert refused.value.field == "suggestion"
    assert snapshot(ticket) == before
    reply = _submit(
        ticket, body="该事项不属于我处职责范围。", kind=kind, suggestion="我处已转告相关部门跟进。"
    )
    assert (reply.kind, reply.suggestion, reply.state) == (kind, "我处已转告相关部门跟进。", "pending")


@pytest.mark.django_db
def test_repeat_needs_an_original_from_the_same_requester(demo_org: None) -> None:
    """R6.1: a repeat links to an original of the same requester, never to itself or someone else's."""
    ticket = drive(Status.HANDLING, cohandling=False)
    someone_else = web_request("teacher", "办公室空调不制冷。")
    before = snapshot(ticket)
    for original in (None, ticket, someone_else):
        with pytest.raises(DomainError) as refused:
            _submit(ticket, body="与此前诉求相同。", kind=ReplyKind.REPEAT, repeat_of=original)
        assert refused.value.field == "repeat_of"
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_repeat_by_phone_matches_an_office_recorded_original(demo_org: None) -> None:
    """R6.1: without an account, the same requester is recognised by the same phone number."""
    ticket = drive(Status.HANDLING, cohandling=False)
    original = web_request("student", "暖气还是不热。")
    Ticket.objects.filter(pk=original.pk).update(requester=None)
    original.refresh_from_db()
    reply = _submit(ticket, body="与此前诉求相同。", kind=ReplyKind.REPEAT, repeat_of=original)
    assert reply.kind == ReplyKind.REPEAT


@pytest.mark.django_db
def test_approved_repeat_closes_the_ticket_without_follow_up(demo_org: None) -> None:
    """R6.1: not handled twice — approval sends the original's progress and closes this ticket."""
    ticket = drive(Status.CLOSED)
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    assert ticket.repeat_of is not None and ticket.repeat_of.status == Status.NEW
    assert not Clock.objects.filter(ticket=ticket, kind="followup").exists()
    assert ticket.next_due_at is None and ticket.next_clock == ""
    event = Event.objects.get(ticket=ticket, action="approve_reply")
    assert (event.from_status, event.to_status) == ("pending_approval", "closed")


POSITIVE = [
    "请您自行联系物业公司",
    "建议您直接致电运营商客服，电话10000。",
    "您可以自己去找商家协商退款。",
    "请您与物业公司联系。",
    "此事请联系物业处理。",
    "需自行前往派出所办理。",
    "您可自行与房东协商解决。",
    "建议你另行咨询银行。",
    "请拨打12345市民服务热线反映。",
]
NEGATIVE = [
    "我处已联系物业公司，物业承诺明天上门维修。",
    "我处已直接联系物业公司，明日上午检修。",
    "我们已与物业公司直接沟通，明日维修。",
    "请您放心，我处已联系物业公司。",
    "如有疑问请致电后勤管理处88562008。",
    "如仍不热请致电010-61234567。",  # the digits 12345 inside a phone number are not the city hotline
    "请您保持电话畅通，维修师傅将直接联系您。",
    "已安排维修师傅今天下午上门检修暖气。",
    "您反映的问题已直接转交维修班组。",
]


@pytest.mark.parametrize("text", POSITIVE)
def test_third_party_wording_is_flagged(text: str) -> None:
    """R6.5: telling the requester to contact a third party themselves is flagged, however it is phrased."""
    assert services.flags_third_party(text)


@pytest.mark.parametrize("text", NEGATIVE)
def test_the_units_own_contact_is_not_flagged(text: str) -> None:
    """R6.5: the unit reporting what it did itself, or inviting a call to the unit, is not flagged."""
    assert not services.flags_third_party(text)


@pytest.mark.django_db
def test_flagged_reply_is_never_approved_only_returned(demo_org: None) -> None:
    """R6.5 / Art. 9.6: the head sees the flag; approval is refused and changes nothing — there is no
    confirmation that lets such wording out; the head returns it (rewording: test_rule_fidelity_outcomes.py)."""
    ticket = drive(Status.HANDLING, cohandling=False)
    reply = _submit(ticket, body="请您自行联系物业公司处理。")
    assert reply.third_party_flag is True
    assert Event.objects.get(ticket=ticket, action="submit_reply").after["third_party_flag"] is True
    ticket.refresh_from_db()
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.reply_approve(actor=user("head"), ticket=ticket)
    assert refused.value.code == "third_party_wording"
    assert snapshot(ticket) == before
    services.reply_return(actor=user("head"), ticket=ticket, comment="不得要求诉求人自行联系第三方。")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.RETURNED


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ReplyKind.ANSWER, ReplyKind.OUT_OF_REMIT])
def test_a_suggestion_sending_the_requester_to_a_third_party_is_never_approved(
    kind: str, demo_org: None
) -> None:
    """R6.5 / Art. 9.6: the suggestion reaches the requester with the reply (ticket page, tracking, rating),
    so it is checked as the body is: a neutral body with 「请您自行联系物业公司处理。」 as its suggestion is
    flagged, approval is refused with the same code and changes nothing, and nothing reaches the requester."""
    from jiesu.notify.models import Notification, Outbox  # noqa: PLC0415 - tickets tests import notify lazily

    ticket = drive(Status.HANDLING, cohandling=False)
    reply = _submit(
        ticket, body="经核实，该问题由物业负责维修。", kind=kind, suggestion="请您自行联系物业公司处理。"
    )
    assert reply.third_party_flag is True
    assert Event.objects.get(ticket=ticket, action="submit_reply").after["third_party_flag"] is True
    ticket.refresh_from_db()
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.reply_approve(actor=user("head"), ticket=ticket)
    assert refused.value.code == "third_party_wording"
    assert snapshot(ticket) == before
    assert not Notification.objects.filter(ticket=ticket, event="reply_sent").exists()
    assert not Outbox.objects.filter(event="reply_sent").exists()


@pytest.mark.django_db
def test_a_pending_reply_drafted_before_the_suggestion_was_checked_is_still_refused(demo_org: None) -> None:
    """R6.5: approval looks at the words themselves, not only at the flag stored when the draft was submitted:
    a pending reply whose suggestion deflects is refused even if its stored flag says otherwise."""
    ticket = drive(Status.HANDLING, cohandling=False)
    reply = _submit(ticket, body="已安排师傅上门查看。", suggestion="建议您直接致电运营商客服，电话10000。")
    Reply.objects.filter(pk=reply.pk).update(
        third_party_flag=False
    )  # as stored before the suggestion counted
    ticket.refresh_from_db()
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.reply_approve(actor=user("head"), ticket=ticket)
    assert refused.value.code == "third_party_wording"
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_rewording_a_flagged_suggestion_needs_a_new_suggestion(demo_org: None) -> None:
    """R6.5: the unit records the third party it contacted and rewords; keeping the deflecting suggestion is
    refused, a new suggestion in the unit's own words goes to the head, who approves it."""
    ticket = drive(Status.HANDLING, cohandling=False)
    _submit(ticket, body="经核实，该问题由物业负责维修。", suggestion="请您自行联系物业公司处理。")
    services.third_party_record(
        actor=user("officer"), ticket=ticket, party="物业公司", body="约定明日上午上门维修。"
    )
    with pytest.raises(DomainError) as kept:
        services.reply_reword(actor=user("officer"), ticket=ticket, body="我处已联系物业公司。")
    assert kept.value.code == "third_party_wording"
    reworded = services.reply_reword(
        actor=user("officer"),
        ticket=ticket,
        body="我处已联系物业公司。",
        suggestion="物业将于明日上午上门维修，如仍有问题请告知我处。",
    )
    assert reworded.third_party_flag is False
    services.reply_approve(actor=user("head"), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED


@pytest.mark.django_db
def test_return_needs_a_comment_then_the_unit_resubmits(demo_org: None) -> None:
    """R4.3: the head returns a draft with what must change; the unit revises and submits again; only the
    approved version is sent."""
    ticket = drive(Status.PENDING_APPROVAL, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.reply_return(actor=user("head"), ticket=ticket, comment=" ")
    assert refused.value.field == "comment"
    assert snapshot(ticket) == before
    returned = services.reply_return(actor=user("head"), ticket=ticket, comment="请写明上门时间。")
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and returned.state == Reply.State.RETURNED
    event = Event.objects.get(ticket=ticket, action="return_reply")
    assert (event.from_status, event.to_status, event.reason) == (
        "pending_approval",
        "handling",
        "请写明上门时间。",
    )
    _submit(ticket, body="维修师傅今天下午3点上门。")
    services.reply_approve(actor=user("head"), ticket=ticket, comment="同意")
    sent = Reply.objects.get(ticket=ticket, stage="formal", state="sent")
    assert sent.body == "维修师傅今天下午3点上门。" and sent.review_comment == "同意"
    assert Reply.objects.filter(ticket=ticket, stage="formal").count() == 2


@pytest.mark.django_db
def test_approval_sends_the_reply_and_starts_the_follow_up(demo_org: None) -> None:
    """R4.3 / R4.6: approval sends, meets the reply clocks and starts the 48-hour follow-up clock."""
    ticket = drive(Status.PENDING_APPROVAL, cohandling=False)
    reply = services.reply_approve(actor=user("head"), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED and reply.sent_at is not None
    met = dict(Clock.objects.filter(ticket=ticket).values_list("kind", "met_at"))
    assert met["reply"] == reply.sent_at and met["followup"] is None
    assert ticket.next_clock == "followup"


@pytest.mark.django_db
def test_anonymous_letter_gets_no_follow_up(demo_org: None) -> None:
    """R1.3: an anonymous mailbox letter is answered but not followed up."""
    ticket = services.ticket_create(
        actor=user("dispatcher"),
        channel="mailbox",
        type="opinion",
        campus=beijing(),
        content="建议食堂延长营业时间。",
        anonymous=True,
    ).ticket
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    _submit(ticket, body="感谢建议，食堂将延长营业至21点。")
    services.reply_approve(actor=user("head"), ticket=ticket)
    assert not Clock.objects.filter(ticket=ticket, kind="followup").exists()
