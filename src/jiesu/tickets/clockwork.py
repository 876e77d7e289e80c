"""Stored clocks (R4.8): write each clock's due instant as a row and keep the ticket's nearest deadline.

The arithmetic is the workcalendar app's pure functions; this module only stores their results, in the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.tickets.models import Channel, Clock, ClockKind, Level, Ticket
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.clocks import end_of_day
from jiesu.workcalendar.core import WorkCalendar
from jiesu.workcalendar.selectors import get_calendar

DUE_SOON_SHARE = 0.25  # R4.8: under 25 % of the window left …
DUE_SOON_MIN = dt.timedelta(hours=2)  # … or under 2 h left


class DueRule(Protocol):
    """What a clock row stores from a deadline: the workcalendar's ``Deadline`` or a ``PlannedDeadline``."""

    @property
    def due(self) -> dt.datetime: ...

    @property
    def provisional(self) -> bool: ...

    @property
    def rule_text(self) -> str: ...


@dataclass(frozen=True)
class PlannedDeadline:
    """R4.2: the formal reply of a department/school ticket is due at the end of its planned date."""

    due: dt.datetime
    provisional: bool = False

    @property
    def rule_text(self) -> str:
        return _("R4.2 formal reply: by the end of the planned date given in the initial reply")


@dataclass(frozen=True)
class ReopenedDeadline:
    """R7.2: a reopened round's formal reply is due 1 working day after the reopening."""

    due: dt.datetime
    provisional: bool = False

    @property
    def rule_text(self) -> str:
        return _("R7.2 reopened: formal reply within 1 working day after the reopening")


def soon_at(started_at: dt.datetime, due_at: dt.datetime) -> dt.datetime:
    """R4.8: the instant from which a clock is due soon (the earlier of the two thresholds, not before start)."""
    window = due_at - started_at
    lead = max(window * DUE_SOON_SHARE, DUE_SOON_MIN)
    return max(started_at, due_at - lead)


def clock_values(started_at: dt.datetime, deadline: DueRule) -> dict[str, Any]:
    """What a clock row stores from its deadline: start, due, due-soon instant (R4.8), provisional, rule text."""
    return {
        "started_at": started_at,
        "due_at": deadline.due,
        "soon_at": soon_at(started_at, deadline.due),
        "provisional": deadline.provisional,
        "rule": deadline.rule_text[:200],
    }


def new_clock(ticket: Ticket, kind: ClockKind, started_at: dt.datetime, deadline: DueRule) -> Clock:
    """The clock ``kind`` of the ticket's current round, built and not saved (for writers of many rows)."""
    return Clock(ticket=ticket, kind=kind, round=ticket.round, **clock_values(started_at, deadline))


def mark_met(ticket: Ticket, clock: Clock, at: dt.datetime) -> None:
    """The clock is met at ``at``: whether on time, and the ticket's count of clocks met late (not saved)."""
    clock.met_at = at
    clock.on_time = at <= clock.due_at
    if not clock.on_time:
        ticket.overdue_count += 1


def show_nearest(ticket: Ticket, clocks: Iterable[Clock]) -> None:
    """Denormalize the nearest unmet of ``clocks`` onto the ticket, as ``refresh_next_due`` does from the table."""
    unmet = [clock for clock in clocks if clock.met_at is None]
    nearest = min(unmet, key=lambda c: c.due_at) if unmet else None
    if nearest is None:
        ticket.next_due_at = ticket.next_soon_at = None
        ticket.next_clock = ""
    else:
        ticket.next_due_at, ticket.next_soon_at, ticket.next_clock = (
            nearest.due_at,
            nearest.soon_at,
            nearest.kind,
        )


def set_clock(ticket: Ticket, kind: ClockKind, started_at: dt.datetime, deadline: DueRule) -> Clock:
    """Create or recompute the clock ``kind`` of the ticket's current round (met clocks keep their result)."""
    clock, _created = Clock.objects.update_or_create(
        ticket=ticket, kind=kind, round=ticket.round, defaults=clock_values(started_at, deadline)
    )
    if (
        clock.met_at is None
        and clock.breached_at is None
        and clock.soon_notified_at is not None
        and clock.soon_at > timezone.now()
    ):
        # A moved deadline (R4.2 planned date, R5.3 calendar import) gets its own "due soon" reminder. A clock
        # already breached stays breached: the miss is a fact (R4.8), recorded once.
        clock.soon_notified_at = None
        clock.save(update_fields=["soon_notified_at"])
    if clock.met_at is not None:
        on_time = clock.met_at <= clock.due_at
        if clock.on_time != on_time:
            # Keep Ticket.overdue_count in step with the flags it counts (the caller saves the ticket).
            ticket.overdue_count = max(0, ticket.overdue_count + (-1 if on_time else 1))
            clock.on_time = on_time
            clock.save(update_fields=["on_time"])
    return clock


def meet_clock(ticket: Ticket, kind: ClockKind, at: dt.datetime) -> Clock | None:
    """Mark the current round's ``kind`` clock met at ``at``, recording whether that was on time."""
    clock = Clock.objects.filter(ticket=ticket, kind=kind, round=ticket.round, met_at__isnull=True).first()
    if clock is None:
        return None
    mark_met(ticket, clock, at)
    clock.save(update_fields=["met_at", "on_time"])
    return clock


def drop_clock(ticket: Ticket, kind: ClockKind) -> None:
    """Remove an unmet clock that no longer applies (e.g. a level change from department to direct)."""
    Clock.objects.filter(ticket=ticket, kind=kind, round=ticket.round, met_at__isnull=True).delete()


def refresh_next_due(ticket: Ticket) -> None:
    """Denormalize the nearest unmet clock onto the ticket, so worklists sort on one indexed column."""
    nearest = (
        Clock.objects.filter(ticket=ticket, met_at__isnull=True)
        .order_by("due_at")
        .values("due_at", "soon_at", "kind")
        .first()
    )
    if nearest is None:
        ticket.next_due_at = ticket.next_soon_at = None
        ticket.next_clock = ""
    else:
        ticket.next_due_at, ticket.next_soon_at, ticket.next_clock = (
            nearest["due_at"],
            nearest["soon_at"],
            nearest["kind"],
        )


def intake_clocks(ticket: Ticket) -> list[Clock]:
    """R4.1 response for every ticket; R4.5 dispatch (R4.7 triage for letters) for Office channels.

    For a ticket not yet saved: the clocks are built in memory (pure arithmetic, before intake's transaction
    opens) and the nearest one is set on the ticket, so intake writes the ticket once."""
    received = ticket.received_at
    due: list[tuple[ClockKind, DueRule]] = [
        (ClockKind.RESPONSE, rules.response_due(received, urgent=ticket.urgent))
    ]
    if ticket.channel == Channel.MAILBOX:
        due.append((ClockKind.MAILBOX, rules.mailbox_due(received)))
    elif ticket.lead_unit_id is None:
        due.append((ClockKind.DISPATCH, rules.dispatch_due(received)))
    clocks = [
        Clock(kind=kind, round=ticket.round, **clock_values(received, deadline)) for kind, deadline in due
    ]
    nearest = min(clocks, key=lambda c: c.due_at)
    ticket.next_due_at, ticket.next_soon_at, ticket.next_clock = nearest.due_at, nearest.soon_at, nearest.kind
    return clocks


def save_intake_clocks(ticket: Ticket, clocks: list[Clock]) -> None:
    """The clocks of a just-saved ticket, in one insert."""
    for clock in clocks:
        clock.ticket = ticket
    Clock.objects.bulk_create(clocks)


def default_reply_deadline(ticket: Ticket, calendar: WorkCalendar) -> rules.Deadline:
    """R4.2: until the unit sets the level, the shortest reply clock (direct, 1 working day from receipt) runs."""
    return rules.reply_due(ticket.received_at, level=Level.DIRECT, calendar=calendar)


def default_reply_clock(ticket: Ticket) -> None:
    """R4.2: until the unit sets the level, the shortest reply clock (direct, 1 working day) runs, so an
    acknowledged ticket is never without a deadline; setting the level recomputes from received_at."""
    if ticket.level:
        return
    set_clock(ticket, ClockKind.REPLY, ticket.received_at, default_reply_deadline(ticket, get_calendar()))


def level_deadline(ticket: Ticket, calendar: WorkCalendar) -> tuple[ClockKind, rules.Deadline]:
    """R4.2: the clock the ticket's level runs, counted from received_at — the formal reply for ``direct``, the
    initial reply for ``department`` and ``school`` (their formal reply waits for the planned date)."""
    deadline = rules.reply_due(ticket.received_at, level=ticket.level, calendar=calendar)
    return (ClockKind.REPLY if ticket.level == Level.DIRECT else ClockKind.INITIAL_REPLY), deadline


def level_clocks(ticket: Ticket) -> None:
    """R4.2: a level (re)computes the reply clocks from received_at, never from the level change."""
    kind, deadline = level_deadline(ticket, get_calendar())
    if kind == ClockKind.REPLY:
        drop_clock(ticket, ClockKind.INITIAL_REPLY)
        set_clock(ticket, ClockKind.REPLY, ticket.received_at, deadline)
        return
    set_clock(ticket, ClockKind.INITIAL_REPLY, ticket.received_at, deadline)
    if ticket.planned_reply_date is None:
        drop_clock(ticket, ClockKind.REPLY)
    else:
        planned_clock(ticket)


def planned_clock(ticket: Ticket) -> None:
    """R4.2: for department and school levels the formal reply is due at the end of the planned date."""
    assert ticket.planned_reply_date is not None  # noqa: S101 - callers check
    set_clock(ticket, ClockKind.REPLY, ticket.received_at, planned_deadline(ticket.planned_reply_date))


def planned_deadline(planned: dt.date) -> PlannedDeadline:
    """R4.2: the end of the planned date given in the initial reply."""
    return PlannedDeadline(end_of_day(planned))


def reopen_reply_clock(ticket: Ticket, reopened_at: dt.datetime) -> None:
    """R7.2: a reopened ticket gets a new 1-working-day formal reply clock from the reopening."""
    deadline = rules.reply_due(reopened_at, level=Level.DIRECT, calendar=get_calendar())
    set_clock(ticket, ClockKind.REPLY, reopened_at, ReopenedDeadline(deadline.due, deadline.provisional))


def followup_clock(ticket: Ticket, sent_at: dt.datetime) -> None:
    """R4.6: the follow-up is due 48 clock hours after the formal reply is sent."""
    set_clock(ticket, ClockKind.FOLLOWUP, sent_at, rules.followup_due(sent_at))
