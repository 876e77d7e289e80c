"""Presentation helpers for the staff pages: countdown badges (R4.8), labels, paging links, the worklist nav."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu import privacy
from jiesu.tickets import vocabulary
from jiesu.tickets.models import Clock, ClockKind
from jiesu.tickets.selectors import DUE_SOON, OK, OVERDUE, ClockInfo
from jiesu.tickets.views.worklists import worklists_for

register = template.Library()

_BADGE = {OK: "badge-ok", DUE_SOON: "badge-warn", OVERDUE: "badge-danger"}


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}


@register.filter
def countdown(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """ "3 h 20 min left" / "1 d 2 h overdue" (R4.8 countdown)."""
    if due is None:
        return ""
    delta = due - (now or timezone.now())
    if delta >= dt.timedelta(0):
        return _("%(time)s left") % {"time": _span(delta)}
    return _("%(time)s overdue") % {"time": _span(-delta)}


@register.filter
def contacts_masked(text: str) -> str:
    """R10.2: phone numbers, e-mail addresses and ID numbers inside a request's words, masked."""
    return privacy.mask_contacts(text or "")


@register.filter
def requester_status(status: str) -> str:
    return vocabulary.requester_status(status)


@register.filter
def staff_status(status: str) -> str:
    return vocabulary.staff_status(status)


@register.filter
def status_badge(status: str) -> str:
    return vocabulary.badge(status)


@register.filter
def next_step(ticket: Any) -> str:
    """The requester's next step and when to expect it, from the ticket's stored nearest deadline."""
    return vocabulary.next_step(
        ticket.status, ticket.next_clock, ticket.next_due_at, ticket.planned_reply_date
    )


@register.filter
def badge_class(state: str) -> str:
    return _BADGE.get(state, "badge-muted")


@register.filter
def clock_label(kind: str) -> str:
    return str(ClockKind(kind).label) if kind in ClockKind.values else kind


@register.filter
def state_label(state: str) -> str:
    return {OK: _("On track"), DUE_SOON: _("Due soon"), OVERDUE: _("Overdue")}.get(state, "")


def clock_row_state(clock: Clock, now: dt.datetime | None = None) -> str:
    """R4.8 for one clock row of the ticket page: met clocks keep whether they were on time; a clock replaced by
    a recomputation is superseded, and says so if it had been missed first (R4.9)."""
    if clock.superseded_at is not None:
        return "superseded_missed" if clock.breached_at is not None else "superseded"
    if clock.met_at is not None:
        return "met_on_time" if clock.on_time else "met_late"
    now = now or timezone.now()
    if clock.due_at <= now:
        return OVERDUE
    return DUE_SOON if clock.soon_at <= now else OK


@register.filter
def row_state(clock: Clock) -> str:
    return clock_row_state(clock)


@register.inclusion_tag("tickets/staff/_badge.html")
def clock_badge(clock: ClockInfo | None) -> dict[str, Any]:
    """The countdown badge: colour by state, the rule in words on hover (title) and on tap (details)."""
    return {"clock": clock}


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    """The current query string with another page number (filters survive paging)."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def staff_worklists(context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, url) of the worklists the signed-in person has roles for; no query beyond the roles."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [(w.key, str(w.label), reverse(w.url_name)) for w in worklists_for(user)]
