"""(a) Web self-service (R2 `web`), the one-time number + code page, and "my requests" (R10.1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jiesu.tickets import home, selectors
from jiesu.tickets.attachments import ticket_create_with_attachments
from jiesu.tickets.errors import DomainError
from jiesu.tickets.forms_intake import WebRequestForm
from jiesu.tickets.intake_views.common import signed_in_user, throttled
from jiesu.tickets.intake_views.plain import badge, plain_status
from jiesu.tickets.models import Channel
from jiesu.tickets.services import Created

CREATED_SESSION_KEY = "jiesu_intake_created"
PAGE_SIZE = 20


def remember_created(request: HttpRequest, created: Created, *, staff: bool) -> None:
    """Keep the tracking code for exactly one display (only its hash is stored, R10.1)."""
    request.session[CREATED_SESSION_KEY] = {
        "number": created.ticket.number,
        "code": created.tracking_code,
        "staff": staff,
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """A signed-in requester submits a request from the phone (R1.2), with up to 5 attachments."""
    user = signed_in_user(request)
    if request.method == "POST":
        form = WebRequestForm(request.POST, request.FILES)
        refused = throttled(request, form, "tickets/intake/new.html", {})
        if refused is not None:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = ticket_create_with_attachments(
                    actor=user,
                    files=data["attachments"],
                    channel=Channel.WEB,
                    requester=user,
                    type=data["type"],
                    campus=data["campus"],
                    subject=data["subject"],
                    content=data["content"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                remember_created(request, created, staff=False)
                return redirect("intake:created")
    else:
        form = WebRequestForm(initial=WebRequestForm.initial_for(user))
    return render(request, "tickets/intake/new.html", {"form": form})


@never_cache
@login_required
@require_GET
def request_created(request: HttpRequest) -> HttpResponse:
    """The number and the tracking code, shown once; a reload no longer shows the code."""
    shown = request.session.pop(CREATED_SESSION_KEY, None)
    if not shown:
        return redirect("intake:mine")
    return render(request, "tickets/intake/created.html", {"shown": shown})


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    """R10.1: the requester's own tickets, newest first, status in plain words; R7.1 a replied one offers
    "rate this reply" (anonymous letters have no requester, so never show here, R1.3)."""
    user = signed_in_user(request)
    # Issue 15 item 9: the requester's home; other apps add their sections (letters, bookings) through home.
    requests = selectors.my_requests(user).exclude(channel__in=home.claimed_channels())
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(ticket, plain_status(ticket.status), badge(ticket.status)) for ticket in page.object_list]
    sections = home.build(user) if page.number == 1 else []
    return render(request, "tickets/intake/mine.html", {"page": page, "rows": rows, "sections": sections})
