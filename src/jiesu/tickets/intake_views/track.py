"""Public tracking (R10.1): number + secret code, no sign-in; shows status, receipt, lead unit and sent replies."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jiesu.clientip import client_ip
from jiesu.tickets import selectors
from jiesu.tickets.forms_intake import TrackForm
from jiesu.tickets.intake_views.plain import badge, plain_status
from jiesu.tickets.models import Ticket
from jiesu.tickets.services.base import hash_tracking_code, tracking_code_matches

FAILURE_LIMIT = 10
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60


def _keys(ip: str) -> tuple[str, str]:
    return f"jiesu:track:fail:{ip}", f"jiesu:track:lock:{ip}"


def is_locked(ip: str) -> bool:
    return bool(cache.get(_keys(ip)[1]))


def record_failure(ip: str) -> None:
    """Count a wrong guess; the 10th within 15 minutes locks the address out for 15 minutes."""
    fail_key, lock_key = _keys(ip)
    cache.add(fail_key, 0, timeout=WINDOW_SECONDS)
    try:
        failures = cache.incr(fail_key)
    except ValueError:  # expired between add and incr
        cache.set(fail_key, 1, timeout=WINDOW_SECONDS)
        failures = 1
    if failures >= FAILURE_LIMIT:
        cache.set(lock_key, 1, timeout=LOCK_SECONDS)
        cache.delete(fail_key)


def _find(number: str, code: str) -> Ticket | None:
    ticket = Ticket.objects.select_related("lead_unit").filter(number=number).first()
    if ticket is None:
        hash_tracking_code(
            number, code
        )  # same work either way: timing does not tell whether the number exists
        return None
    return ticket if tracking_code_matches(ticket, code) else None


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """A wrong number and a wrong code get the same message: existence is never disclosed."""
    ip = client_ip(request)  # behind JIESU_TRUSTED_PROXIES proxies: the client, never the proxy
    if is_locked(ip):
        return render(request, "tickets/intake/track.html", {"form": TrackForm(), "locked": True}, status=429)
    if request.method != "POST":
        return render(request, "tickets/intake/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    ticket = _find(form.cleaned_data["number"], form.cleaned_data["code"]) if form.is_valid() else None
    if ticket is None:
        if form.is_valid():
            record_failure(ip)
            form.add_error(None, _("No request matches this number and code. Check both and try again."))
        return render(request, "tickets/intake/track.html", {"form": form}, status=200)
    context = {
        "form": TrackForm(),
        "ticket": ticket,
        "status": plain_status(ticket.status),
        "badge": badge(ticket.status),
        "replies": list(selectors.replies(ticket, sent_only=True).order_by("sent_at", "id")),
    }
    return render(request, "tickets/intake/track.html", context)
