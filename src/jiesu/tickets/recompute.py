"""R5.3: when the calendar changes for some years (an import or an override), every open deadline that
depends on those years is recomputed, inside the calendar change's transaction.

One set-based pass, whatever the number of tickets: the open clocks are read in chunks (a few queries per
chunk, never per ticket), their new due instants computed in Python from the pure calendar functions, and
written back in bulk. R4.9: a moved clock is never rewritten — it ends as superseded and a new clock starts;
one that had already passed keeps its breach (recorded now if the sweep had not yet done so) and is counted.
Each ticket with a moved deadline gets one history row (before → after, R10.4) and, where its nearest
deadline changed, its stored next deadline (R4.8).

A deadline whose instant stays the same is not changed: it is only confirmed, or marked provisional again (R5.3,
the usual case when a year's official arrangement replaces the fallback data, where most deadlines stand). Its
clock keeps its row with the new mark, and no ticket history row is written for it: nothing a unit is judged
on moved, and the calendar change itself is in the calendar's own append-only log (``CalendarChange``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jiesu.tickets import clockwork
from jiesu.tickets.models import Breach, Clock, ClockKind, CohandlingRequest, Event, Level, Ticket
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.core import WorkCalendar
from jiesu.workcalendar.selectors import get_calendar

# Only working-day clocks depend on the calendar (R4.2 reply levels, R4.4 co-handling).
_CALENDAR_CLOCKS = (ClockKind.INITIAL_REPLY, ClockKind.REPLY)
_STUDIED = (Level.DEPARTMENT, Level.SCHOOL)
CHUNK = 2000  # clocks per chunk: a few statements each, bounded parameter lists on both databases

_FIELDS = (
    "id",
    "ticket_id",
    "kind",
    "round",
    "started_at",
    "due_at",
    "provisional",
    "breached_at",
    "soon_notified_at",
    "carries_miss",
    "ticket__level",
    "ticket__lead_unit_id",
)


def _years_q(field: str, years: Iterable[int]) -> Q:
    q = Q()
    for year in years:
        start = dt.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
        # A deadline may end a few days into the next year (end of day D is D+1 00:00).
        q |= Q(
            **{f"{field}__gte": start, f"{field}__lt": start.replace(year=year + 1) + dt.timedelta(days=15)}
        )
    return q


def _shown(due: dt.datetime, provisional: bool) -> str:
    return f"{timezone.localtime(due).isoformat()}{' provisional' if provisional else ''}"


@dataclass(frozen=True)
class _Due:
    """A clock's new deadline, with its rule in words rendered once."""

    due: dt.datetime
    provisional: bool
    rule_text: str


class _Rules:
    """The calendar rule of each open clock (as ``clockwork`` sets it), memoized per rule and local start day:
    a working-day deadline depends only on the day its clock started (R4.2, 民法典 Art. 201), so a pass over
    100,000 clocks computes a few hundred deadlines and renders as many rule texts."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.memo: dict[tuple[str, dt.date], _Due] = {}

    def deadline(self, kind: str, round_: int, level: str, started: dt.datetime) -> _Due | None:
        """None for a clock that does not follow the calendar (a planned date, R4.2)."""
        if kind not in _CALENDAR_CLOCKS:
            return None
        if round_ > 1:
            if kind != ClockKind.REPLY:
                return None
            rule = "reopened"  # R7.2: 1 working day from the reopening
        elif kind == ClockKind.INITIAL_REPLY:
            if level not in _STUDIED:
                return None
            rule = level
        else:
            if level in _STUDIED:
                return None  # the formal reply is due on the planned date
            rule = Level.DIRECT  # direct, or the default reply clock of a ticket without a level
        key = (rule, started.astimezone(rules.SHANGHAI).date())  # the day the calendar counts from
        found = self.memo.get(key)
        if found is None:
            due = rules.reply_due(
                started, level=Level.DIRECT if rule == "reopened" else rule, calendar=self.calendar
            )
            text = clockwork.ReopenedDeadline(due.due).rule_text if rule == "reopened" else due.rule_text
            found = _Due(due.due, due.provisional, str(text)[:200])
            self.memo[key] = found
        return found


@dataclass
class _Pass:
    """What one recomputation changes, gathered chunk by chunk."""

    now: dt.datetime
    changed: int = 0
    moved: set[int] = field(default_factory=set)  # tickets with a clock replaced: their nearest may change
    before: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    after: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    texts: dict[tuple[dt.datetime, bool], str] = field(default_factory=dict)

    def shown(self, due: dt.datetime, provisional: bool) -> str:
        """A deadline as the history row shows it; deadlines fall at the end of a day, so few distinct ones."""
        key = (due, provisional)
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = _shown(due, provisional)
        return text


def _lock_tickets(clocks: QuerySet[Clock]) -> None:
    """Lock the tickets of a chunk's clocks first, as every service does before touching clocks (no lock-order
    deadlock with a unit acting on one of them); SQLite's write transaction already excludes other writers."""
    if connection.vendor == "postgresql":
        list(
            Ticket.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk__in=clocks.values("ticket_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _clock_chunk(rows: list[tuple[Any, ...]], found: _Rules, run: _Pass) -> None:
    now = run.now
    superseded: list[int] = []
    newly_breached: list[int] = []
    breaches: list[Breach] = []
    clocks: list[Clock] = []
    counted: Counter[int] = Counter()
    confirmed: dict[bool, list[int]] = defaultdict(list)
    for cid, tid, kind, round_, started, due, provisional, breached, notified, carries, level, unit in rows:
        deadline = found.deadline(kind, round_, level, started)
        if deadline is None or (deadline.due, deadline.provisional) == (due, provisional):
            continue
        if deadline.due == due:
            # R5.3: the same instant, now resting on official data (or back on fallback data): the deadline
            # stands, so nothing is replaced (R4.9) and the clock keeps its row with the new mark.
            confirmed[deadline.provisional].append(cid)
            continue
        run.before[tid][kind] = run.shown(due, provisional)
        run.after[tid][kind] = run.shown(deadline.due, deadline.provisional)
        run.moved.add(tid)
        missed = due <= now
        superseded.append(cid)
        if missed:
            if not carries:
                counted[tid] += 1  # R4.9: the miss stays counted (a carried one was counted already)
            if breached is None:
                newly_breached.append(cid)
                breaches.append(
                    Breach(
                        ticket_id=tid,
                        clock_id=cid,
                        kind=kind,
                        round=round_,
                        unit_id=unit,
                        due_at=due,
                        recorded_at=now,
                    )
                )
        soon = clockwork.soon_at(started, deadline.due)
        clocks.append(
            Clock(
                ticket_id=tid,
                kind=kind,
                round=round_,
                started_at=started,
                due_at=deadline.due,
                soon_at=soon,
                provisional=deadline.provisional,
                rule=deadline.rule_text,
                carries_miss=missed or carries,
                # A window that moved into the future is told "due soon" again; one already told stays told.
                soon_notified_at=notified if notified is not None and soon <= now else None,
            )
        )
    for mark, ids in confirmed.items():
        Clock.objects.filter(pk__in=ids).update(provisional=mark)
        run.changed += len(ids)
    if not superseded:
        return
    # The old clocks end first: the new ones take their place under the one-live-clock-per-round constraint.
    Clock.objects.filter(pk__in=superseded).update(superseded_at=now)
    if newly_breached:
        Clock.objects.filter(pk__in=newly_breached).update(breached_at=now)
        Breach.objects.bulk_create(breaches)
    Clock.objects.bulk_create(clocks)
    by_increment: dict[int, list[int]] = defaultdict(list)
    for tid, n in counted.items():
        by_increment[n].append(tid)
    for n, tids in by_increment.items():
        Ticket.objects.filter(pk__in=tids).update(overdue_count=F("overdue_count") + n)
    run.changed += len(superseded)


def _recompute_clocks(years: set[int], found: _Rules, run: _Pass) -> None:
    candidates = Clock.objects.live().filter(
        _years_q("started_at", years) | _years_q("due_at", years),
        kind__in=_CALENDAR_CLOCKS,
        met_at__isnull=True,
    )
    # The clocks this pass creates come after the last existing id: they are never read back.
    last = Clock.objects.aggregate(last=Max("id"))["last"] or 0
    after = 0
    while after < last:
        # A chunk is a range of ids holding CHUNK candidates (the last one's id found by the database).
        end = candidates.filter(id__gt=after, id__lte=last).order_by("id").values_list("id", flat=True)
        upto = next(iter(end[CHUNK - 1 : CHUNK]), last)
        chunk = candidates.filter(id__gt=after, id__lte=upto)
        _lock_tickets(chunk)
        # Read under the lock: a clock met or replaced meanwhile is left alone.
        _clock_chunk(list(chunk.order_by("id").values_list(*_FIELDS)), found, run)
        after = upto


def _recompute_cohandling(years: set[int], calendar: WorkCalendar, run: _Pass) -> None:
    """R4.4: unanswered co-handling requests whose deadline has not passed move with the calendar (a passed
    one keeps its miss, R4.9); the change is in the ticket's history row."""
    items = list(
        CohandlingRequest.objects.filter(
            _years_q("requested_at", years) | _years_q("due_at", years),
            answered_at__isnull=True,
            due_at__gt=run.now,
        ).select_related("unit")
    )
    changed = []
    for item in items:
        deadline = rules.cohandling_due(item.requested_at, calendar=calendar)
        if (deadline.due, deadline.provisional) == (item.due_at, item.provisional):
            continue
        if deadline.due != item.due_at:  # moved; one only confirmed (R5.3) is not in the history
            key = f"cohandling {item.unit.name}"
            run.before[item.ticket_id][key] = _shown(item.due_at, item.provisional)
            run.after[item.ticket_id][key] = _shown(deadline.due, deadline.provisional)
        item.due_at, item.provisional = deadline.due, deadline.provisional
        item.soon_at = clockwork.soon_at(item.requested_at, deadline.due)
        if item.soon_at > run.now:
            item.soon_notified_at = None  # the new window's "due soon" is told again by the sweep
        changed.append(item)
    CohandlingRequest.objects.bulk_update(
        changed, ["due_at", "provisional", "soon_at", "soon_notified_at"], batch_size=CHUNK
    )
    run.changed += len(changed)


def _refresh_nearest(ticket_ids: list[int], run: _Pass) -> None:
    """R4.8: the stored nearest deadline of the tickets whose clocks moved, set-based. Only the rows whose
    nearest deadline actually changed are rewritten: a moved clock is often not the nearest one, and each
    rewritten ticket row costs a write to every index of the busiest table."""
    nearest = (
        Clock.objects.live().filter(ticket_id=OuterRef("pk"), met_at__isnull=True).order_by("due_at", "id")
    )
    fresh = {
        "next_due_at": Subquery(nearest.values("due_at")[:1]),
        "next_soon_at": Subquery(nearest.values("soon_at")[:1]),
        "next_clock": Coalesce(Subquery(nearest.values("kind")[:1]), Value("")),
    }
    for start in range(0, len(ticket_ids), CHUNK):
        rows = (
            Ticket.objects.filter(pk__in=ticket_ids[start : start + CHUNK])
            .annotate(**{f"fresh_{name}": value for name, value in fresh.items()})
            .values_list("pk", *fresh, *(f"fresh_{name}" for name in fresh))
        )
        stale = [row[0] for row in rows if row[1:4] != row[4:7]]
        if stale:
            Ticket.objects.filter(pk__in=stale).update(**fresh, updated_at=run.now)


def _refresh_tickets(ticket_ids: list[int], years: set[int], run: _Pass) -> None:
    """The tickets' stored nearest deadline (R4.8) and one history row per changed ticket (R10.4)."""
    _refresh_nearest(sorted(run.moved), run)
    reason = f"calendar changed for {sorted(years)}"
    Event.objects.bulk_create(
        (
            Event(
                ticket_id=tid,
                at=run.now,
                actor=None,
                action="recompute_deadlines",
                before=run.before[tid],
                after=run.after[tid],
                reason=reason,
            )
            for tid in ticket_ids
        ),
        batch_size=CHUNK,
    )


def recompute_open_deadlines(years: set[int]) -> int:
    """Recompute every open reply clock (tickets without a level included) and unanswered co-handling clock
    touching ``years``; returns how many deadlines changed."""
    if not years:
        return 0
    calendar = get_calendar()
    run = _Pass(now=timezone.now())
    _recompute_clocks(years, _Rules(calendar), run)
    _recompute_cohandling(years, calendar, run)
    tickets = sorted(run.after)
    if tickets:
        _refresh_tickets(tickets, years, run)
    return run.changed
