"""Handling by the lead unit (R3.3, R4.2, R6.3, R6.5) through the services: each rule's refusal, and what a
successful step records."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.tickets import services
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Event, Note, Reply
from jiesu.tickets.states import Status
from tests.support import drive, snapshot, today, unit, user


@pytest.mark.django_db
def test_level_change_needs_a_reason(demo_org: None) -> None:
    """R4.2: the first level needs no reason; changing it does, and the reason is in the history."""
    ticket = drive(Status.HANDLING, level="direct", cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department", reason="  ")
    assert refused.value.field == "reason"
    assert snapshot(ticket) == before
    services.ticket_set_level(
        actor=user("officer"), ticket=ticket, level="department", reason="需与供暖公司协调"
    )
    event = Event.objects.filter(ticket=ticket, action="set_level").last()
    assert event is not None
    assert (event.before["level"], event.after["level"], event.reason) == (
        "direct",
        "department",
        "需与供暖公司协调",
    )
    # R4.9: the direct reply deadline it replaced is in the same row, before → after (nothing replaces it yet).
    assert event.before["reply"]["missed"] is False and event.after["reply"] is None


@pytest.mark.django_db
def test_unknown_level_and_same_level(demo_org: None) -> None:
    """An unknown level is refused; setting the level it already has writes nothing."""
    ticket = drive(Status.HANDLING, cohandling=False)
    with pytest.raises(DomainError):
        services.ticket_set_level(actor=user("officer"), ticket=ticket, level="urgent")
    before = snapshot(ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department")
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_initial_reply_only_for_department_and_school(demo_org: None) -> None:
    """R4.2: a direct ticket gets its formal reply, not an initial one."""
    ticket = drive(Status.HANDLING, level="direct", cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.initial_reply_send(
            actor=user("officer"), ticket=ticket, body="已收到。", planned_date=today() + dt.timedelta(days=5)
        )
    assert refused.value.field == "level"
    assert snapshot(ticket) == before


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, -1])
def test_planned_date_must_be_after_today(days: int, demo_org: None) -> None:
    """R4.2: the planned date of the formal reply lies after today."""
    ticket = drive(Status.HANDLING, initial_reply=False, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.initial_reply_send(
            actor=user("officer"),
            ticket=ticket,
            body="已收到。",
            planned_date=today() + dt.timedelta(days=days),
        )
    assert refused.value.field == "planned_date"
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_initial_reply_is_sent_once_then_the_date_moves_with_a_reason(demo_org: None) -> None:
    """R4.2 延期: after the initial reply, the planned date changes only through a move with a reason — a
    second initial reply cannot silently move it."""
    ticket = drive(Status.HANDLING, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError):
        services.initial_reply_send(
            actor=user("officer"),
            ticket=ticket,
            body="再次告知。",
            planned_date=today() + dt.timedelta(days=20),
        )
    assert snapshot(ticket) == before
    assert Reply.objects.filter(ticket=ticket, stage="initial").count() == 1


@pytest.mark.django_db
def test_planned_date_move_needs_a_reason_and_an_initial_reply(demo_org: None) -> None:
    """R4.2: no planned date to move before the initial reply; a move needs a reason and a later date."""
    fresh = drive(Status.HANDLING, initial_reply=False, cohandling=False)
    with pytest.raises(DomainError) as refused:
        services.planned_date_move(
            actor=user("officer"),
            ticket=fresh,
            planned_date=today() + dt.timedelta(days=9),
            reason="配件未到",
        )
    assert refused.value.field == "planned_date"
    ticket = drive(Status.HANDLING, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.planned_date_move(
            actor=user("officer"), ticket=ticket, planned_date=today() + dt.timedelta(days=9), reason=""
        )
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        services.planned_date_move(
            actor=user("officer"), ticket=ticket, planned_date=today(), reason="配件未到"
        )
    assert refused.value.field == "planned_date"
    assert snapshot(ticket) == before
    new_date = today() + dt.timedelta(days=9)
    services.planned_date_move(actor=user("officer"), ticket=ticket, planned_date=new_date, reason="配件未到")
    event = Event.objects.get(ticket=ticket, action="move_planned_date")
    assert event.after["planned_date"] == str(new_date) and event.reason == "配件未到" and event.public
    assert event.before["planned_date"] == str(today() + dt.timedelta(days=7))
    # R4.9: the replaced formal reply deadline, before (not missed) → after (the end of the new date).
    assert event.before["reply"]["missed"] is False
    assert event.after["reply"].startswith(str(new_date + dt.timedelta(days=1)))


@pytest.mark.django_db
def test_cohandling_request_and_answer(demo_org: None) -> None:
    """R3.3: the lead unit asks a named unit in writing; only that unit answers, with the result once, or first
    with a reason and a progress report that keeps the request open (tests/tickets/test_rule_fidelity_handling.py
    lives the new clock through)."""
    ticket = drive(Status.HANDLING, cohandling=False)
    with pytest.raises(DomainError):
        services.cohandling_request(
            actor=user("officer"), ticket=ticket, unit=unit("logistics"), request="自查"
        )
    with pytest.raises(DomainError) as refused:
        services.cohandling_request(actor=user("officer"), ticket=ticket, unit=unit("security"), request=" ")
    assert refused.value.field == "request"
    item = services.cohandling_request(
        actor=user("officer"), ticket=ticket, unit=unit("security"), request="请协助开门入室检查。"
    )
    assert ticket.cohandling_units.filter(unit__code="security").exists()
    other = services.cohandling_request(
        actor=user("officer"), ticket=ticket, unit=unit("library"), request="请核实"
    )
    # 图书馆 co-handles the ticket too, but it was not asked this question.
    with pytest.raises(NotAllowed):
        services.cohandling_answer(actor=user("library_officer"), item=item, answer="已处理")
    with pytest.raises(DomainError) as refused:
        services.cohandling_answer(actor=user("security_officer"), item=item, answer="", finished=False)
    assert refused.value.field == "reason"
    answered = services.cohandling_answer(
        actor=user("security_officer"),
        item=item,
        answer="已联系厂家订购配件",
        reason="配件未到，预计周五完成",
        finished=False,
    )
    assert answered.finished is False and answered.on_time is True
    final = services.cohandling_answer(actor=user("security_head"), item=item, answer="已完成")
    assert (final.origin_id, final.finished) == (item.pk, True)
    with pytest.raises(DomainError) as refused:
        services.cohandling_answer(actor=user("security_head"), item=item, answer="已完成")
    assert refused.value.code == "conflict"
    assert other.answered_at is None


@pytest.mark.django_db
def test_escalation_and_instruction(demo_org: None) -> None:
    """R6.3: the unit asks a school leader (not anybody) for an instruction; the leader's instruction is recorded
    and answers that leader's open request only."""
    ticket = drive(Status.HANDLING, cohandling=False)
    with pytest.raises(DomainError) as refused:
        services.escalate(actor=user("officer"), ticket=ticket, leader=user("inspector"), body="请批示")
    assert refused.value.field == "leader"
    with pytest.raises(DomainError):
        services.escalate(actor=user("officer"), ticket=ticket, leader=user("leader"), body="")
    services.escalate(actor=user("officer"), ticket=ticket, leader=user("leader"), body="需协调维修经费")
    services.escalate(
        actor=user("officer"), ticket=ticket, leader=user("leader_president"), body="需协调维修经费"
    )
    with pytest.raises(DomainError):
        services.instruct(actor=user("leader"), ticket=ticket, body="  ")
    services.instruct(actor=user("leader"), ticket=ticket, body="同意，请三日内解决。")
    open_requests = Note.objects.filter(ticket=ticket, kind="escalation", answered=False)
    assert list(open_requests.values_list("leader__username", flat=True)) == ["leader_president"]
    assert Note.objects.get(ticket=ticket, kind="instruction").party == user("leader").full_name


@pytest.mark.django_db
def test_third_party_is_recorded_with_what_was_agreed(demo_org: None) -> None:
    """R6.5: the unit itself contacts the third party, recording whom and what was agreed."""
    ticket = drive(Status.HANDLING, cohandling=False)
    with pytest.raises(DomainError) as refused:
        services.third_party_record(actor=user("officer"), ticket=ticket, party="", body="已约定")
    assert refused.value.field == "party"
    with pytest.raises(DomainError) as refused:
        services.third_party_record(actor=user("officer"), ticket=ticket, party="物业公司", body="")
    assert refused.value.field == "body"
    note = services.third_party_record(
        actor=user("officer"), ticket=ticket, party="物业公司", body="明日上门"
    )
    event = Event.objects.get(ticket=ticket, action="third_party")
    assert (note.party, event.after, event.reason) == ("物业公司", {"party": "物业公司"}, "明日上门")


@pytest.mark.django_db
def test_an_initial_reply_sending_the_requester_to_a_third_party_is_refused(demo_org: None) -> None:
    """R6.5 / Art. 9.6: the initial reply goes to the requester at once, with no head approval, so wording that
    sends them to a third party themselves is refused before anything is written or sent; the refusal cites
    第九条 in Chinese (no rule id). The unit's own account of contacting the third party goes out."""
    from django.utils import translation  # noqa: PLC0415

    from jiesu.notify.models import Notification, Outbox  # noqa: PLC0415 - tickets tests import notify lazily

    ticket = drive(Status.HANDLING, initial_reply=False, cohandling=False)
    before = snapshot(ticket)
    planned = today() + dt.timedelta(days=5)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        services.initial_reply_send(
            actor=user("officer"), ticket=ticket, body="请您自行联系运营商客服处理。", planned_date=planned
        )
    assert (refused.value.code, refused.value.field) == ("third_party_wording", "body")
    assert "第九条" in str(refused.value) and "R6" not in str(refused.value)
    assert snapshot(ticket) == before
    assert not Notification.objects.filter(ticket=ticket, event="initial_reply").exists()
    assert not Outbox.objects.filter(event="initial_reply").exists()
    reply = services.initial_reply_send(
        actor=user("officer"),
        ticket=ticket,
        body="我处已联系运营商，对方将于三个工作日内上门检修线路。",
        planned_date=planned,
    )
    assert reply.state == Reply.State.SENT


@pytest.mark.django_db
def test_a_planned_date_reason_sending_the_requester_to_a_third_party_is_refused(demo_org: None) -> None:
    """R6.5 / Art. 9.6: the reason for moving the planned date is shown to the requester on their ticket page,
    unapproved, so it may not send them to a third party either; nothing is written."""
    ticket = drive(Status.HANDLING, cohandling=False)
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.planned_date_move(
            actor=user("officer"),
            ticket=ticket,
            planned_date=today() + dt.timedelta(days=9),
            reason="配件需厂家提供，请您自行联系厂家催促发货。",
        )
    assert (refused.value.code, refused.value.field) == ("third_party_wording", "reason")
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_amendment_appends_and_never_edits_content(demo_org: None) -> None:
    """R1.2: corrections are appended; the recorded content stays as received."""
    ticket = drive(Status.DISPATCHED)
    content = ticket.content
    services.amendment_add(actor=user("dispatcher"), ticket=ticket, body="更正：房间号为303。")
    ticket.refresh_from_db()
    assert ticket.content == content
    assert Note.objects.get(ticket=ticket, kind="amendment").body == "更正：房间号为303。"
    assert Event.objects.get(ticket=ticket, action="amend").public is True


@pytest.mark.django_db
def test_contact_reveal_is_audited(demo_org: None) -> None:
    """R10.2: the full contact is returned to the need-to-know and each view is logged with who saw it."""
    ticket = drive(Status.DISPATCHED)
    shown = services.contact_reveal(actor=user("inspector"), ticket=ticket)
    assert shown == {"phone": "13812345678", "email": user("student").email}
    event = Event.objects.get(ticket=ticket, action="reveal_contact")
    assert event.actor == user("inspector") and event.public is False
    with pytest.raises(NotAllowed):
        services.contact_reveal(actor=user("leader"), ticket=ticket)
    assert Event.objects.filter(ticket=ticket, action="reveal_contact").count() == 1
