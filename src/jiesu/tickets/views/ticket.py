"""The ticket page (issue 4 item 7) for everyone who may see the ticket, its action posts and the audited
"show contact" (R10.2). Whoever may not see the ticket gets 404 from all of them (R10.1, R10.3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from jiesu.privacy import mask_email, mask_phone
from jiesu.tickets import hints, selectors, services
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Note, Ticket
from jiesu.tickets.permissions import get_ticket_for, is_requester, may_see_full_contact
from jiesu.tickets.states import CLOSED_STATUSES, Status
from jiesu.tickets.views import actions, history
from jiesu.tickets.views.common import StaffRequest, form_error_status, safe_next

_FOLLOWED_UP = frozenset({Status.REPLIED, Status.UNREACHABLE_REVIEW, *CLOSED_STATUSES})


def _contact(request: StaffRequest, ticket: Ticket, *, revealed: bool = False) -> dict[str, Any]:
    """R10.2: masked by default; the requester sees their own; the need-to-know may reveal it (audited)."""
    full = revealed or is_requester(request.user, ticket)
    return {
        "name": "" if ticket.anonymous else ticket.requester_name,
        "phone": ticket.contact_phone if full else mask_phone(ticket.contact_phone),
        "email": ticket.contact_email if full else mask_email(ticket.contact_email),
        "full": full,
        "can_reveal": not full
        and may_see_full_contact(request.user, ticket)
        and bool(ticket.contact_phone or ticket.contact_email),
    }


def _staff_context(
    request: StaffRequest, ticket: Ticket, kit: actions.Kit, bound: actions.ActionView | None
) -> dict[str, Any]:
    notes = list(selectors.notes(ticket))
    kit.use_notes(notes)
    forms = actions.available(kit)
    if bound is not None:
        forms = [bound if view.name == bound.name else view for view in forms]
        if bound.name not in {view.name for view in forms}:
            forms.insert(0, bound)
    return {
        "clocks": list(selectors.clocks(ticket)),
        "replies": list(selectors.replies(ticket, sent_only=False)),
        "amendments": [n for n in notes if n.kind == Note.Kind.AMENDMENT],
        "notes": [n for n in notes if n.kind != Note.Kind.AMENDMENT],
        "cohandler_units": selectors.cohandler_units(ticket),
        "cohandling": list(selectors.cohandling_requests(ticket)),
        "redispatch": list(selectors.redispatch_requests(ticket)),
        # R7: only a ticket that reached its follow-up has rounds to show (no queries before that).
        "followup_rounds": selectors.followup_rounds(ticket)
        if ticket.round > 1 or ticket.status in _FOLLOWED_UP
        else [],
        "history": history.staff_history(selectors.timeline(ticket, public_only=False)),
        "actions": forms,
        "bound": bound,
        # R6.3: leaders' instructions the unit has not yet acted on, shown above everything else.
        "open_instructions": kit.instructions,
    }


def _requester_context(ticket: Ticket) -> dict[str, Any]:
    """R10.1: the requester's own view: public steps in plain words and the sent replies, nothing internal."""
    return {
        "amendments": list(Note.objects.filter(ticket=ticket, kind=Note.Kind.AMENDMENT).only("at", "body")),
        "replies": list(selectors.replies(ticket, sent_only=True)),
        "timeline": history.public_timeline(selectors.timeline(ticket, public_only=True)),
        # R7.1: the requester rates the sent reply online (never an anonymous letter, R1.3).
        "rate_url": reverse("intake:rate_mine", args=[ticket.number])
        if ticket.status == Status.REPLIED and not ticket.anonymous
        else "",
    }


def render_ticket_page(
    request: StaffRequest,
    ticket: Ticket,
    *,
    kit: actions.Kit | None = None,
    bound: actions.ActionView | None = None,
    revealed: bool = False,
    status: int = 200,
) -> HttpResponse:
    kit = kit or actions.Kit(request.user, ticket)
    context: dict[str, Any] = {
        "ticket": ticket,
        "contact": _contact(request, ticket, revealed=revealed),
        "attachments": list(ticket.attachments.order_by("uploaded_at", "id")),
    }
    if not kit.rels and is_requester(request.user, ticket):
        context.update(_requester_context(ticket))
        return render(request, "tickets/ticket/requester.html", context, status=status)
    context.update(_staff_context(request, ticket, kit, bound))
    context["groups"] = hints.group_hints([ticket.pk]).get(ticket.pk, [])
    context["rels"] = sorted(str(r) for r in kit.rels)
    return render(request, "tickets/ticket/page.html", context, status=status)


@login_required
@require_GET
def ticket_page(request: StaffRequest, number: str) -> HttpResponse:
    return render_ticket_page(request, get_ticket_for(request.user, number))


def _success(request: StaffRequest, ticket: Ticket, done: Promise) -> HttpResponse:
    messages.success(request, str(done))
    target = safe_next(request, reverse("work:ticket", args=[ticket.number]))
    return HttpResponseClientRedirect(target) if request.htmx else HttpResponseRedirect(target)


@login_required
@require_POST
def ticket_action(request: StaffRequest, number: str, action: str) -> HttpResponse:
    """Validate the form, call the action's one service; show its refusal in Chinese, or go on."""
    spec = actions.SPECS.get(action)
    if spec is None:
        raise Http404
    ticket = get_ticket_for(request.user, number)
    kit = actions.Kit(request.user, ticket)
    view = actions.build(kit, action, request.POST, next_url=request.POST.get("next", ""))
    error: DomainError | None = None
    if view.form.is_valid():
        try:
            spec.run(request.user, ticket, view.form.cleaned_data)
        except DomainError as refused:
            error = refused
            view.form.add_domain_error(refused)
        else:
            return _success(request, ticket, spec.message(ticket))
    status = form_error_status(error)
    if request.htmx:
        return render(
            request, "tickets/ticket/_action_form.html", {"act": view, "ticket": ticket}, status=status
        )
    return render_ticket_page(request, ticket, kit=kit, bound=view, status=status)


@login_required
@require_POST
def contact_reveal(request: StaffRequest, number: str) -> HttpResponse:
    """R10.2: show the full contact to the need-to-know; services.contact_reveal writes the audit event."""
    ticket = get_ticket_for(request.user, number)
    try:
        services.contact_reveal(actor=request.user, ticket=ticket)
    except NotAllowed as refused:
        context = {"ticket": ticket, "contact": _contact(request, ticket), "error": refused.message}
        return render(request, "tickets/ticket/_contact.html", context, status=403)
    if request.htmx:
        context = {
            "ticket": ticket,
            "contact": _contact(request, ticket, revealed=True),
            "amendments": Note.objects.filter(ticket=ticket, kind=Note.Kind.AMENDMENT).only("at", "body"),
        }
        return render(request, "tickets/ticket/_contact_revealed.html", context)
    return render_ticket_page(request, ticket, revealed=True)
