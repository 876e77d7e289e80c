"""Stored clocks (R4.8): write each clock's due instant as a row and keep the ticket's nearest deadline.

The arithmetic is the workcalendar app's pure functions; this module only stores their results, in the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu import fastsql
from jiesu.tickets.models import Channel, Clock, ClockKind, Level, Ticket
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.clocks import end_of_day
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


def set_clock(ticket: Ticket, kind: ClockKind, started_at: dt.datetime, deadline: DueRule) -> Clock:
    """Create or recompute the clock ``kind`` of the ticket's current round (met clocks keep their result)."""
    clock, _created = Clock.objects.update_or_create(
        ticket=ticket,
        kind=kind,
        round=ticket.round,
        defaults={
            "started_at": started_at,
            "due_at": deadline.due,
            "soon_at": soon_at(started_at, deadline.due),
            "provisional": deadline.provisional,
            "rule": deadline.rule_text[:200],
        },
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
    clock.met_at = at
    clock.on_time = at <= clock.due_at
    clock.save(update_fields=["met_at", "on_time"])
    if not clock.on_time:
        ticket.overdue_count += 1
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


# (kind, due, soon, provisional, rule text) of each intake clock; the same for every ticket of one key.
_IntakeDue = tuple[tuple[str, dt.datetime, dt.datetime, bool, str], ...]


def intake_clocks(ticket: Ticket, memo: dict[tuple[Any, ...], _IntakeDue] | None = None) -> list[Clock]:
    """R4.1 response for every ticket; R4.5 dispatch (R4.7 triage for letters) for Office channels.

    For a ticket not yet saved: the clocks are built in memory and the nearest one is set on the ticket, so
    intake writes the ticket once and its clocks in one INSERT (``save_intake_clocks``) — intake is the
    hottest write path. ``memo`` (one batch's) shares the deadlines among tickets received in the same minute
    with the same rules: receipt times are kept to the minute (R1.2), so a busy batch computes them a few
    times instead of once per ticket."""
    received = ticket.received_at
    second = ClockKind.MAILBOX if ticket.channel == Channel.MAILBOX else None
    if second is None and ticket.lead_unit_id is None:
        second = ClockKind.DISPATCH
    key = (received, ticket.urgent, second)
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = _intake_due(received, ticket.urgent, second)
        if memo is not None:
            memo[key] = found
    clocks = [
        Clock(
            kind=kind,
            round=ticket.round,
            started_at=received,
            due_at=due_at,
            soon_at=soon,
            provisional=provisional,
            rule=rule,
        )
        for kind, due_at, soon, provisional, rule in found
    ]
    nearest = min(clocks, key=lambda c: c.due_at)
    ticket.next_due_at, ticket.next_soon_at, ticket.next_clock = nearest.due_at, nearest.soon_at, nearest.kind
    return clocks


# The clock an Office channel adds to the response clock: R4.7 triage for letters, R4.5 dispatch otherwise.
_SECOND_RULE = {ClockKind.MAILBOX: rules.mailbox_due, ClockKind.DISPATCH: rules.dispatch_due}


def _intake_due(received: dt.datetime, urgent: bool, second: ClockKind | None) -> _IntakeDue:
    due: list[tuple[str, DueRule]] = [(ClockKind.RESPONSE, rules.response_due(received, urgent=urgent))]
    if second is not None:
        due.append((second, _SECOND_RULE[second](received)))
    return tuple((kind, d.due, soon_at(received, d.due), d.provisional, d.rule_text[:200]) for kind, d in due)


def save_intake_clocks(items: list[tuple[Ticket, list[Clock]]]) -> None:
    """The clocks of saved tickets, in one insert (intake's hot path, docs/performance.md)."""
    clocks = []
    for ticket, own in items:
        for clock in own:
            clock.ticket = ticket
            clocks.append(clock)
    fastsql.insert(clocks)


def default_reply_clock(ticket: Ticket) -> None:
    """R4.2: until the unit sets the level, the shortest reply clock (direct, 1 working day) runs, so an
    acknowledged ticket is never without a deadline; setting the level recomputes from received_at."""
    if ticket.level:
        return
    deadline = rules.reply_due(ticket.received_at, level=Level.DIRECT, calendar=get_calendar())
    set_clock(ticket, ClockKind.REPLY, ticket.received_at, deadline)


def level_clocks(ticket: Ticket) -> None:
    """R4.2: a level (re)computes the reply clocks from received_at, never from the level change."""
    calendar = get_calendar()
    deadline = rules.reply_due(ticket.received_at, level=ticket.level, calendar=calendar)
    if ticket.level == Level.DIRECT:
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
    set_clock(
        ticket, ClockKind.REPLY, ticket.received_at, PlannedDeadline(end_of_day(ticket.planned_reply_date))
    )


def reopen_reply_clock(ticket: Ticket, reopened_at: dt.datetime) -> None:
    """R7.2: a reopened ticket gets a new 1-working-day formal reply clock from the reopening."""
    deadline = rules.reply_due(reopened_at, level=Level.DIRECT, calendar=get_calendar())
    set_clock(ticket, ClockKind.REPLY, reopened_at, ReopenedDeadline(deadline.due, deadline.provisional))


def followup_clock(ticket: Ticket, sent_at: dt.datetime) -> None:
    """R4.6: the follow-up is due 48 clock hours after the formal reply is sent."""
    set_clock(ticket, ClockKind.FOLLOWUP, sent_at, rules.followup_due(sent_at))


# --- R2.6 referrals: the source's own deadline and the report back (日清日结) ----------------------------------


@dataclass(frozen=True)
class SourceDeadline:
    """R2.6: the deadline the referring body gave, stored as given (no calendar arithmetic)."""

    due: dt.datetime
    source: str
    provisional: bool = False

    @property
    def rule_text(self) -> str:
        return _("The deadline set by the referring body (%(source)s)") % {"source": self.source}


@dataclass(frozen=True)
class ReportBackDeadline:
    """R2.6 日清日结: the result is reported back to the source by the end of the day the reply is approved."""

    due: dt.datetime
    provisional: bool = False

    @property
    def rule_text(self) -> str:
        return _("Report the result back to the referring body by the end of the day the reply was approved")


def add_source_clock(ticket: Ticket, clocks: list[Clock]) -> None:
    """R2.6: a referral's own deadline, given at intake, becomes a clock beside the intake clocks of a ticket not
    yet saved (appended to ``clocks``; the ticket's nearest deadline follows if it is nearer)."""
    if ticket.source_due_at is None:
        return
    deadline = SourceDeadline(ticket.source_due_at, ticket.source_name or str(_("the referring body")))
    clock = Clock(
        kind=ClockKind.SOURCE,
        round=1,
        started_at=ticket.received_at,
        due_at=deadline.due,
        soon_at=soon_at(ticket.received_at, deadline.due),
        provisional=False,
        rule=deadline.rule_text[:200],
    )
    clocks.append(clock)
    if ticket.next_due_at is None or clock.due_at < ticket.next_due_at:
        ticket.next_due_at, ticket.next_soon_at, ticket.next_clock = clock.due_at, clock.soon_at, clock.kind


def report_back_clock(ticket: Ticket, approved_at: dt.datetime) -> None:
    """R2.6: approving a referral's formal reply starts the report-back clock of the round, due at the end of
    that day (Asia/Shanghai)."""
    due = end_of_day(timezone.localtime(approved_at).date())
    set_clock(ticket, ClockKind.REPORT_BACK, approved_at, ReportBackDeadline(due))


def meet_report_back(ticket: Ticket, at: dt.datetime) -> int:
    """R2.6: a report back meets every report-back clock still open (any round) and the source's deadline."""
    met = 0
    for clock in Clock.objects.filter(
        ticket=ticket, kind__in=(ClockKind.REPORT_BACK, ClockKind.SOURCE), met_at__isnull=True
    ):
        clock.met_at, clock.on_time = at, at <= clock.due_at
        clock.save(update_fields=["met_at", "on_time"])
        if not clock.on_time:
            ticket.overdue_count += 1
        met += 1
    return met
