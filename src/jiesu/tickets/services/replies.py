"""Formal replies (R4.3, R6.1, R6.2, R6.5): drafted by the lead unit, approved by its head, only then sent."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.tickets import clockwork, rating
from jiesu.tickets.errors import Conflict, DomainError
from jiesu.tickets.models import DIRECT_CHANNELS, Channel, ClockKind, Note, Reply, ReplyKind, Ticket
from jiesu.tickets.services import base
from jiesu.tickets.states import Status

# R6.5: wording that sends the requester to a third party themselves (请您自行联系物业 / 请与物业公司联系 …).
# Each pattern needs a word addressed to the requester (请/建议/您/需 …) before the instruction, within one
# clause, so the unit's own account ("我处已直接联系物业公司", "维修师傅将直接联系您") is not flagged.
_GAP = r"[^，,。；;！!？?\n]"
_SELF = r"(自行|自己|亲自|直接|另行)"
_CONTACT = r"联系|联络|致电|咨询|找|打电话|拨打|沟通|反映|协商|交涉"
# 12345 the city hotline, not those digits inside a phone number such as 010-61234567.
_PARTY = r"(公司|物业|运营商|商家|厂家|供应商|银行|第三方|服务商|派出所|社区|街道|(?<!\d)12345(?!\d)|房东|中介|快递|平台)"
_THIRD_PARTY = re.compile(
    rf"(请|建议|麻烦|烦请|您|你){_GAP}{{0,8}}?{_SELF}{_GAP}{{0,12}}?({_CONTACT})"
    rf"|(需|需要|可|可以)(自行|自己|亲自|另行){_GAP}{{0,12}}?({_CONTACT}|前往|去)"
    rf"|(请|建议|麻烦|烦请|需|需要)(您|你)?{_GAP}{{0,6}}?(与|和|向|找|联系|联络|致电|拨打|咨询|到|去|前往)"
    rf"{_GAP}{{0,10}}?{_PARTY}"
)


def flags_third_party(*texts: str) -> bool:
    """R6.5: True when any of ``texts`` tells the requester to contact a third party themselves. A reply passes
    every text of it the requester sees: its body and its suggestion (both on the requester's pages)."""
    return any(_THIRD_PARTY.search(text) for text in texts)


def refuse_deflection(text: str, *, field: str) -> None:
    """R6.5 / Art. 9.6: text the unit sends the requester itself, with no head approval (the initial reply, the
    reason for moving the planned date), may not send them to a third party: refused before anything is written.
    Same code as a flagged formal reply, so clients handle both alike."""
    if flags_third_party(text):
        raise DomainError(
            _(
                "Text sent to the requester may not ask them to contact a third party themselves: Article 9 of "
                "the regulation requires the unit to contact the third party itself. Contact it, record what "
                "was agreed, and reword the text."
            ),
            code="third_party_wording",
            field=field,
        )


def _check_kind(ticket: Ticket, kind: str, body: str, suggestion: str, repeat_of: Ticket | None) -> None:
    if kind not in ReplyKind.values:
        raise DomainError(_("Unknown reply kind."), field="kind")
    if not body.strip():
        raise DomainError(_("Write the reply."), field="body")
    if kind in (ReplyKind.OUT_OF_REMIT, ReplyKind.UNSOLVABLE) and not suggestion.strip():
        raise DomainError(
            _("Closing as out of remit or not solvable needs a suggestion to the requester (R6.2)."),
            field="suggestion",
        )
    if kind == ReplyKind.REPEAT:
        if repeat_of is None or repeat_of.pk == ticket.pk:
            raise DomainError(_("Choose the original request this one repeats (R6.1)."), field="repeat_of")
        same = (ticket.requester_id and repeat_of.requester_id == ticket.requester_id) or (
            ticket.contact_phone and repeat_of.contact_phone == ticket.contact_phone
        )
        if not same:
            raise DomainError(
                _("A repeat must come from the same requester as the original (R6.1)."), field="repeat_of"
            )


@transaction.atomic
def reply_submit(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    kind: str = ReplyKind.ANSWER,
    suggestion: str = "",
    repeat_of: Ticket | None = None,
) -> Reply:
    """R4.3: the lead unit drafts the formal reply and submits it to its head. Flags R6.5 wording in the body
    or the suggestion."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "submit_reply")
    if not ticket.level and kind == ReplyKind.ANSWER:
        raise DomainError(_("Set the handling level first (R4.2)."), field="level")
    _check_kind(ticket, kind, body, suggestion, repeat_of)
    at = base.now()
    text, advice = body.strip(), suggestion.strip()
    reply = Reply.objects.create(
        ticket=ticket,
        stage=Reply.Stage.FORMAL,
        kind=kind,
        round=ticket.round,
        body=text,
        suggestion=advice,
        state=Reply.State.PENDING,
        # R6.5: the suggestion reaches the requester with the body, so both are checked.
        third_party_flag=flags_third_party(text, advice),
        drafted_by=actor,
        drafted_at=at,
    )
    if kind == ReplyKind.REPEAT:
        ticket.repeat_of = repeat_of
    base.move(ticket, action, expected=Status.HANDLING)
    base.record(
        ticket,
        actor=actor,
        action="submit_reply",
        from_status=Status.HANDLING,
        to_status=ticket.status,
        after={"reply": reply.pk, "kind": kind, "third_party_flag": reply.third_party_flag},
        at=at,
    )
    base.save(ticket, "repeat_of")
    base.publish(
        base.TicketEvent(
            "reply_awaiting_approval", ticket.pk, ticket.number, actor.pk, {"reply_id": reply.pk}
        )
    )
    return reply


def _deflects(reply: Reply) -> bool:
    """R6.5: the stored flag, or the words themselves (a draft stored before its suggestion was checked)."""
    return reply.third_party_flag or flags_third_party(reply.body, reply.suggestion)


def _pending(ticket: Ticket) -> Reply:
    reply = (
        Reply.objects.select_for_update()
        .filter(ticket=ticket, stage=Reply.Stage.FORMAL, state=Reply.State.PENDING)
        .first()
    )
    if reply is None:
        raise Conflict(_("There is no reply awaiting approval."))
    return reply


def third_party_refusal() -> DomainError:
    """R6.5 / Art. 9.6: the refusal of a reply that sends the requester to a third party (cites 第九条)."""
    return DomainError(
        _(
            "The reply asks the requester to contact a third party themselves, which Article 9 of the regulation "
            "forbids: the unit contacts the third party itself. Return the reply, or record the third party your "
            "unit contacted and reword it."
        ),
        code="third_party_wording",
    )


@transaction.atomic
def reply_approve(*, actor: User, ticket: Ticket, comment: str = "") -> Reply:
    """R4.3: the head approves and the reply is sent; the formal reply clock is met, the follow-up starts (R4.6).

    R6.5 / Art. 9.6: a reply flagged for sending the requester to a third party is never approved; the head
    returns it, or the unit records the third party it contacted and rewords it (``reply_reword``)."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "approve_reply")
    reply = _pending(ticket)
    if _deflects(reply):
        raise third_party_refusal()
    at = base.now()
    reply.state, reply.reviewed_by, reply.reviewed_at, reply.review_comment, reply.sent_at = (
        Reply.State.SENT,
        actor,
        at,
        comment.strip(),
        at,
    )
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise Conflict(_("A formal reply has already been sent for this round.")) from None
    # R6.1: a repeat is not handled twice (the original carries on); R1.3: an anonymous letter gets no
    # follow-up and no rating, so nothing would ever move it on from "replied" — both close on approval.
    closes = reply.kind == ReplyKind.REPEAT or ticket.anonymous
    base.move(ticket, action, expected=Status.PENDING_APPROVAL, target=Status.CLOSED if closes else None)
    clockwork.meet_clock(ticket, ClockKind.REPLY, at)
    clockwork.meet_clock(ticket, ClockKind.INITIAL_REPLY, at)
    event_data: dict[str, object] = {"reply_id": reply.pk}
    if closes:
        ticket.closed_at = at
    else:
        clockwork.followup_clock(ticket, at)
        # R7.1: the round's rating link, told to the requester by the reply notification (never stored plain).
        event_data["rating_token"] = rating.issue(ticket, at)
    if ticket.channel == Channel.REFERRAL:
        clockwork.report_back_clock(ticket, at)  # R2.6 日清日结: reported back by the end of today
    base.record(
        ticket,
        actor=actor,
        action="approve_reply",
        from_status=Status.PENDING_APPROVAL,
        to_status=ticket.status,
        after={"reply": reply.pk, "kind": reply.kind},
        reason=comment.strip(),
        public=True,
        at=at,
    )
    base.save(ticket, "closed_at")
    # R7.4 / Art. 8.3: the Office is told of the formal reply to every ticket it dispatched.
    event_data["office"] = ticket.channel not in DIRECT_CHANNELS
    base.publish(base.TicketEvent("reply_sent", ticket.pk, ticket.number, actor.pk, event_data))
    return reply


@transaction.atomic
def reply_return(*, actor: User, ticket: Ticket, comment: str) -> Reply:
    """R4.3: the head returns the draft with comments; the unit revises and submits again."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "return_reply")
    if not comment.strip():
        raise DomainError(_("Say what must change before the reply can go out."), field="comment")
    reply = _pending(ticket)
    at = base.now()
    reply.state, reply.reviewed_by, reply.reviewed_at, reply.review_comment = (
        Reply.State.RETURNED,
        actor,
        at,
        comment.strip(),
    )
    reply.save()
    base.move(ticket, action, expected=Status.PENDING_APPROVAL)
    base.record(
        ticket,
        actor=actor,
        action="return_reply",
        from_status=Status.PENDING_APPROVAL,
        to_status=ticket.status,
        after={"reply": reply.pk},
        reason=comment.strip(),
        at=at,
    )
    base.save(ticket)
    base.publish(
        base.TicketEvent("reply_returned", ticket.pk, ticket.number, actor.pk, {"reply_id": reply.pk})
    )
    return reply


@transaction.atomic
def reply_reword(*, actor: User, ticket: Ticket, body: str, suggestion: str | None = None) -> Reply:
    """R6.5 / Art. 9.6: the unit contacted the third party itself (a recorded ``third_party_record``) and rewords
    the flagged draft awaiting approval; the reworded draft replaces it and awaits the head. Wording that still
    sends the requester to the third party, in the body or in the suggestion kept or given, is refused."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "reword_reply")
    flagged = _pending(ticket)
    if not _deflects(flagged):
        raise DomainError(
            _("Only a reply flagged for sending the requester to a third party is reworded here."),
            code="not_flagged",
        )
    if not Note.objects.filter(ticket=ticket, kind=Note.Kind.THIRD_PARTY).exists():
        raise DomainError(
            _("First record which third party your unit contacted and what was agreed."),
            code="third_party_not_recorded",
        )
    text = body.strip()
    kept = flagged.suggestion if suggestion is None else suggestion.strip()
    _check_kind(ticket, flagged.kind, text, kept, ticket.repeat_of)
    if flags_third_party(text, kept):
        raise third_party_refusal()
    at = base.now()
    flagged.state = Reply.State.REPLACED
    flagged.save(update_fields=["state"])
    reply = Reply.objects.create(
        ticket=ticket,
        stage=Reply.Stage.FORMAL,
        kind=flagged.kind,
        round=flagged.round,
        body=text,
        suggestion=kept,
        state=Reply.State.PENDING,
        third_party_flag=False,
        drafted_by=actor,
        drafted_at=at,
    )
    base.record(
        ticket,
        actor=actor,
        action="reword_reply",
        before={"reply": flagged.pk},
        after={"reply": reply.pk, "third_party_flag": False},
        at=at,
    )
    base.publish(
        base.TicketEvent(
            "reply_awaiting_approval", ticket.pk, ticket.number, actor.pk, {"reply_id": reply.pk}
        )
    )
    return reply
