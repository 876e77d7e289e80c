"""Issue 12 items 6 and 10, lived through the services on a frozen clock.

Item 6, closures that close (R6.2, R7.2, R7.3): an out-of-remit or objectively constrained reply that the
requester accepts as explained closes as ``closed_explained`` instead of reopening round after round; a
requester unreachable after 3 attempts on at least 2 different days goes to the Office, which closes the ticket
as ``closed_unreachable`` or orders another round of calls — handling is never reopened for it.

Item 10, no third-party deflection (Art. 9.6, R6.5): a reply telling the requester to contact a third party
themselves is never approved; the head returns it, or the unit records the third party it contacted itself and
rewords the reply.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from jiesu.tickets import selectors, services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Clock, Event, Followup, Reply
from jiesu.tickets.states import CLOSED_STATUSES, Status
from tests.support import at, signed_in, user, web_request
from tests.tickets.test_rule_fidelity_support import (
    START,
    attempt,
    followup_call,
    fresh,
    handled,
    step,
    web_replied,
)

pytestmark = pytest.mark.django_db
EXPLAINED = {
    "kind": "out_of_remit",
    "body": "经核实，东门外道路施工属市政工程，不在学校职责范围内；我处已将噪音情况转告施工方。",
    "suggestion": "我处将持续关注施工进展，如夜间施工再次扰民，请随时告知我处。",
}
REPLIED_AT = START + dt.timedelta(hours=3)  # web_replied: approved at 12:00


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization: 后勤管理处 handles and calls back, the Office decides unreachable requesters."""


# --- Item 6: closures that close ------------------------------------------------------------------------------


def test_closures_that_close_an_accepted_explanation_closes_as_closed_explained() -> None:
    """R6.2: the requester accepts the out-of-remit explanation at the follow-up: the ticket closes as
    ``closed_explained`` (a closed status of its own), in round 1, with the follow-up clock met — not reopened
    with a new reply clock."""
    ticket = web_replied(**EXPLAINED)
    when = REPLIED_AT + dt.timedelta(hours=4)
    followup = followup_call(
        ticket, when, "basically_satisfied", accepts_explanation=True, comment="理解，接受解释。"
    )
    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED_EXPLAINED and ticket.status in CLOSED_STATUSES
    assert (ticket.round, ticket.closed_at) == (1, when)
    assert (followup.explained_accepted, followup.resolved) == (True, False)
    assert Clock.objects.get(ticket=ticket, kind="followup").on_time is True
    assert not Clock.objects.filter(ticket=ticket, round=2).exists()
    event = Event.objects.get(ticket=ticket, action="closed_explained")
    assert (event.from_status, event.to_status, event.public) == ("replied", "closed_explained", True)
    with translation.override("zh-hans"):
        assert str(Status.CLOSED_EXPLAINED.label) == "已解释办结"


def test_closures_that_close_an_ordinary_answer_is_not_accepted_as_explained() -> None:
    """R6.2: only a reply marked out of remit or objectively constrained can be accepted as explained; an
    ordinary answer that did not solve the matter reopens as before (R7.2)."""
    ticket = web_replied()
    with pytest.raises(DomainError) as refused:
        followup_call(ticket, REPLIED_AT + dt.timedelta(hours=1), "dissatisfied", accepts_explanation=True)
    assert refused.value.code == "not_explained"
    assert fresh(ticket).status == Status.REPLIED
    followup_call(ticket, REPLIED_AT + dt.timedelta(hours=2), "dissatisfied")
    assert (fresh(ticket).status, fresh(ticket).round) == (Status.HANDLING, 2)


def test_closures_that_close_an_unreachable_requester_goes_to_the_office_which_closes_it() -> None:
    """R7.3: three unanswered calls on one day are not enough; on a second day the officer passes the ticket to
    the Office (``unreachable_review``, round unchanged, no new reply clock), which closes it as
    ``closed_unreachable`` — counted apart, with the round's result recorded as unreachable."""
    ticket = web_replied()
    for hour in (13, 15, 17):
        attempt(ticket, at(2026, 3, 10, hour))
    with pytest.raises(DomainError) as refused:
        followup_call(ticket, at(2026, 3, 10, 17, 30), "unreachable")
    assert refused.value.code == "too_few_attempts"
    attempt(ticket, at(2026, 3, 11, 10))
    followup_call(ticket, at(2026, 3, 11, 10, 5), "unreachable", comment="电话始终无人接听。")
    ticket = fresh(ticket)
    assert (ticket.status, ticket.round, ticket.closed_at) == (Status.UNREACHABLE_REVIEW, 1, None)
    assert Clock.objects.get(ticket=ticket, kind="followup").met_at == at(2026, 3, 11, 10, 5)
    assert not Clock.objects.filter(ticket=ticket, round=2).exists()
    office = user("dispatcher")
    assert [t.number for t in selectors.unreachable_review(office)] == [ticket.number]
    assert Event.objects.filter(ticket=ticket, action="unreachable_review").exists()

    closed_at = at(2026, 3, 11, 14)
    step(
        closed_at,
        services.unreachable_close,
        actor=office,
        ticket=ticket,
        reason="诉求人电话长期无人接听，短信亦无回复。",
    )
    ticket = fresh(ticket)
    assert (ticket.status, ticket.closed_at) == (Status.CLOSED_UNREACHABLE, closed_at)
    result = Followup.objects.get(ticket=ticket, round=1)
    assert (result.outcome, result.resolved, result.recorded_by) == ("unreachable", False, office)
    assert list(selectors.unreachable_review(office)) == []
    assert Event.objects.get(ticket=ticket, action="closed_unreachable").reason.startswith("诉求人")


def test_closures_that_close_the_office_may_order_another_round_of_calls() -> None:
    """R7.3: instead of closing, the Office orders another round of calls: the ticket returns to the follow-up
    (not to handling), earlier attempts no longer count, and a reached call then closes it as usual."""
    ticket = web_replied()
    for when in (at(2026, 3, 10, 13), at(2026, 3, 10, 16), at(2026, 3, 11, 9)):
        attempt(ticket, when)
    followup_call(ticket, at(2026, 3, 11, 9, 5), "unreachable")
    step(
        at(2026, 3, 11, 11),
        services.unreachable_retry,
        actor=user("dispatcher"),
        ticket=ticket,
        reason="请改在晚间拨打诉求人宿舍电话。",
    )
    ticket = fresh(ticket)
    assert (ticket.status, ticket.round) == (Status.REPLIED, 1)
    assert Event.objects.filter(ticket=ticket, action="unreachable_retry").exists()
    assert selectors.unanswered_attempts([ticket.pk]) == {}  # the unit's list counts the new round only
    attempt(ticket, at(2026, 3, 11, 19))
    assert selectors.unanswered_attempts([ticket.pk]) == {ticket.pk: 1}
    with pytest.raises(DomainError) as refused:
        followup_call(ticket, at(2026, 3, 11, 19, 5), "unreachable")
    assert refused.value.code == "too_few_attempts"
    followup_call(ticket, at(2026, 3, 11, 20), "satisfied", resolved=True)
    assert fresh(ticket).status == Status.CLOSED


def test_closures_that_close_only_the_office_decides_an_unreachable_requester() -> None:
    """R7.3: the lead unit cannot close an unreachable ticket itself, and the Office decides only tickets
    waiting for it."""
    ticket = web_replied()
    with pytest.raises(DomainError):
        services.unreachable_close(actor=user("dispatcher"), ticket=ticket, reason="无法联系。")
    for when in (at(2026, 3, 10, 13), at(2026, 3, 10, 16), at(2026, 3, 11, 9)):
        attempt(ticket, when)
    followup_call(ticket, at(2026, 3, 11, 9, 5), "unreachable")
    with pytest.raises(DomainError) as refused:
        services.unreachable_close(actor=user("head"), ticket=fresh(ticket), reason="无法联系。")
    assert refused.value.code == "forbidden"


# --- Item 10: no third-party deflection -----------------------------------------------------------------------

DEFLECTING = "经核实，该问题属于运营商线路故障，请您自行联系运营商客服处理。"
REWORDED = "我处已联系中国联通校园营业厅，对方将于明日上午上门检修宿舍网络线路。"


def pending_flagged():
    ticket = handled(step(START, web_request, requester="student"), START)
    step(
        START + dt.timedelta(hours=1),
        services.reply_submit,
        actor=user("officer"),
        ticket=ticket,
        body=DEFLECTING,
    )
    return fresh(ticket)


def test_no_third_party_deflection_a_flagged_reply_cannot_be_approved_at_all() -> None:
    """Art. 9.6 / R6.5: the head cannot approve a reply telling the requester to contact a third party
    themselves; the refusal cites 第九条 in Chinese and changes nothing."""
    ticket = pending_flagged()
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        step(START + dt.timedelta(hours=2), services.reply_approve, actor=user("head"), ticket=ticket)
    assert refused.value.code == "third_party_wording"
    assert "第九条" in str(refused.value) and "R6" not in str(refused.value)
    assert fresh(ticket).status == Status.PENDING_APPROVAL
    assert Reply.objects.get(ticket=ticket).state == Reply.State.PENDING


def test_no_third_party_deflection_the_unit_contacts_the_third_party_and_rewords() -> None:
    """Art. 9.6 / R6.5: the unit records the third party it contacted itself, then rewords the pending reply;
    the reworded reply replaces the flagged one and the head approves it. Rewording without a recorded third
    party, or into wording that still deflects, is refused."""
    ticket = pending_flagged()
    later = START + dt.timedelta(hours=2)
    with pytest.raises(DomainError) as unrecorded:
        step(later, services.reply_reword, actor=user("officer"), ticket=ticket, body=REWORDED)
    assert unrecorded.value.code == "third_party_not_recorded"
    step(
        later,
        services.third_party_record,
        actor=user("officer"),
        ticket=ticket,
        party="中国联通校园营业厅",
        body="已电话联系营业厅，约定明日上午上门检修。",
    )
    with pytest.raises(DomainError) as still:
        step(later, services.reply_reword, actor=user("officer"), ticket=ticket, body=DEFLECTING)
    assert still.value.code == "third_party_wording"
    assert not services.flags_third_party(REWORDED)
    reworded = step(later, services.reply_reword, actor=user("officer"), ticket=ticket, body=REWORDED)
    states = dict(Reply.objects.filter(ticket=ticket).values_list("body", "state"))
    assert states == {DEFLECTING: Reply.State.REPLACED, REWORDED: Reply.State.PENDING}
    assert reworded.third_party_flag is False
    assert Event.objects.filter(ticket=ticket, action="reword_reply").exists()
    step(later + dt.timedelta(hours=1), services.reply_approve, actor=user("head"), ticket=ticket)
    assert fresh(ticket).status == Status.REPLIED


def test_closures_that_close_on_the_pages() -> None:
    """R6.2 / R7.3 on the pages: the officer's follow-up form offers "accepts the explanation" only after an
    explaining reply; the Office's "unreachable requesters" list leads to the ticket page, where it closes the
    ticket as unreachable — all in Chinese."""
    explained, plain = web_replied(**EXPLAINED), web_replied(START + dt.timedelta(minutes=5))
    officer = signed_in("officer")
    for ticket, offered in ((explained, True), (plain, False)):
        html = officer.get(reverse("work:ticket", args=[ticket.number])).content.decode()
        assert ('name="accepts_explanation"' in html) is offered
    for when in (at(2026, 3, 10, 13), at(2026, 3, 10, 16), at(2026, 3, 11, 9)):
        attempt(plain, when)
    followup_call(plain, at(2026, 3, 11, 9, 5), "unreachable")
    office = signed_in("dispatcher")
    listed = office.get(reverse("work:unreachable")).content.decode()
    assert plain.number in listed and "联系不上的诉求人" in listed
    page = office.get(reverse("work:ticket", args=[plain.number])).content.decode()
    assert (
        'data-testid="action-close_unreachable"' in page and 'data-testid="action-retry_unreachable"' in page
    )
    posted = office.post(
        reverse("work:act", args=[plain.number, "close_unreachable"]), {"reason": "多次未接。"}
    )
    assert posted.status_code == 302
    page = office.get(reverse("work:ticket", args=[plain.number])).content.decode()
    assert "无法联系办结" in page and "党政办公室按无法联系办结" in page
