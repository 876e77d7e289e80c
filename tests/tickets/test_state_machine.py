"""The state machine (issue 4 §5), through the services: for every action of ``states.ACTIONS`` and every
``Status``, a call from a state outside the action's sources is refused with a TransitionError and changes
nothing; from an allowed state it succeeds for each person the action's actors name and is refused with
NotAllowed, changing nothing, for everyone else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from jiesu.tickets import services
from jiesu.tickets.errors import STATE_MESSAGE, DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import CohandlingRequest, Note, RedispatchRequest, Reply, Ticket
from jiesu.tickets.states import ACTIONS, Actor, Status
from tests.support import (
    ALLOWED,
    ROSTER,
    drive,
    snapshot,
    succeeds_then_rolls_back,
    today,
    unanswered_calls,
    unit,
    user,
)

Call = Callable[[Ticket, Any, dict[str, Any]], Any]


def _cohandling_item(ticket: Ticket) -> dict[str, Any]:
    """The open co-handling request to 图书馆 (made by ``drive`` in HANDLING; made directly for states the
    lead unit never reached, where only the guard is under test)."""
    item = CohandlingRequest.objects.filter(ticket=ticket, unit__code="library").first()
    if item is None:
        now = dt.datetime.now(dt.UTC)
        item = CohandlingRequest.objects.create(
            ticket=ticket,
            unit=unit("library"),
            request="请协助。",
            requested_by=user("officer"),
            requested_at=now,
            due_at=now + dt.timedelta(days=1),
            soon_at=now,
            rule="R4.4",
        )
    return {"item": item}


def _redispatch_request(ticket: Ticket) -> dict[str, Any]:
    """A pending re-dispatch request: through the service where the lead unit may ask, else made directly."""
    if ticket.status in ACTIONS["request_redispatch"].sources:
        request = services.redispatch_request(actor=user("officer"), ticket=ticket, reason="不属于本处职责。")
    else:
        request = RedispatchRequest.objects.create(
            ticket=ticket,
            from_unit=ticket.lead_unit or unit("logistics"),
            reason="不属于本处职责。",
            requested_by=user("officer"),
            requested_at=dt.datetime.now(dt.UTC),
        )
    return {"request": request}


def _nothing(ticket: Ticket) -> dict[str, Any]:
    return {}


def _after_three_rounds(ticket: Ticket) -> dict[str, Any]:
    """R7.2: "closed unsatisfied" needs 3 rounds ended without satisfaction; the round counter is set directly
    here (the full path is in test_services_followup.py), so only the state machine is under test."""
    Ticket.objects.filter(pk=ticket.pk).update(round=4)
    ticket.round = 4
    return {}


def _referral_replied(ticket: Ticket) -> dict[str, Any]:
    """R2.6: the ticket made a referral with a sent formal reply (written directly where the lead unit never
    reached one: only the guard is under test; the lived path is in test_rule_fidelity_referrals.py)."""
    Ticket.objects.filter(pk=ticket.pk).update(channel="referral", source_name="北京市12345热线")
    ticket.channel, ticket.source_name = "referral", "北京市12345热线"
    if not Reply.objects.filter(ticket=ticket, stage="formal", state="sent").exists():
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        Reply.objects.create(
            ticket=ticket,
            stage="formal",
            round=9,  # apart from the rounds the ticket's own replies use
            body="已处理。",
            state="sent",
            drafted_by=user("officer"),
            drafted_at=now,
            sent_at=now,
        )
    return {}


def _instruction(ticket: Ticket) -> dict[str, Any]:
    """R6.3: a leader's instruction on the ticket (written directly: ``instruct`` is not allowed in every
    state where the unit may still record what it did)."""
    note = Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.INSTRUCTION,
        author=user("leader"),
        leader=user("leader"),
        party="校领导",
        at=dt.datetime.now(dt.UTC),
        body="请尽快解决。",
    )
    return {"instruction": note}


def _flagged_and_contacted(ticket: Ticket) -> dict[str, Any]:
    """R6.5: the pending draft is flagged and the unit recorded the third party it contacted (direct writes)."""
    Reply.objects.filter(ticket=ticket, state="pending").update(third_party_flag=True)
    Note.objects.create(
        ticket=ticket,
        kind=Note.Kind.THIRD_PARTY,
        author=user("officer"),
        at=dt.datetime.now(dt.UTC),
        party="物业公司",
        body="物业承诺明日上门。",
    )
    return {}


def _unanswered(ticket: Ticket) -> dict[str, Any]:
    unanswered_calls(ticket)
    return {}


@dataclass(frozen=True)
class Spec:
    """How to call one action's service with valid arguments, and the Event it writes."""

    call: Call
    event: str
    prepare: Callable[[Ticket], dict[str, Any]] = _nothing
    drive: dict[str, Any] = field(default_factory=dict)


PLANNED = dt.timedelta(days=10)
SPECS: dict[str, Spec] = {
    "dispatch": Spec(
        lambda t, a, c: services.ticket_dispatch(actor=a, ticket=t, lead_unit=unit("logistics")), "dispatch"
    ),
    "acknowledge": Spec(lambda t, a, c: services.ticket_acknowledge(actor=a, ticket=t), "acknowledge"),
    "set_level": Spec(
        lambda t, a, c: services.ticket_set_level(
            actor=a, ticket=t, level="school", reason="涉及全校供暖改造，需学校研究。"
        ),
        "set_level",
    ),
    "log_contact": Spec(
        lambda t, a, c: services.contact_log(actor=a, ticket=t, body="电话联系诉求人，了解室温情况。"),
        "log_contact",
    ),
    "request_cohandling": Spec(
        lambda t, a, c: services.cohandling_request(
            actor=a, ticket=t, unit=unit("security"), request="请协助开门入室检查。"
        ),
        "request_cohandling",
    ),
    "answer_cohandling": Spec(
        lambda t, a, c: services.cohandling_answer(actor=a, item=c["item"], answer="已核实。"),
        "answer_cohandling",
        prepare=_cohandling_item,
    ),
    "send_initial_reply": Spec(
        lambda t, a, c: services.initial_reply_send(
            actor=a, ticket=t, body="已收到，正在协调。", planned_date=today() + PLANNED
        ),
        "initial_reply",
        drive={"initial_reply": False},
    ),
    "move_planned_date": Spec(
        lambda t, a, c: services.planned_date_move(
            actor=a, ticket=t, planned_date=today() + PLANNED, reason="配件需从厂家调货。"
        ),
        "move_planned_date",
    ),
    "escalate": Spec(
        lambda t, a, c: services.escalate(
            actor=a, ticket=t, leader=user("leader"), body="需校领导协调维修经费。"
        ),
        "escalate",
    ),
    "instruct": Spec(
        lambda t, a, c: services.instruct(actor=a, ticket=t, body="请后勤管理处三日内解决。"), "instruct"
    ),
    "record_third_party": Spec(
        lambda t, a, c: services.third_party_record(
            actor=a, ticket=t, party="物业公司", body="物业承诺明日上门。"
        ),
        "third_party",
    ),
    "submit_reply": Spec(
        lambda t, a, c: services.reply_submit(actor=a, ticket=t, body="已安排师傅上门维修。"), "submit_reply"
    ),
    "approve_reply": Spec(lambda t, a, c: services.reply_approve(actor=a, ticket=t), "approve_reply"),
    "return_reply": Spec(
        lambda t, a, c: services.reply_return(actor=a, ticket=t, comment="请写明上门时间。"), "return_reply"
    ),
    "request_redispatch": Spec(
        lambda t, a, c: services.redispatch_request(actor=a, ticket=t, reason="应由保卫处办理。"),
        "request_redispatch",
    ),
    "decide_redispatch": Spec(
        lambda t, a, c: services.redispatch_decide(
            actor=a, request=c["request"], approve=False, note="属后勤职责，请继续办理。"
        ),
        "redispatch_rejected",
        prepare=_redispatch_request,
    ),
    "amend": Spec(
        lambda t, a, c: services.amendment_add(actor=a, ticket=t, body="更正：房间号为303。"), "amend"
    ),
    "reveal_contact": Spec(lambda t, a, c: services.contact_reveal(actor=a, ticket=t), "reveal_contact"),
    # R7.1 / R7.2: the follow-up call, its two outcomes, and the Office's end after 3 rounds.
    "record_followup_attempt": Spec(
        lambda t, a, c: services.followup_attempt_record(actor=a, ticket=t, result="no_answer"),
        "followup_attempt",
    ),
    "close": Spec(
        lambda t, a, c: services.followup_complete(actor=a, ticket=t, outcome="satisfied", resolved=True),
        "closed",
    ),
    "reopen": Spec(
        lambda t, a, c: services.followup_complete(actor=a, ticket=t, outcome="dissatisfied", resolved=False),
        "reopened",
    ),
    "close_unsatisfied": Spec(
        lambda t, a, c: services.ticket_close_unsatisfied(actor=a, ticket=t, reason="三轮回访均不满意。"),
        "closed_unsatisfied",
        prepare=_after_three_rounds,
    ),
    # Issue 12: R2.6 report back, R6.3 the unit's action on an instruction, R6.5 rewording, R6.2 / R7.3 closures.
    "report_back": Spec(
        lambda t, a, c: services.referral_report_back(actor=a, ticket=t, text="已向12345热线反馈办理结果。"),
        "report_back",
        prepare=_referral_replied,
    ),
    "respond_instruction": Spec(
        lambda t, a, c: services.instruction_respond(
            actor=a, ticket=t, instruction=c["instruction"], body="已按批示完成维修。"
        ),
        "instruction_respond",
        prepare=_instruction,
    ),
    "reword_reply": Spec(
        lambda t, a, c: services.reply_reword(actor=a, ticket=t, body="我处已联系物业公司，明日上门维修。"),
        "reword_reply",
        prepare=_flagged_and_contacted,
    ),
    "close_explained": Spec(
        lambda t, a, c: services.followup_complete(
            actor=a, ticket=t, outcome="basically_satisfied", resolved=False, accepts_explanation=True
        ),
        "closed_explained",
        drive={"reply_kind": "out_of_remit"},
    ),
    "refer_unreachable": Spec(
        lambda t, a, c: services.followup_complete(actor=a, ticket=t, outcome="unreachable", resolved=False),
        "unreachable_review",
        prepare=_unanswered,
    ),
    "close_unreachable": Spec(
        lambda t, a, c: services.unreachable_close(actor=a, ticket=t, reason="多次联系未果。"),
        "closed_unreachable",
    ),
    "retry_unreachable": Spec(
        lambda t, a, c: services.unreachable_retry(actor=a, ticket=t, reason="请晚间再拨打。"),
        "unreachable_retry",
    ),
}


def test_every_action_has_a_spec() -> None:
    """The matrix covers the whole table: a new action without a test here fails."""
    assert set(SPECS) == set(ACTIONS)


def allowed_people(action_name: str, ticket: Ticket) -> set[str]:
    """Who may act, by demo username, from the action's actor column alone (a NEW ticket has no lead unit)."""
    people: set[str] = set()
    for actor in ACTIONS[action_name].actors:
        if actor in (Actor.LEAD, Actor.LEAD_HEAD) and ticket.lead_unit_id is None:
            continue
        if actor == Actor.COHANDLER and not ticket.cohandling_units.exists():
            continue
        people |= ALLOWED[actor]
    return people


CASES = [(name, status) for name in ACTIONS for status in Status]


@pytest.mark.django_db
@pytest.mark.parametrize(("action_name", "status"), CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_action_from_state(action_name: str, status: Status, demo_org: None) -> None:
    """A forbidden state refuses every caller with TransitionError and touches nothing; an allowed one lets
    exactly the action's actors through (each checked, then rolled back) and refuses the rest with NotAllowed."""
    action, spec = ACTIONS[action_name], SPECS[action_name]
    ticket = drive(status, **spec.drive)
    context = spec.prepare(ticket)
    before = snapshot(ticket)
    if status not in action.sources:
        for username in ROSTER:
            with pytest.raises(TransitionError) as refused:
                spec.call(ticket, user(username), context)
            assert refused.value.code == "transition_not_allowed"
            assert refused.value.status == 409
            assert str(refused.value) == STATE_MESSAGE % {"action": action.label, "status": status.label}
            assert snapshot(ticket) == before
        return
    allowed = allowed_people(action_name, ticket)
    assert allowed, f"nobody may {action_name} from {status}"
    for username in ROSTER:
        actor = user(username)
        if username not in allowed:
            with pytest.raises(NotAllowed) as forbidden:
                spec.call(ticket, actor, context)
            assert forbidden.value.code == "forbidden" and forbidden.value.status == 403, username
            assert snapshot(ticket) == before, username
            continue
        _result, after, events = succeeds_then_rolls_back(
            lambda a=actor: (spec.call(ticket, a, context), ticket)
        )
        assert after is not None and after.status == (action.target or status), username
        assert [(e.action, e.actor_id) for e in events] == [(spec.event, actor.pk)], username
        assert snapshot(ticket) == before, "the savepoint rolled back"


@pytest.mark.django_db
def test_redispatch_approval_is_refused_while_a_reply_awaits_the_head(demo_org: None) -> None:
    """R3.2 / R4.3: the Office cannot move a ticket whose reply the head has not decided; rejection is fine."""
    ticket = drive(Status.PENDING_APPROVAL)
    request = services.redispatch_request(actor=user("officer"), ticket=ticket, reason="应由保卫处办理。")
    before = snapshot(ticket)
    with pytest.raises(DomainError) as refused:
        services.redispatch_decide(
            actor=user("dispatcher"), request=request, approve=True, new_unit=unit("security")
        )
    assert type(refused.value) is DomainError
    assert snapshot(ticket) == before


_CJK = re.compile(r"[\u4e00-\u9fff]")
_CATALOG = Path(__file__).resolve().parents[2] / "src/jiesu/locale/zh_Hans/LC_MESSAGES/django.mo"


@pytest.mark.django_db
def test_refusal_message_follows_the_active_language(demo_org: None) -> None:
    """The TransitionError message is built through gettext with the action's and the state's labels, so it
    reads in whatever language is active (English msgids here)."""
    ticket = drive(Status.NEW)
    with translation.override("en"), pytest.raises(TransitionError) as refused:
        services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    assert str(refused.value) == "“Acknowledge” is not allowed while the ticket is “Awaiting dispatch”."


@pytest.mark.django_db
@pytest.mark.skipif(
    not _CATALOG.exists(), reason="zh_Hans catalog not compiled yet (the lead merges translations)"
)
def test_refusal_message_is_chinese_with_the_compiled_catalog(demo_org: None) -> None:
    """With the zh_Hans catalog compiled, a forbidden move is refused in Chinese."""
    ticket = drive(Status.NEW)
    with translation.override("zh-hans"), pytest.raises(TransitionError) as refused:
        services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    assert _CJK.search(str(refused.value)), str(refused.value)
    assert "Acknowledge" not in str(refused.value)


def test_a_service_may_only_choose_a_declared_alternative_target() -> None:
    """The state table names every state a move may lead to: approve_reply → replied, or closed for a repeat
    (R6.1) or an anonymous letter (R1.3); any other target is a programming error, refused before the update."""
    from jiesu.tickets.services import base

    approve = ACTIONS["approve_reply"]
    assert approve.leads_to(Status.REPLIED) and approve.leads_to(Status.CLOSED)
    assert not approve.leads_to(Status.HANDLING)
    with pytest.raises(ValueError, match="never leads to"):
        base.move(Ticket(pk=1), approve, expected=Status.PENDING_APPROVAL, target=Status.HANDLING)
