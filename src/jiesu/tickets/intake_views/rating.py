"""R7.1 online rating: the requester rates the sent reply — by the signed link of the reply notification (no
sign-in) or from "my requests" (own tickets only, 404 otherwise). Both post to ``followup_rate_online``.

The page shows the ticket number, the subject and the sent reply, nothing else (no contact data, no names).
A link that is expired, already used or for an earlier reply answers 410 with a clear message; a tampered one 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jiesu.tickets import rating, selectors, services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.forms_followup import RatingForm
from jiesu.tickets.intake_views.common import signed_in_user
from jiesu.tickets.models import Ticket
from jiesu.tickets.services.followup import EXPLAINED_KINDS, check_rating_open
from jiesu.tickets.states import CLOSED_STATUSES

FORM = "tickets/intake/rate.html"
REFUSED = "tickets/intake/rate_refused.html"
DONE = "tickets/intake/rate_done.html"


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, REFUSED, {"message": error.message, "code": error.code}, status=error.status)


def _form(ticket: Ticket, round_: int, data: Any = None) -> RatingForm:
    """R6.2: a reply that explained (out of remit / not solvable now) may be accepted as explained."""
    reply = selectors.rated_reply(ticket, round_)
    return RatingForm(data, explained=reply is not None and reply.kind in EXPLAINED_KINDS)


def _page(
    request: HttpRequest, ticket: Ticket, round_: int, form: RatingForm, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "number": ticket.number,
        "subject": ticket.subject,
        "reply": selectors.rated_reply(ticket, round_),
        "form": form,
    }
    return render(request, FORM, context, status=status)


def _post(request: HttpRequest, shown: Ticket, round_: int, **who: Any) -> HttpResponse:
    """Validate the form, call the one service; its refusal is shown beside the form or as a message page."""
    form = _form(shown, round_, request.POST)
    if not form.is_valid():
        return _page(request, shown, round_, form, status=400)
    data = form.cleaned_data
    try:
        followup = services.followup_rate_online(
            outcome=data["outcome"],
            resolved=data["resolved"],
            comment=data["comment"],
            accepts_explanation=bool(data.get("accepts_explanation")),
            **who,
        )
    except DomainError as refused:
        if refused.field in form.fields:
            form.add_domain_error(refused)
            return _page(request, shown, round_, form, status=refused.status)
        return _refused(request, refused)
    context = {"number": shown.number, "closed": followup.ticket.status in CLOSED_STATUSES}
    return render(request, DONE, context)


@never_cache
@require_http_methods(["GET", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the reply notification: no sign-in; single use; 7 days (``rating.link_lifetime``)."""
    try:
        link = rating.read_token(token)
        if request.method == "POST":
            return _post(request, link.ticket, link.round, token=token)
        check_rating_open(link.ticket, link)
    except DomainError as refused:
        return _refused(request, refused)
    return _page(request, link.ticket, link.round, _form(link.ticket, link.round))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def rate_mine(request: HttpRequest, number: str) -> HttpResponse:
    """R7.1 from "my requests": the signed-in requester rates the reply of their own ticket (others get 404)."""
    user = signed_in_user(request)
    ticket = Ticket.objects.filter(number=number, requester=user).first()
    if ticket is None:
        raise Http404
    try:
        if request.method == "POST":
            return _post(request, ticket, ticket.round, requester=user, ticket=ticket)
        check_rating_open(ticket, None)
    except DomainError as refused:
        return _refused(request, refused)
    return _page(request, ticket, ticket.round, _form(ticket, ticket.round))
