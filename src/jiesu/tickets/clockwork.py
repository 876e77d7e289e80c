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

from jiesu.tickets import sweep
from jiesu.tickets.models import DIRECT_CHANNELS, Breach, Channel, Clock, ClockKind, Level, Ticket
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
        return _("Formal reply: by the end of the planned date given in the initial reply")


@dataclass(frozen=True)
class ReopenedDeadline:
    """R7.2: a reopened round's formal reply is due 1 working day after the reopening."""

    due: dt.datetime
    provisional: bool = False

    @property
    def rule_text(self) -> str:
        return _("Reopened: formal reply within 1 working day after the reopening")


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
    """The clock is met at ``at`` (not saved). A clock that carries an earlier miss (R4.2: a planned date moved
    after it passed) is never on time and adds nothing to the ticket's overdue count: that miss was counted
    when its clock was superseded (one late reply, once)."""
    late = at > clock.due_at
    clock.met_at = at
    clock.on_time = not late and not clock.carries_miss
    if late and not clock.carries_miss:
        ticket.overdue_count += 1


def show_nearest(ticket: Ticket, clocks: Iterable[Clock]) -> None:
    """Denormalize the nearest open of ``clocks`` onto the ticket, as ``refresh_next_due`` does from the table."""
    open_ = [clock for clock in clocks if clock.met_at is None and clock.superseded_at is None]
    nearest = min(open_, key=lambda c: c.due_at) if open_ else None
    if nearest is None:
        ticket.next_due_at = ticket.next_soon_at = None
        ticket.next_clock = ""
    else:
        ticket.next_due_at, ticket.next_soon_at, ticket.next_clock = (
            nearest.due_at,
            nearest.soon_at,
            nearest.kind,
        )


@dataclass(frozen=True)
class Replaced:
    """R4.9: a clock a recomputation ended as superseded (or a closing ended, ``end_open_clocks``), for the
    history (before → after)."""

    kind: str
    round: int
    due_at: dt.datetime
    missed: bool  # it had passed unmet: its breach stays recorded and counted
    new_due_at: dt.datetime | None  # the clock that replaced it (None: the deadline no longer applies)


def replaced_facts(replaced: list[Replaced]) -> tuple[dict[str, Any], dict[str, Any]]:
    """R4.9 / R10.4: the deadlines a change replaced, as its history row's before → after, keyed by clock kind:
    before ``{"due": …, "missed": …}``, after the new due instant (None when nothing replaces it)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for r in replaced:
        before[r.kind] = {"due": timezone.localtime(r.due_at).isoformat(), "missed": r.missed}
        after[r.kind] = timezone.localtime(r.new_due_at).isoformat() if r.new_due_at else None
    return before, after


def accepted(ticket: Ticket) -> dt.datetime:
    """R4.0 受理: when the lead unit has the ticket (received_at only for rows that predate the field)."""
    return ticket.accepted_at or ticket.received_at


def _live(ticket: Ticket, kind: ClockKind) -> Clock | None:
    # Locked (PostgreSQL): a sweep recording this clock's breach at the same moment finishes first, so its
    # breach is seen and never recorded twice. SQLite's write transactions are serialized anyway.
    return (
        Clock.objects.live()
        .select_for_update(of=("self",))
        .filter(ticket=ticket, kind=kind, round=ticket.round)
        .first()
    )


def supersede(ticket: Ticket, clock: Clock, at: dt.datetime) -> bool:
    """R4.9: end ``clock`` as superseded at ``at``. A clock that had passed unmet keeps its miss: its breach is
    recorded now if the sweep has not yet done so, and it counts in ``Ticket.overdue_count`` unless it carried a
    miss already counted (the caller saves the ticket). Returns whether it was missed."""
    missed = clock.due_at <= at
    clock.superseded_at = at
    fields = ["superseded_at"]
    if missed:
        if clock.breached_at is None:
            clock.breached_at = at
            fields.append("breached_at")
            Breach.objects.create(
                ticket=ticket,
                clock=clock,
                kind=clock.kind,
                round=clock.round,
                unit_id=ticket.lead_unit_id,
                due_at=clock.due_at,
                recorded_at=at,
            )
        if not clock.carries_miss:
            ticket.overdue_count += 1
    clock.save(update_fields=fields)
    return missed


def set_clock(
    ticket: Ticket, kind: ClockKind, started_at: dt.datetime, deadline: DueRule, *, at: dt.datetime
) -> list[Replaced]:
    """Start the clock ``kind`` of the ticket's current round at ``at`` (the service's present), or recompute it
    (R4.9): an unmet clock whose
    deadline changes ends as superseded and a new one starts — carrying the miss if the old one had passed, so
    meeting the new one is late (R4.2). A met clock keeps its result and is never recomputed (R4.8)."""
    live = _live(ticket, kind)
    replaced: list[Replaced] = []
    carries = False
    if live is not None:
        if live.met_at is not None:
            return []
        if (live.started_at, live.due_at, live.provisional) == (
            started_at,
            deadline.due,
            deadline.provisional,
        ):
            return []
        missed = supersede(ticket, live, at)
        carries = missed or live.carries_miss
        replaced.append(Replaced(kind, live.round, live.due_at, missed, deadline.due))
    Clock.objects.create(
        ticket=ticket,
        kind=kind,
        round=ticket.round,
        carries_miss=carries,
        **clock_values(started_at, deadline),
    )
    return replaced


def meet_clock(ticket: Ticket, kind: ClockKind, at: dt.datetime) -> Clock | None:
    """Mark the current round's ``kind`` clock met at ``at``, recording whether that was on time. A clock that
    carries an earlier miss (R4.2: a planned date moved after it passed) is never on time, and adds nothing to
    the ticket's overdue count: that miss was counted when its clock was superseded (one late reply, once)."""
    clock = (
        Clock.objects.live().filter(ticket=ticket, kind=kind, round=ticket.round, met_at__isnull=True).first()
    )
    if clock is None:
        return None
    mark_met(ticket, clock, at)
    clock.save(update_fields=["met_at", "on_time"])
    return clock


def drop_clock(ticket: Ticket, kind: ClockKind, *, at: dt.datetime) -> list[Replaced]:
    """R4.9: an unmet clock that no longer applies (e.g. a level change from direct to department) ends as
    superseded; nothing replaces it. Never deleted."""
    live = _live(ticket, kind)
    if live is None or live.met_at is not None:
        return []
    missed = supersede(ticket, live, at)
    return [Replaced(kind, live.round, live.due_at, missed, None)]


def end_open_clocks(ticket: Ticket, *, at: dt.datetime) -> list[Replaced]:
    """R7.2 / R4.9: closing the ticket ends its open clocks at ``at``, met by nothing (``on_time`` NULL: neither
    on time nor late in the rates, R8.6). One already past due keeps its miss: its breach is recorded first, as
    the sweep records it (once, whether or not the sweep had seen it), and it counts in ``Ticket.overdue_count``
    unless it carries a miss already counted (the caller saves the ticket). R2.6: the report back to a
    referral's source and the source's own deadline outlive the closing; they stay open until the report back
    is recorded. Returns the ended clocks for the history row (nothing replaces them)."""
    # Locked (PostgreSQL): a sweep recording one of these breaches at this moment finishes first (see ``_live``).
    open_ = list(
        Clock.objects.live()
        .select_for_update(of=("self",))
        .filter(ticket=ticket, met_at__isnull=True)
        .exclude(kind__in=sweep.OUTLIVE_CLOSING)
        .order_by("due_at", "id")
    )
    if not open_:
        return []
    ids = [clock.pk for clock in open_]
    sweep.breach_before_ending(Clock.objects.filter(pk__in=ids), at)
    ended: list[Replaced] = []
    for clock in open_:
        missed = clock.due_at <= at
        if missed and not clock.carries_miss:
            ticket.overdue_count += 1
        ended.append(Replaced(clock.kind, clock.round, clock.due_at, missed, None))
    Clock.objects.filter(pk__in=ids).update(met_at=at, on_time=None)
    return ended


def refresh_next_due(ticket: Ticket) -> None:
    """Denormalize the nearest open clock (unmet, not superseded) onto the ticket, so worklists sort on one
    indexed column."""
    nearest = (
        Clock.objects.live()
        .filter(ticket=ticket, met_at__isnull=True)
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
    """R4.0 / R4.1: the response clock for direct channels (受理 is the receipt); R4.5 dispatch (R4.7 triage for
    letters) for Office channels, whose response clock starts at dispatch (``response_clock``): the Office's
    time before dispatch is never a unit's clock.

    For a ticket not yet saved: the clocks are built in memory (pure arithmetic, before intake's transaction
    opens) and the nearest one is set on the ticket, so intake writes the ticket once."""
    received = ticket.received_at
    if ticket.channel in DIRECT_CHANNELS:
        due: tuple[ClockKind, DueRule] = (
            ClockKind.RESPONSE,
            rules.response_due(received, urgent=ticket.urgent),
        )
    elif ticket.channel == Channel.MAILBOX:
        due = (ClockKind.MAILBOX, rules.mailbox_due(received))
    else:
        due = (ClockKind.DISPATCH, rules.dispatch_due(received))
    clocks = [new_clock(ticket, due[0], received, due[1])]
    show_nearest(ticket, clocks)
    return clocks


def response_deadline(ticket: Ticket) -> rules.Deadline:
    """R4.0 / R4.1: the response clock from 受理 (2 h, the night window, 30 min when urgent)."""
    return rules.response_due(accepted(ticket), urgent=ticket.urgent)


def default_reply_deadline(ticket: Ticket, calendar: WorkCalendar) -> rules.Deadline:
    """R4.2: until the unit sets the level, the shortest reply clock (direct, 1 working day from 受理) runs."""
    return rules.reply_due(accepted(ticket), level=Level.DIRECT, calendar=calendar)


def level_deadline(ticket: Ticket, calendar: WorkCalendar) -> tuple[ClockKind, rules.Deadline]:
    """R4.2: the clock the ticket's level runs, counted from 受理 (R4.0) — the formal reply for ``direct``, the
    initial reply for ``department`` and ``school`` (their formal reply waits for the planned date)."""
    deadline = rules.reply_due(accepted(ticket), level=ticket.level, calendar=calendar)
    return (ClockKind.REPLY if ticket.level == Level.DIRECT else ClockKind.INITIAL_REPLY), deadline


def planned_deadline(planned: dt.date) -> PlannedDeadline:
    """R4.2: the end of the planned date given in the initial reply."""
    return PlannedDeadline(end_of_day(planned))


def response_clock(ticket: Ticket, *, at: dt.datetime) -> list[Replaced]:
    """R4.0 / R4.1: an Office channel's response clock runs from the dispatch to the lead unit (受理)."""
    return set_clock(ticket, ClockKind.RESPONSE, accepted(ticket), response_deadline(ticket), at=at)


def default_reply_clock(ticket: Ticket, *, at: dt.datetime) -> list[Replaced]:
    """R4.2: until the unit sets the level, the shortest reply clock (direct, 1 working day) runs, so an
    acknowledged ticket is never without a deadline; setting the level recomputes from 受理 (R4.0)."""
    if ticket.level:
        return []
    deadline = default_reply_deadline(ticket, get_calendar())
    return set_clock(ticket, ClockKind.REPLY, accepted(ticket), deadline, at=at)


def level_clocks(ticket: Ticket, *, at: dt.datetime) -> list[Replaced]:
    """R4.2: a level (re)computes the reply clocks from 受理 (R4.0), never from the level change; the clocks
    it replaces end as superseded (R4.9)."""
    start = accepted(ticket)
    kind, deadline = level_deadline(ticket, get_calendar())
    if kind == ClockKind.REPLY:
        dropped = drop_clock(ticket, ClockKind.INITIAL_REPLY, at=at)
        return dropped + set_clock(ticket, ClockKind.REPLY, start, deadline, at=at)
    replaced = set_clock(ticket, ClockKind.INITIAL_REPLY, start, deadline, at=at)
    if ticket.planned_reply_date is None:
        return replaced + drop_clock(ticket, ClockKind.REPLY, at=at)
    return replaced + planned_clock(ticket, at=at)


def planned_clock(ticket: Ticket, *, at: dt.datetime) -> list[Replaced]:
    """R4.2: for department and school levels the formal reply is due at the end of the planned date."""
    assert ticket.planned_reply_date is not None  # noqa: S101 - callers check
    deadline = planned_deadline(ticket.planned_reply_date)
    return set_clock(ticket, ClockKind.REPLY, accepted(ticket), deadline, at=at)


def reopen_reply_clock(ticket: Ticket, reopened_at: dt.datetime) -> list[Replaced]:
    """R7.2: a reopened ticket gets a new 1-working-day formal reply clock from the reopening."""
    deadline = rules.reply_due(reopened_at, level=Level.DIRECT, calendar=get_calendar())
    reopened = ReopenedDeadline(deadline.due, deadline.provisional)
    return set_clock(ticket, ClockKind.REPLY, reopened_at, reopened, at=reopened_at)


def followup_clock(ticket: Ticket, sent_at: dt.datetime) -> list[Replaced]:
    """R4.6: the follow-up is due 48 clock hours after the formal reply is sent."""
    return set_clock(ticket, ClockKind.FOLLOWUP, sent_at, rules.followup_due(sent_at), at=sent_at)


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
    clocks.append(new_clock(ticket, ClockKind.SOURCE, ticket.received_at, deadline))
    show_nearest(ticket, clocks)


def report_back_clock(ticket: Ticket, approved_at: dt.datetime) -> list[Replaced]:
    """R2.6: approving a referral's formal reply starts the report-back clock of the round, due at the end of
    that day (Asia/Shanghai)."""
    due = end_of_day(timezone.localtime(approved_at).date())
    return set_clock(ticket, ClockKind.REPORT_BACK, approved_at, ReportBackDeadline(due), at=approved_at)


def meet_report_back(ticket: Ticket, at: dt.datetime) -> int:
    """R2.6: a report back meets every report-back clock still open (any round) and the source's deadline."""
    met = 0
    for clock in Clock.objects.live().filter(
        ticket=ticket, kind__in=(ClockKind.REPORT_BACK, ClockKind.SOURCE), met_at__isnull=True
    ):
        mark_met(ticket, clock, at)
        clock.save(update_fields=["met_at", "on_time"])
        met += 1
    return met
