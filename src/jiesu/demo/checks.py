"""Consistency checks of ticket histories, for the demo data (both paths) and its tests.

A ticket is consistent when its history starts with ``create``, runs forward in time, and its status is the
last status an event moved it to; its stored nearest deadline is its earliest unmet clock (R4.8); a ticket in
handling has a running reply clock (R4.2: the default one until the level is set); every met
clock knows whether it was on time; a replied or closed ticket has a sent formal reply approved by a head
(R4.3); and its overdue count is the number of clocks met late.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from jiesu.tickets.models import Clock, ClockKind, Event, Reply, Ticket
from jiesu.tickets.states import Status

REPLIED = frozenset({Status.REPLIED, Status.CLOSED, Status.CLOSED_UNSATISFIED})
REPLY_CLOCKS = frozenset({ClockKind.REPLY, ClockKind.INITIAL_REPLY})


def problems(tickets: Iterable[Ticket]) -> list[str]:
    """Every inconsistency found among ``tickets`` (empty when all are consistent). Four queries per call."""
    tickets = list(tickets)
    ids = [t.pk for t in tickets]
    events: dict[int, list[Event]] = defaultdict(list)
    for event in Event.objects.filter(ticket_id__in=ids).order_by("ticket_id", "at", "id"):
        events[event.ticket_id].append(event)
    clocks: dict[int, list[Clock]] = defaultdict(list)
    for clock in Clock.objects.filter(ticket_id__in=ids):
        clocks[clock.ticket_id].append(clock)
    sent: dict[int, list[Reply]] = defaultdict(list)
    for reply in Reply.objects.filter(ticket_id__in=ids, stage=Reply.Stage.FORMAL, state=Reply.State.SENT):
        sent[reply.ticket_id].append(reply)
    found: list[str] = []
    for ticket in tickets:
        found.extend(
            f"{ticket.number}: {p}"
            for p in _ticket_problems(ticket, events[ticket.pk], clocks[ticket.pk], sent[ticket.pk])
        )
    return found


def _ticket_problems(
    ticket: Ticket, events: list[Event], clocks: list[Clock], sent: list[Reply]
) -> list[str]:
    found = _history_problems(ticket, events)
    unmet = [
        c for c in clocks if c.met_at is None and c.superseded_at is None
    ]  # R4.9: superseded are not open
    nearest = min(unmet, key=lambda c: c.due_at) if unmet else None
    if (nearest.due_at if nearest else None) != ticket.next_due_at:
        found.append(f"next_due_at {ticket.next_due_at} is not the earliest unmet clock")
    if nearest and (ticket.next_clock != nearest.kind or ticket.next_soon_at != nearest.soon_at):
        found.append("next_clock / next_soon_at do not match the earliest unmet clock")
    for clock in clocks:
        ended = clock.on_time is None and ticket.status == Status.CLOSED_UNSATISFIED  # R7.2: neither
        if (
            clock.met_at is not None
            and not ended
            and clock.on_time != (clock.met_at <= clock.due_at and not clock.carries_miss)
        ):
            found.append(f"clock {clock.kind} on_time flag is wrong")
        if clock.soon_at > clock.due_at or clock.started_at > clock.due_at:
            found.append(f"clock {clock.kind} instants out of order")
    if ticket.status == Status.HANDLING and not any(c.kind in REPLY_CLOCKS for c in unmet):
        found.append("handling without a running reply clock (R4.2)")
    # Each missed commitment once (R4.9): met late, or superseded after it passed; a clock carrying a miss
    # already counted adds nothing.
    late = sum(
        1
        for c in clocks
        if not c.carries_miss
        and (
            # A clock ended by closing unsatisfied (on_time NULL, R7.2) counts when it had passed: the closing
            # records its breach if the sweep had not (R4.9).
            (c.met_at is not None and c.met_at > c.due_at and (c.on_time is not None or c.breached_at))
            or (c.superseded_at is not None and c.breached_at)
        )
    )
    if ticket.overdue_count != late:
        found.append(f"overdue_count {ticket.overdue_count} != {late} clocks met late or missed")
    if ticket.status in REPLIED:
        approved = [r for r in sent if r.reviewed_by_id and r.sent_at]
        if not approved:
            found.append("replied without an approved, sent formal reply")
        if ticket.next_due_at is None and ticket.status == Status.REPLIED and not ticket.anonymous:
            found.append("replied but no follow-up clock runs")
    return found


def _history_problems(ticket: Ticket, events: list[Event]) -> list[str]:
    if not events or events[0].action != "create":
        return ["history does not start with create"]
    found = []
    if events[0].at != ticket.received_at:
        found.append("create event is not at received_at")
    moves = [e for e in events if e.to_status]
    if moves and moves[-1].to_status != ticket.status:
        found.append(f"status {ticket.status} but the last move went to {moves[-1].to_status}")
    for before, after in zip(moves, moves[1:], strict=False):
        if after.from_status and after.from_status != before.to_status:
            found.append(f"{after.action} starts from {after.from_status}, history was in {before.to_status}")
    return found
