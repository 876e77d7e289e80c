"""An unreachable requester (R7.3): after 3 unanswered attempts on at least 2 different days the lead unit
passes the ticket to the Office (``unreachable_review``); the Office closes it as ``closed_unreachable`` —
counted apart — or orders another round of calls. Handling is never reopened for it (R7.2 reopens only for
a requester who was reached and is not satisfied)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.tickets import clockwork
from jiesu.tickets.errors import Conflict, DomainError
from jiesu.tickets.models import (
    ClockKind,
    Followup,
    FollowupAttempt,
    FollowupOutcome,
    Ticket,
    UnreachableReview,
)
from jiesu.tickets.services import base
from jiesu.tickets.states import Action, Status

ATTEMPTS = 3  # R7.3: at least 3 unanswered attempts …
DAYS = 2  # … on at least 2 different days (Asia/Shanghai dates)


def counted_attempts(ticket: Ticket) -> list[FollowupAttempt]:
    """The round's unanswered attempts since the Office last ordered another round of calls (earlier ones no
    longer count)."""
    since = UnreachableReview.objects.filter(
        ticket=ticket, round=ticket.round, decision=UnreachableReview.Decision.RETRY
    ).aggregate(last=Max("decided_at"))["last"]
    qs = FollowupAttempt.objects.filter(ticket=ticket, round=ticket.round).exclude(
        result=FollowupAttempt.Result.REACHED
    )
    if since is not None:
        qs = qs.filter(at__gt=since)
    return list(qs)


def refer(ticket: Ticket, action: Action, *, actor: User, comment: str, at: dt.datetime) -> UnreachableReview:
    """R7.3 (called by ``followup_complete`` under its lock): enough attempts pass the ticket to the Office; the
    follow-up clock is met (the unit did its calls)."""
    attempts = counted_attempts(ticket)
    days = {timezone.localtime(a.at).date() for a in attempts}
    if len(attempts) < ATTEMPTS or len(days) < DAYS:
        raise DomainError(
            _(
                "Record at least %(needed)d unanswered call attempts on at least %(days)d different days before "
                "passing the requester to the Office as unreachable; so far %(done)d attempts on %(on)d days."
            )
            % {"needed": ATTEMPTS, "days": DAYS, "done": len(attempts), "on": len(days)},
            field="outcome",
            code="too_few_attempts",
        )
    clockwork.meet_clock(ticket, ClockKind.FOLLOWUP, at)
    base.move(ticket, action, expected=Status.REPLIED)
    try:
        with transaction.atomic():
            review = UnreachableReview.objects.create(
                ticket=ticket,
                round=ticket.round,
                attempts=len(attempts),
                referred_by=actor,
                referred_at=at,
                comment=comment.strip(),
            )
    except IntegrityError:
        raise Conflict(_("The Office already has this ticket to decide.")) from None
    base.record(
        ticket,
        actor=actor,
        action="unreachable_review",
        from_status=Status.REPLIED,
        to_status=ticket.status,
        after={"round": ticket.round, "attempts": len(attempts)},
        reason=review.comment,
        at=at,
    )
    base.save(ticket)
    base.publish(
        base.TicketEvent("unreachable_review", ticket.pk, ticket.number, actor.pk, {"round": ticket.round})
    )
    return review


def _pending(ticket: Ticket) -> UnreachableReview:
    review = (
        UnreachableReview.objects.select_for_update()
        .filter(ticket=ticket, decision=UnreachableReview.Decision.PENDING)
        .first()
    )
    if review is None:
        raise Conflict(_("No unreachable requester of this ticket awaits the Office."))
    return review


@transaction.atomic
def unreachable_close(*, actor: User, ticket: Ticket, reason: str = "") -> Ticket:
    """R7.3: the Office closes the ticket as ``closed_unreachable``; the round's result is recorded as
    unreachable and not resolved (counted apart from resolved and unsatisfied closures)."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "close_unreachable")
    review = _pending(ticket)
    at = base.now()
    why = reason.strip()
    review.decision, review.decided_by, review.decided_at, review.note = (
        UnreachableReview.Decision.CLOSED,
        actor,
        at,
        why,
    )
    review.save()
    try:
        with transaction.atomic():
            Followup.objects.create(
                ticket=ticket,
                round=ticket.round,
                outcome=FollowupOutcome.UNREACHABLE,
                resolved=False,
                channel=Followup.Channel.PHONE,
                comment=why,
                recorded_by=actor,
                recorded_at=at,
            )
    except IntegrityError:
        raise Conflict(_("The follow-up result of this round has already been recorded.")) from None
    base.move(ticket, action, expected=Status.UNREACHABLE_REVIEW)
    ticket.closed_at = at
    base.record(
        ticket,
        actor=actor,
        action="closed_unreachable",
        from_status=Status.UNREACHABLE_REVIEW,
        to_status=ticket.status,
        after={"round": ticket.round},
        reason=why,
        public=True,
        at=at,
    )
    base.save(ticket, "closed_at")
    base.publish(
        base.TicketEvent(
            "unreachable_decided", ticket.pk, ticket.number, actor.pk, {"closed": True, "note": why}
        )
    )
    return ticket


@transaction.atomic
def unreachable_retry(*, actor: User, ticket: Ticket, reason: str = "") -> Ticket:
    """R7.3: the Office orders another round of calls: the ticket returns to the follow-up (not to handling);
    attempts made before this order no longer count towards "unreachable"."""
    ticket = base.lock(ticket)
    action = base.guard(actor, ticket, "retry_unreachable")
    review = _pending(ticket)
    at = base.now()
    why = reason.strip()
    review.decision, review.decided_by, review.decided_at, review.note = (
        UnreachableReview.Decision.RETRY,
        actor,
        at,
        why,
    )
    review.save()
    base.move(ticket, action, expected=Status.UNREACHABLE_REVIEW)
    base.record(
        ticket,
        actor=actor,
        action="unreachable_retry",
        from_status=Status.UNREACHABLE_REVIEW,
        to_status=ticket.status,
        after={"round": ticket.round},
        reason=why,
        at=at,
    )
    base.save(ticket)
    base.publish(
        base.TicketEvent(
            "unreachable_decided", ticket.pk, ticket.number, actor.pk, {"closed": False, "note": why}
        )
    )
    return ticket
