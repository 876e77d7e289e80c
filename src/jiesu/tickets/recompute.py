"""R5.3: when the calendar changes for some years (an import or an override), every open deadline that
depends on those years is recomputed, inside the calendar change's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from jiesu.tickets import clockwork
from jiesu.tickets.models import Clock, ClockKind, CohandlingRequest, Ticket
from jiesu.tickets.services import base
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.selectors import get_calendar

# Only working-day clocks depend on the calendar (R4.2 reply levels, R4.4 co-handling).
_CALENDAR_CLOCKS = (ClockKind.INITIAL_REPLY, ClockKind.REPLY)


def _years_q(field: str, years: Iterable[int]) -> Q:
    q = Q()
    for year in years:
        start = dt.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
        # A deadline may end a few days into the next year (end of day D is D+1 00:00).
        q |= Q(
            **{f"{field}__gte": start, f"{field}__lt": start.replace(year=year + 1) + dt.timedelta(days=15)}
        )
    return q


def _due_map(ticket: Ticket) -> dict[str, str]:
    rows = Clock.objects.filter(
        ticket=ticket, round=ticket.round, kind__in=_CALENDAR_CLOCKS, met_at__isnull=True
    )
    return {
        kind: f"{timezone.localtime(due).isoformat()}{' provisional' if provisional else ''}"
        for kind, due, provisional in rows.values_list("kind", "due_at", "provisional")
    }


def recompute_open_deadlines(years: set[int]) -> int:
    """Recompute unmet reply clocks and unanswered co-handling clocks touching ``years``; returns how many."""
    if not years:
        return 0
    ticket_ids = (
        Clock.objects.filter(
            _years_q("started_at", years) | _years_q("due_at", years),
            kind__in=_CALENDAR_CLOCKS,
            met_at__isnull=True,
        )
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    changed = 0
    for ticket in Ticket.objects.filter(pk__in=list(ticket_ids)).exclude(level="").select_for_update():
        before = _due_map(ticket)
        if ticket.round > 1:
            reopened = Clock.objects.get(ticket=ticket, kind=ClockKind.REPLY, round=ticket.round)
            clockwork.reopen_reply_clock(ticket, reopened.started_at)
        else:
            clockwork.level_clocks(ticket)
        base.save(ticket)
        after = _due_map(ticket)
        if after != before:
            # R10.4: a deadline change is audit-logged like any other change.
            base.record(
                ticket,
                actor=None,
                action="recompute_deadlines",
                before=before,
                after=after,
                reason=f"calendar changed for {sorted(years)}",
            )
            changed += 1
    calendar = get_calendar()
    for item in CohandlingRequest.objects.filter(
        _years_q("requested_at", years) | _years_q("due_at", years), answered_at__isnull=True
    ):
        deadline = rules.cohandling_due(item.requested_at, calendar=calendar)
        item.due_at, item.provisional = deadline.due, deadline.provisional
        item.soon_at = clockwork.soon_at(item.requested_at, deadline.due)
        if item.breached_at is None and item.soon_at > timezone.now():
            item.soon_notified_at = None  # the new window's "due soon" is told again by the sweep
        item.save(update_fields=["due_at", "provisional", "soon_at", "soon_notified_at"])
        changed += 1
    return changed
