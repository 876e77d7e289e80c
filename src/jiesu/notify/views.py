"""The notification pages: my inbox (unread / all), opening and marking read, my channel preferences, and the
Office's page of undelivered messages. Thin views: a person only ever reaches their own notifications
(``selectors.notification_for`` gives 404 for anyone else's)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.notify import selectors, services
from jiesu.notify.forms import PreferenceForm, RetryForm
from jiesu.notify.models import OutboxChannel
from jiesu.notify.permissions import may_manage_outbox
from jiesu.org.models import User
from jiesu.privacy import mask_email, mask_phone

PAGE_SIZE = 30


class SignedInRequest(HttpRequest):
    user: User


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _list_context(request: SignedInRequest) -> dict[str, Any]:
    show_all = request.GET.get("show") == "all"
    page = Paginator(selectors.inbox(request.user, unread_only=not show_all), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {"page": page, "items": list(page.object_list), "show_all": show_all}


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    """My notifications, newest first: the unread ones by default, all with ?show=all; paged."""
    context = {**_list_context(request), "can_see_outbox": may_manage_outbox(request.user)}
    return render(request, "notify/inbox.html", context)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notify:inbox")


@login_required
@require_GET
def open_notification(request: SignedInRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and follows its link (the ticket page, the overdue board …)."""
    notification = selectors.notification_for(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("notify:inbox")
    return HttpResponseRedirect(url)


@login_required
@require_POST
def mark_read(request: SignedInRequest, pk: int) -> HttpResponse:
    """Mark one notification read without opening it; htmx swaps in the updated line."""
    notification = selectors.notification_for(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if _is_htmx(request):
        return render(request, "notify/_item.html", {"n": notification, "oob_badge": True})
    return HttpResponseRedirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    """Mark every unread notification read; htmx swaps in the refreshed list (and clears the badge)."""
    count = services.notification_mark_all_read(user=request.user)
    if _is_htmx(request):
        return render(request, "notify/_list.html", {**_list_context(request), "oob_badge": True})
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return HttpResponseRedirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    """My channels: email (on by default), SMS and WeCom (off by default); the inbox is always on."""
    current = selectors.preference_for(request.user)
    initial = {"email": current.email, "sms": current.sms, "wecom": current.wecom}
    form = PreferenceForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings have been saved."))
        return HttpResponseRedirect(reverse("notify:settings"))
    status = 400 if request.method == "POST" else 200
    return render(request, "notify/settings.html", {"form": form}, status=status)


def _masked(channel: str, address: str) -> str:
    """R10.2: the Office's page shows contacts masked."""
    if channel == OutboxChannel.EMAIL:
        return mask_email(address)
    if channel == OutboxChannel.SMS:
        return mask_phone(address)
    return address  # a WeCom userid is the staff username, not a personal contact


@login_required
@require_http_methods(["GET", "POST"])
def outbox(request: SignedInRequest) -> HttpResponse:
    """The Office's view of messages not delivered (failed first), with "send again now"."""
    if not may_manage_outbox(request.user):
        raise PermissionDenied
    form = RetryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            ids = [row.pk for row in form.cleaned_data["rows"]]
            count = services.outbox_retry(actor=request.user, ids=ids)
            messages.success(request, _("%(count)d messages will be sent again now.") % {"count": count})
            return HttpResponseRedirect(reverse("notify:outbox"))
        for error in form.errors.get("rows", []):
            messages.error(request, str(error))
    page = Paginator(selectors.undelivered(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(row, _masked(row.channel, row.address)) for row in page.object_list]
    status = 400 if request.method == "POST" else 200
    return render(request, "notify/outbox.html", {"page": page, "rows": rows}, status=status)
