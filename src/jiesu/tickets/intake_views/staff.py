"""(b) A unit records a hotline call or walk-in; (c) the Office records its channels (R2); repeat candidates (R6.1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jiesu.org.models import User
from jiesu.org.selectors import RoleSet, roles_for
from jiesu.tickets import hints, selectors
from jiesu.tickets.attachments import ticket_create_with_attachments
from jiesu.tickets.errors import DomainError
from jiesu.tickets.forms_intake import StaffIntakeForm, recordable_channels
from jiesu.tickets.intake_views.common import signed_in_user, throttled
from jiesu.tickets.intake_views.plain import plain_status
from jiesu.tickets.intake_views.web import remember_created

REPEAT_PROBE_FIELDS = ("requester_number", "contact_phone", "subject", "content")


def _recorder_roles(request: HttpRequest) -> RoleSet:
    roles = roles_for(request.user)
    if not recordable_channels(roles):
        raise PermissionDenied
    return roles


@login_required
@require_http_methods(["GET", "POST"])
def staff_intake(request: HttpRequest) -> HttpResponse:
    """Record a request received by phone, in person or through an Office channel; shows only allowed channels."""
    roles = _recorder_roles(request)
    if request.method == "POST":
        form = StaffIntakeForm(request.POST, request.FILES, roles=roles)
        context = {"probe_fields": REPEAT_PROBE_FIELDS}
        refused = throttled(request, form, "tickets/intake/staff.html", context)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                created = ticket_create_with_attachments(
                    actor=signed_in_user(request),
                    files=form.cleaned_data["attachments"],
                    **form.service_fields(),
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                remember_created(request, created, staff=True)
                return redirect("intake:created")
    else:
        form = StaffIntakeForm(roles=roles)
    return render(request, "tickets/intake/staff.html", {"form": form, "probe_fields": REPEAT_PROBE_FIELDS})


@login_required
@require_GET
def repeat_candidates(request: HttpRequest) -> HttpResponse:
    """R6.1, htmx partial: the same requester's tickets of the last 90 days, most similar first.

    R10.3: only tickets the recorder may open are listed. A typed student or staff number that matches nobody
    answers exactly as a person with no such tickets would (no fallback to the phone), so the probe never tells
    whether a number exists; people who may not record get 403 before any lookup.
    """
    _recorder_roles(request)
    params = {name: request.GET.get(name, "").strip()[:5000] for name in REPEAT_PROBE_FIELDS}
    candidates: list[selectors.RepeatCandidate] = []
    found: list[hints.RepeatHint] | None = None
    if params["subject"] or params["content"]:
        requester = None
        if params["requester_number"]:
            requester = User.objects.filter(number=params["requester_number"], is_active=True).first()
        known = requester is not None or not params["requester_number"]
        # R6.1: near-duplicates from anyone too, when the insight app provides them. A number that matches
        # nobody probes as nobody (no phone fallback), so the answer never tells whether the number exists.
        phone = params["contact_phone"] if known else ""
        probe = hints.Probe(requester, phone, params["subject"], params["content"])
        found = hints.probe_hints(signed_in_user(request), probe)
        if known and found is None:
            candidates = selectors.repeat_candidates(
                viewer=signed_in_user(request),
                requester=requester,
                phone=params["contact_phone"],
                subject=params["subject"],
                content=params["content"],
            )
    if found is not None:
        rows = [
            {
                "ticket": h,
                "score": h.percent,
                "status": h.status,
                "reason": h.reason,
                "same": h.same_requester,
            }
            for h in found
        ]
        return render(request, "tickets/intake/_repeats.html", {"rows": rows, "anyone": True})
    rows = [
        {
            "ticket": c.ticket,
            "score": round(c.score * 100),
            "status": plain_status(c.ticket.status),
            "same": True,
        }
        for c in candidates
    ]
    return render(request, "tickets/intake/_repeats.html", {"rows": rows})
