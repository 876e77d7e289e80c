"""Follow-up and closure (R4.6, R7.1, R7.2, R1.3): the lead unit's call back, the requester's online rating, the
outcome that closes (销账) or reopens the ticket for a new round, and the Office's "closed unsatisfied".

One outcome rule for both channels (R7.2): satisfied or basically satisfied AND resolved closes the ticket;
anything else reopens it — ``round + 1``, status ``handling``, a new 1-working-day formal reply clock from the
reopening — and the new reply goes through the head's approval again (``reply_submit`` / ``reply_approve`` work
per round; ``reply_approve`` starts the next follow-up clock).

Recorded calls: ``followup_complete`` records the reached call itself (one ``FollowupAttempt`` with result
``reached``) unless the officer already logged a reached attempt in this round, so every phone result has the
call that produced it; "unreachable" needs three unanswered attempts in the round (R7.1).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.tickets import clockwork, rating
from jiesu.tickets.errors import Conflict, DomainError, NotAllowed
from jiesu.tickets.models import (
    ClockKind,
    Followup,
    FollowupAttempt,
    FollowupOutcome,
    RatingLink,
    Reply,
    ReplyKind,
    Ticket,
    UnreachableReview,
)
from jiesu.tickets.services import base, unreachable
from jiesu.tickets.states import CLOSED_STATUSES, Action, Status
from jiesu.workcalendar.rules import clock_rules

# R6.2: replies that explain instead of solving; the requester may accept them as explained.
EXPLAINED_KINDS = frozenset({ReplyKind.OUT_OF_REMIT, ReplyKind.UNSOLVABLE})
SATISFIED = frozenset({FollowupOutcome.SATISFIED, FollowupOutcome.BASICALLY_SATISFIED})
# The requester rates online; only the unit's call can find them unreachable.
ONLINE_OUTCOMES = frozenset({*SATISFIED, FollowupOutcome.DISSATISFIED})


class RatingNotOpen(Conflict):
    """The ticket is not waiting for a rating (closed as a repeat, being handled, …)."""

    code = "rating_not_open"


def max_rounds() -> int:
    """R7.2: how many rounds must end without satisfaction before the Office may close unsatisfied."""
    return clock_rules().MAX_ROUNDS_BEFORE_CLOSE


def closes(outcome: str, resolved: bool) -> bool:
    """R7.2: satisfied or basically satisfied, and resolved → closed (销账); anything else reopens."""
    return outcome in SATISFIED and resolved


def _check_outcome(outcome: str, allowed: frozenset[FollowupOutcome]) -> None:
    if outcome not in allowed:
        raise DomainError(_("Choose the follow-up outcome."), field="outcome")


@transaction.atomic
def followup_attempt_record(*, actor: User, ticket: Ticket, result: str, note: str = "") -> FollowupAttempt:
    """R7.1: the lead unit records one call attempt of this round (time, result, note)."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "record_followup_attempt")
    _not_anonymous(ticket)
    if result not in FollowupAttempt.Result.values:
        raise DomainError(_("Choose how the call went."), field="result")
    at = base.now()
    attempt = FollowupAttempt.objects.create(
        ticket=ticket, round=ticket.round, at=at, result=result, note=note.strip(), by=actor
    )
    base.record(
        ticket,
        actor=actor,
        action="followup_attempt",
        after={"result": result, "round": ticket.round},
        reason=attempt.note,
        at=at,
    )
    base.publish(
        base.TicketEvent(
            "followup_attempt",
            ticket.pk,
            ticket.number,
            actor.pk,
            {"result": result, "round": ticket.round, "attempt_id": attempt.pk},
        )
    )
    return attempt


def followup_action(outcome: str, resolved: bool, accepts_explanation: bool = False) -> str:
    """The state table's row a follow-up result takes: R7.3 unreachable goes to the Office; R7.2 satisfied and
    resolved closes (销账); R6.2 an explanation accepted closes apart; anything else reopens."""
    if outcome == FollowupOutcome.UNREACHABLE:
        return "refer_unreachable"
    if closes(outcome, resolved):
        return "close"
    return "close_explained" if accepts_explanation else "reopen"


def _check_explained(ticket: Ticket) -> None:
    """R6.2: only a reply marked out of remit or objectively constrained can be accepted as explained."""
    kind = (
        Reply.objects.filter(
            ticket=ticket, round=ticket.round, stage=Reply.Stage.FORMAL, state=Reply.State.SENT
        )
        .values_list("kind", flat=True)
        .first()
    )
    if kind not in EXPLAINED_KINDS:
        raise DomainError(
            _(
                "Only a reply explaining that the matter is outside the unit's remit or cannot be solved for now "
                "can be accepted as explained."
            ),
            field="accepts_explanation",
            code="not_explained",
        )


@transaction.atomic
def followup_complete(
    *,
    actor: User,
    ticket: Ticket,
    outcome: str,
    resolved: bool,
    comment: str = "",
    accepts_explanation: bool = False,
) -> Followup | UnreachableReview:
    """R7.1 / R7.2: the unit's call result. Closes the ticket or reopens it for a new round; R6.2 an explanation
    the requester accepts closes it as explained; R7.3 an unreachable requester goes to the Office."""
    ticket = base.lock(ticket)
    _check_outcome(outcome, frozenset(FollowupOutcome))
    action = base.guard(actor, ticket, followup_action(outcome, resolved, accepts_explanation))
    _not_anonymous(ticket)
    at = base.now()
    if outcome == FollowupOutcome.UNREACHABLE:
        return unreachable.refer(ticket, action, actor=actor, comment=comment, at=at)
    if action.name == "close_explained":
        _check_explained(ticket)
    attempts = FollowupAttempt.objects.filter(ticket=ticket, round=ticket.round)
    if not attempts.filter(result=FollowupAttempt.Result.REACHED).exists():
        FollowupAttempt.objects.create(
            ticket=ticket, round=ticket.round, at=at, result=FollowupAttempt.Result.REACHED, by=actor
        )
    return _conclude(
        ticket,
        action,
        actor=actor,
        outcome=outcome,
        resolved=resolved,
        comment=comment,
        channel=Followup.Channel.PHONE,
        at=at,
    )


def _rated_ticket(
    token: str | None, requester: User | None, ticket: Ticket | None
) -> tuple[Ticket, RatingLink | None, User | None]:
    """The ticket a rating is for, the link it came by, and who rates (the ticket's requester: a link is sent to
    them alone), or a clear refusal."""
    if token is not None:
        link = rating.read_token(token)
        return link.ticket, link, link.ticket.requester
    if requester is None or ticket is None:
        raise TypeError("followup_rate_online needs a token, or the signed-in requester and their ticket")
    if ticket.requester_id is None or ticket.requester_id != requester.pk:
        raise NotAllowed(_("Only the person who raised the request can rate its reply."))
    return ticket, None, requester


def _not_anonymous(ticket: Ticket) -> None:
    """R1.3: anonymous letters get no follow-up (they close when their reply is sent; older data may differ)."""
    if ticket.anonymous:
        raise DomainError(_("Anonymous requests get no follow-up (R1.3)."), code="no_followup")


def check_rating_open(ticket: Ticket, link: RatingLink | None) -> None:
    """R7.1 / R1.3: refuse, with a clear message, a rating the ticket no longer takes (the rating page checks
    this before showing the form; the service checks it again under the lock)."""
    if ticket.anonymous:
        raise DomainError(_("Anonymous requests are not rated (R1.3)."), code="rating_not_available")
    if link is not None:
        token_round = link.round
        if link.used_at is not None or Followup.objects.filter(ticket=ticket, round=token_round).exists():
            raise rating.RatingLinkGone(
                _("This reply has already been rated or followed up. Thank you for your feedback."),
                code="rating_link_used",
            )
        if token_round != ticket.round:
            raise rating.RatingLinkGone(
                _("This rating link belongs to an earlier reply. Use the link of the latest reply."),
                code="rating_link_old",
            )
    if ticket.status != Status.REPLIED:
        raise RatingNotOpen(_("This request is not waiting for a rating."))


@transaction.atomic
def followup_rate_online(
    *,
    token: str | None = None,
    requester: User | None = None,
    ticket: Ticket | None = None,
    outcome: str,
    resolved: bool,
    comment: str = "",
    accepts_explanation: bool = False,
) -> Followup:
    """R7.1: the requester rates the reply online — by the signed link (no sign-in) or from "my requests".

    Single use: once the round has its follow-up result (by call or by rating) the link is refused; a link of an
    earlier round is refused; anonymous requests are never rated (R1.3). The outcome then closes or reopens the
    ticket exactly as a call would (R7.2); the unit needs no call."""
    found, link, rater = _rated_ticket(token, requester, ticket)
    ticket = base.lock(found)
    if link is not None:
        link.refresh_from_db(fields=["used_at"])  # read again under the ticket's lock: single use
    check_rating_open(ticket, link)
    _check_outcome(outcome, ONLINE_OUTCOMES)
    # actor None for the guard: the signed link (or being the requester) is the proof, not a staff relation.
    action = base.guard(None, ticket, followup_action(outcome, resolved, accepts_explanation))
    if action.name == "close_explained":
        _check_explained(ticket)
    round_ = ticket.round
    at = base.now()
    if link is not None:
        RatingLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=at)
    # R7.1 / R10.4: the history names the requester as the one who rated, by the link or signed in.
    followup = _conclude(
        ticket,
        action,
        actor=rater,
        outcome=outcome,
        resolved=resolved,
        comment=comment,
        channel=Followup.Channel.ONLINE,
        at=at,
    )
    base.publish(
        base.TicketEvent(
            "rated",
            ticket.pk,
            ticket.number,
            rater.pk if rater else None,
            {
                "outcome": outcome,
                "resolved": resolved,
                "round": round_,
                "closed": action.target in CLOSED_STATUSES,
            },
        )
    )
    return followup


def _conclude(
    ticket: Ticket,
    action: Action,
    *,
    actor: User | None,
    outcome: str,
    resolved: bool,
    comment: str,
    channel: str,
    at: dt.datetime,
) -> Followup:
    """R7.2, shared by the call and the rating: store the round's result, meet the follow-up clock, then close
    (销账) or reopen with round + 1 and a new 1-working-day formal reply clock from the reopening."""
    round_ = ticket.round
    try:
        with transaction.atomic():
            followup = Followup.objects.create(
                ticket=ticket,
                round=round_,
                outcome=outcome,
                resolved=resolved,
                channel=channel,
                comment=comment.strip(),
                explained_accepted=action.name == "close_explained",
                recorded_by=actor,
                recorded_at=at,
            )
    except IntegrityError:
        raise Conflict(_("The follow-up result of this round has already been recorded.")) from None
    clockwork.meet_clock(ticket, ClockKind.FOLLOWUP, at)
    base.move(ticket, action, expected=Status.REPLIED)
    facts = {"outcome": outcome, "resolved": resolved, "via": channel, "comment": followup.comment}
    data = {"outcome": outcome, "resolved": resolved, "channel": channel, "round": round_}
    actor_id = actor.pk if actor else None
    if action.target in CLOSED_STATUSES:
        # R7.2 销账, or R6.2 closed as explained: each its own history action and message.
        name = "closed_explained" if action.name == "close_explained" else "closed"
        ticket.closed_at = at
        base.record(
            ticket,
            actor=actor,
            action=name,
            from_status=Status.REPLIED,
            to_status=ticket.status,
            after=facts,
            public=True,
            at=at,
        )
        base.save(ticket, "closed_at")
        base.publish(base.TicketEvent(name, ticket.pk, ticket.number, actor_id, data))
        return followup
    ticket.round = round_ + 1  # clocks are per round: set it before the new reply clock
    clockwork.reopen_reply_clock(ticket, at)
    base.record(
        ticket,
        actor=actor,
        action="reopened",
        from_status=Status.REPLIED,
        to_status=ticket.status,
        before={"round": round_},
        after={**facts, "round": ticket.round},
        public=True,
        at=at,
    )
    base.save(ticket, "round")
    base.publish(
        base.TicketEvent("reopened", ticket.pk, ticket.number, actor_id, {**data, "round": ticket.round})
    )
    return followup


@transaction.atomic
def ticket_close_unsatisfied(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """R7.2: after 3 rounds ended without satisfaction the Office may end the ticket as "closed unsatisfied",
    with a written reason. It counts as unresolved (its Followup rows say so). The round's open clocks end at the
    closing instant, neither on time nor late, so the ticket leaves every worklist — except that a deadline
    already passed stays missed (R4.9) and a report back owed to a referral's source stays open (R2.6)."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "close_unsatisfied")
    limit = max_rounds()
    if ticket.round <= limit:
        raise DomainError(
            _(
                "A ticket can be closed unsatisfied only after %(rounds)d rounds ended without satisfaction "
                "(R7.2); this one is in round %(round)d."
            )
            % {"rounds": limit, "round": ticket.round},
            code="too_few_rounds",
        )
    why = reason.strip()
    if not why:
        raise DomainError(_("Write the reason for closing the ticket unsatisfied (R7.2)."), field="reason")
    at = base.now()
    previous = ticket.status
    # The round's open clocks end here without being met: no reply or call was made, so they count neither
    # on time nor late (on_time NULL) in the rates (R8.6). R4.9: one already past due ends missed (its breach
    # recorded now if the sweep had not yet done so, and counted); R2.6: an owed report back stays open.
    was, now = clockwork.replaced_facts(clockwork.end_open_clocks(ticket, at=at))
    # A draft awaiting the head's approval is not sent: it is returned with the Office's reason.
    Reply.objects.filter(ticket=ticket, stage=Reply.Stage.FORMAL, state=Reply.State.PENDING).update(
        state=Reply.State.RETURNED, reviewed_by=actor, reviewed_at=at, review_comment=why
    )
    base.move(ticket, action, expected=previous)
    ticket.closed_at = at
    base.record(
        ticket,
        actor=actor,
        action="closed_unsatisfied",
        from_status=previous,
        to_status=ticket.status,
        before=was,
        after={"round": ticket.round, **now},
        reason=why,
        public=True,
        at=at,
    )
    base.save(ticket, "closed_at")
    base.publish(
        base.TicketEvent(
            "closed_unsatisfied", ticket.pk, ticket.number, actor.pk, {"round": ticket.round, "reason": why}
        )
    )
    return ticket
