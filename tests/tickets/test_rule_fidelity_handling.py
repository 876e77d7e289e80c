"""Issue 12 items 7, 8 and 9, lived through the services (and the pages people use) on a frozen clock.

Item 7, a leader's instruction reaches the unit (R6.3): the lead unit and the Office are told, and the
instruction stays at the top of the ticket page until the unit records what it did about it.

Item 8, co-handling answers (R3.3, R4.4): a progress report keeps the request open with a new 1-working-day
clock; only the final written result closes it.

Item 9, the Office is told (Art. 8.3, R7.4) of every formal reply to a ticket it dispatched, and sees those
tickets in a "replied, awaiting follow-up" list.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiesu.notify.models import Notification, Outbox, Preference
from jiesu.tickets import selectors, services
from jiesu.tickets.errors import Conflict, DomainError
from jiesu.tickets.models import CohandlingRequest, Event, Note
from tests.support import at, hotline_call, signed_in, told, unit, user, web_request
from tests.tickets.test_rule_fidelity_support import START, answered, fresh, handled, step, web_replied

pytestmark = pytest.mark.django_db
INSTRUCTION = "请后勤管理处今日内解决，并向诉求人当面说明情况。"


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization: 后勤管理处 leads, 图书馆 co-handles, 校领导 instruct, the Office dispatches."""


def _handling():
    return handled(step(START, web_request, requester="student"), START)


# --- Item 7: a leader's instruction reaches the unit ----------------------------------------------------------


def test_instruction_reaches_the_unit_and_the_office() -> None:
    """R6.3: a leader's instruction is sent to the lead unit's head and officers (inbox and their channels)
    and to the Office, with the instruction's words."""
    ticket = _handling()
    step(
        at(2026, 3, 10, 10),
        services.escalate,
        actor=user("officer"),
        ticket=ticket,
        leader=user("leader"),
        body="维修需动用专项经费，请校领导批示。",
    )
    step(at(2026, 3, 10, 11), services.instruct, actor=user("leader"), ticket=ticket, body=INSTRUCTION)
    assert {"head", "officer", "dispatcher"} <= told("instructed", ticket)
    assert "leader" not in told("instructed", ticket)
    mails = Outbox.objects.filter(event="instructed", channel="email")
    assert {"head@demo.jiesu.edu.cn", "officer@demo.jiesu.edu.cn"} <= set(
        mails.values_list("address", flat=True)
    )
    assert all(INSTRUCTION in m.body for m in mails)


def test_instruction_stays_on_top_of_the_ticket_page_until_the_unit_records_what_it_did() -> None:
    """R6.3: the open instruction is shown first on the ticket page with a form for the unit; recording what
    was done (a handling record with history) answers it, tells the leader, and the banner goes."""
    ticket = _handling()
    note = step(at(2026, 3, 10, 11), services.instruct, actor=user("leader"), ticket=ticket, body=INSTRUCTION)
    officer = signed_in("officer")
    page = reverse("work:ticket", args=[ticket.number])
    html = officer.get(page).content.decode()
    banner = html.index('data-testid="open-instructions"')
    assert INSTRUCTION in html[banner:] and banner < html.index('data-testid="facts"')
    assert 'data-testid="action-respond_instruction"' in html
    response = step(
        at(2026, 3, 10, 15),
        services.instruction_respond,
        actor=user("officer"),
        ticket=ticket,
        instruction=note,
        body="已于当日下午完成维修，并当面向诉求人说明。",
    )
    assert (response.kind, response.responds_to_id) == (Note.Kind.INSTRUCTION_RESPONSE, note.pk)
    note.refresh_from_db()
    assert note.answered is True
    assert Event.objects.filter(ticket=ticket, action="instruction_respond").exists()
    assert told("instruction_responded", ticket) == {"leader"}
    html = officer.get(page).content.decode()
    assert 'data-testid="open-instructions"' not in html and "已记录批示落实情况" in html
    with pytest.raises(Conflict):
        services.instruction_respond(
            actor=user("officer"), ticket=ticket, instruction=note, body="再次记录。"
        )


def _unit_hears(event: str, ticket, *, names: set[str]) -> list[str]:
    """The texts of ``event`` that reached the people ``names`` about ``ticket``: their inbox bodies, then every
    outbox message to their addresses (email, SMS, WeCom), so a test sees what each channel carried."""
    inbox = Notification.objects.filter(event=event, ticket=ticket, recipient__username__in=names)
    assert set(inbox.values_list("recipient__username", flat=True)) == names
    people = [user(name) for name in names]
    addresses = {a for p in people for a in (p.email, p.phone, p.username) if a}
    outbox = list(Outbox.objects.filter(event=event, address__in=addresses).values_list("channel", "body"))
    assert {channel for channel, _body in outbox} == {"email", "sms", "wecom"}
    return [*inbox.values_list("body", flat=True), *(body for _channel, body in outbox)]


def _all_channels(*usernames: str) -> None:
    for name in usernames:
        person = user(name)
        person.phone = person.phone or "13800001111"
        person.save(update_fields=["phone"])
        Preference.objects.update_or_create(user=person, defaults={"email": True, "sms": True, "wecom": True})


def test_an_instruction_given_before_dispatch_reaches_the_unit_with_the_dispatch() -> None:
    """R6.3: a leader instructs before the ticket is dispatched (a private mailbox letter, a reception visit), when
    there is no lead unit to tell: only the Office hears of it. When the Office dispatches, the lead unit's
    dispatch message carries the leader's name and words, in the inbox and on every channel it chose."""
    _all_channels("head", "officer")
    ticket = step(START, web_request, requester="student")
    step(at(2026, 3, 10, 9, 30), services.instruct, actor=user("leader"), ticket=ticket, body=INSTRUCTION)
    assert told("instructed", ticket) == {"dispatcher"}  # no lead unit yet
    step(
        at(2026, 3, 10, 10),
        services.ticket_dispatch,
        actor=user("dispatcher"),
        ticket=ticket,
        lead_unit=unit("logistics"),
    )
    texts = _unit_hears("dispatched", ticket, names={"head", "officer"})
    for text in texts:
        assert INSTRUCTION in text and "刘向东" in text, text
        assert "R6" not in text


def test_a_redispatch_carries_the_open_instruction_but_not_an_answered_one() -> None:
    """R6.3 with R3.2: the new lead unit of a re-dispatched ticket is told of the instruction the previous unit
    has not yet answered; an instruction the unit already recorded what it did about is not repeated."""
    _all_channels("nic_head", "nic_officer")
    ticket = _handling()
    answered_one = step(
        at(2026, 3, 10, 10), services.instruct, actor=user("leader"), ticket=ticket, body="请先排查线路。"
    )
    step(
        at(2026, 3, 10, 11),
        services.instruction_respond,
        actor=user("officer"),
        ticket=ticket,
        instruction=answered_one,
        body="已完成线路排查。",
    )
    step(at(2026, 3, 10, 12), services.instruct, actor=user("leader"), ticket=ticket, body=INSTRUCTION)
    request = step(
        at(2026, 3, 10, 13),
        services.redispatch_request,
        actor=user("officer"),
        ticket=ticket,
        reason="线路属网络信息中心维护。",
    )
    step(
        at(2026, 3, 10, 14),
        services.redispatch_decide,
        actor=user("dispatcher"),
        request=request,
        approve=True,
        new_unit=unit("nic"),
    )
    for text in _unit_hears("redispatch_decided", ticket, names={"nic_head", "nic_officer"}):
        assert INSTRUCTION in text and "刘向东" in text, text
        assert "请先排查线路。" not in text


# --- Item 8: co-handling answers ------------------------------------------------------------------------------


def test_cohandling_answers_a_progress_report_keeps_the_request_open_with_a_new_clock() -> None:
    """R3.3 / R4.4: 图书馆 cannot finish in time: it gives its reason and the stage reached; the request stays
    open with a new clock of 1 working day from that report, still in its co-handling list; the final written
    result closes it."""
    ticket = _handling()
    item = step(
        at(2026, 3, 10, 10),
        services.cohandling_request,
        actor=user("officer"),
        ticket=ticket,
        unit=unit("library"),
        request="请协助调取图书馆门口监控，核实维修人员进出时间。",
    )
    assert item.due_at == at(2026, 3, 12)  # the end of Wednesday, 1 working day after Tuesday's request
    with pytest.raises(DomainError) as refused:
        step(
            at(2026, 3, 11, 15),
            services.cohandling_answer,
            actor=user("library_officer"),
            item=item,
            finished=False,
            stage="已提交监控调取申请。",
        )
    assert refused.value.field == "reason"
    step(
        at(2026, 3, 11, 15),
        services.cohandling_answer,
        actor=user("library_officer"),
        item=item,
        finished=False,
        reason="监控调取须经保卫处审批。",
        stage="已提交监控调取申请，保卫处正在审批。",
    )
    [still_open] = selectors.cohandling_inbox(user("library_officer"))
    assert still_open.origin_id == item.pk and still_open.answered_at is None
    assert (still_open.requested_at, still_open.due_at) == (at(2026, 3, 11, 15), at(2026, 3, 13))
    item.refresh_from_db()
    assert (item.finished, item.on_time, item.reason) == (False, True, "监控调取须经保卫处审批。")
    assert Event.objects.filter(ticket=ticket, action="cohandling_progress").exists()

    step(
        at(2026, 3, 12, 11),
        services.cohandling_answer,
        actor=user("library_officer"),
        item=item,  # the request as first asked: its open continuation is answered
        answer="监控显示维修人员3月9日14:05进入、15:40离开。",
    )
    assert list(selectors.cohandling_inbox(user("library_officer"))) == []
    final = CohandlingRequest.objects.get(pk=still_open.pk)
    assert (final.finished, final.on_time) == (True, True)


# --- Item 9: the Office is told --------------------------------------------------------------------------------


def test_office_is_told_of_the_formal_reply_and_lists_it_awaiting_follow_up() -> None:
    """Art. 8.3 / R7.4: the formal reply to a ticket the Office dispatched is told to the Office, which sees
    the ticket in its "replied, awaiting follow-up" list until the follow-up ends it."""
    ticket = web_replied()
    assert "dispatcher" in told("reply_sent", ticket)
    office = user("dispatcher")
    assert [t.number for t in selectors.office_replied(office)] == [ticket.number]
    with time_machine.travel(START + dt.timedelta(hours=4), tick=False):
        listed = signed_in("dispatcher").get(reverse("work:office_replied")).content.decode()
    assert ticket.number in listed and "已答复待回访" in listed
    step(
        START + dt.timedelta(hours=5),
        services.followup_complete,
        actor=user("officer"),
        ticket=ticket,
        outcome="satisfied",
        resolved=True,
    )
    assert list(selectors.office_replied(office)) == []


def test_office_is_not_told_of_replies_to_tickets_a_unit_received_itself() -> None:
    """R7.4 concerns Office-dispatched tickets: a unit's own hotline call is not the Office's to follow."""
    ticket = step(START, hotline_call, acknowledge=True)
    step(START, services.ticket_set_level, actor=user("officer"), ticket=ticket, level="direct")
    answered(fresh(ticket), START + dt.timedelta(hours=1))
    assert "dispatcher" not in told("reply_sent", ticket)
    assert list(selectors.office_replied(user("dispatcher"))) == []
