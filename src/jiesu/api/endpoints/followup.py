"""The follow-up over HTTP (R4.6, R7.1, R7.2): the lead unit's call attempts and result, the Office's "closed
unsatisfied", and the requester's online rating by the signed link (no sign-in). Each calls one service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from jiesu.api.auth import caller
from jiesu.api.endpoints.actions import RESPONSES, _done
from jiesu.api.endpoints.tickets import ERRORS
from jiesu.api.schemas import (
    CloseUnsatisfiedIn,
    ErrorOut,
    FollowupAttemptIn,
    FollowupIn,
    RatingIn,
    RatingOut,
    UnreachableDecisionIn,
)
from jiesu.api.throttles import ClientRateThrottle
from jiesu.tickets import services
from jiesu.tickets.permissions import get_ticket_for
from jiesu.tickets.states import CLOSED_STATUSES

router = Router(tags=["follow-up"])
public = Router(tags=["public"])


@router.post(
    "/tickets/{number}/followup-attempts",
    response=RESPONSES,
    summary="Record a follow-up call attempt (R7.1)",
)
def followup_attempt(request: HttpRequest, number: str, payload: FollowupAttemptIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    attempt = services.followup_attempt_record(
        actor=user, ticket=ticket, result=payload.result, note=payload.note
    )
    return _done(ticket, attempt)


@router.post(
    "/tickets/{number}/followup",
    response=RESPONSES,
    summary="Record the follow-up result: closes or reopens the ticket (R7.1, R7.2)",
)
def followup(request: HttpRequest, number: str, payload: FollowupIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    made = services.followup_complete(
        actor=user,
        ticket=ticket,
        outcome=payload.outcome,
        resolved=payload.resolved,
        comment=payload.comment,
        accepts_explanation=payload.accepts_explanation,
    )
    return _done(ticket, made)


@router.post(
    "/tickets/{number}/close-unsatisfied",
    response=RESPONSES,
    summary="Close as unsatisfied after 3 rounds, with a reason (R7.2, the Office)",
)
def close_unsatisfied(request: HttpRequest, number: str, payload: CloseUnsatisfiedIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.ticket_close_unsatisfied(actor=user, ticket=ticket, reason=payload.reason)
    return _done(ticket)


@router.post(
    "/tickets/{number}/unreachable/close",
    response=RESPONSES,
    summary="Close as unreachable (R7.3, the Office)",
)
def unreachable_close(request: HttpRequest, number: str, payload: UnreachableDecisionIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.unreachable_close(actor=user, ticket=ticket, reason=payload.reason)
    return _done(ticket)


@router.post(
    "/tickets/{number}/unreachable/retry",
    response=RESPONSES,
    summary="Order another round of calls to an unreachable requester (R7.3, the Office)",
)
def unreachable_retry(request: HttpRequest, number: str, payload: UnreachableDecisionIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.unreachable_retry(actor=user, ticket=ticket, reason=payload.reason)
    return _done(ticket)


@public.post(
    "/ratings/{token}",
    auth=None,
    throttle=[ClientRateThrottle("30/m")],
    response={200: RatingOut, 410: ErrorOut, **ERRORS},
    summary="Rate a reply by the link of its notification (no sign-in; single use; 7 days)",
)
def rate(request: HttpRequest, token: str, payload: RatingIn) -> dict[str, Any]:
    """R7.1: 400 ``rating_link_invalid`` for a tampered link; 410 ``rating_link_expired``, ``rating_link_used`` or
    ``rating_link_old``; 409 ``rating_not_open`` when the request no longer awaits a rating."""
    followup = services.followup_rate_online(
        token=token,
        outcome=payload.outcome,
        resolved=payload.resolved,
        comment=payload.comment,
        accepts_explanation=payload.accepts_explanation,
    )
    return {
        "number": followup.ticket.number,
        "outcome": followup.outcome,
        "resolved": followup.resolved,
        "closed": followup.ticket.status in CLOSED_STATUSES,
    }
