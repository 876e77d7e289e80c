"""Reads for the assessment, the dashboards and the public summary (R8.6, R8.7): grouped counts from the stored
columns, in the database (``values().annotate()``), never a loop over tickets.

The population is the tickets *received* in the period (Asia/Shanghai dates), grouped by any of ``unit`` (the
lead unit), ``week`` (Monday-based week of receipt), ``channel`` and ``type``. Three queries feed every figure:

* tickets: received, closures by status, repeats (R6.1), anonymous letters (R1.3);
* clocks of those tickets (R4.8 stored columns ``met_at``, ``on_time``, ``breached_at``): per kind, how many fell
  due and how many were met on time, and how many were missed — each deadline once, however often it was
  recomputed (R4.9, ``counted``);
* follow-ups of those tickets (R7.1): ratings by outcome, anonymous ones apart, and the satisfied-and-resolved
  closings (销账).

The tickets behind any count are given by ``figure_tickets`` (the drill-down list), with the same conditions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek

from jiesu.supervision.figures import CLOSED_EXPLAINED, CLOSED_UNREACHABLE, SHANGHAI, Period
from jiesu.supervision.models import Finding
from jiesu.tickets.models import Clock, ClockKind, Followup, FollowupOutcome, Ticket
from jiesu.tickets.states import Status

DIMENSIONS = ("unit", "week", "channel", "type")
# The clocks a unit answers for (R4.1–R4.3, R4.6); dispatch and mailbox triage are the Office's (R4.5, R4.7).
UNIT_CLOCKS = (ClockKind.RESPONSE, ClockKind.INITIAL_REPLY, ClockKind.REPLY, ClockKind.FOLLOWUP)
SATISFIED_OUTCOMES = (FollowupOutcome.SATISFIED, FollowupOutcome.BASICALLY_SATISFIED)
RATED_OUTCOMES = (*SATISFIED_OUTCOMES, FollowupOutcome.DISSATISFIED)

Key = tuple[Any, ...]


def inspection_findings(period: Period) -> dict[int | None, int]:
    """R8.5: findings (sampled tickets with a problem in any check) per lead unit, for the tickets received in
    ``period``; one grouped query. The assessment shows it beside the rates (it does not enter the score: no
    official weight is published)."""
    problem = Finding.Check.PROBLEM
    rows = (
        Finding.objects.filter(ticket__received_at__gte=period.start, ticket__received_at__lt=period.end)
        .filter(Q(response=problem) | Q(resolution=problem) | Q(satisfaction=problem))
        .values("ticket__lead_unit_id")
        .annotate(n=Count("ticket_id", distinct=True))
    )
    return {row["ticket__lead_unit_id"]: row["n"] for row in rows}


# -- conditions on one clock (R4.8, R4.9) ------------------------------------------------------------------
def met_on_time(prefix: str = "") -> Q:
    """Met before its due instant and never breached (a breach stays counted, R4.9)."""
    return Q(**{f"{prefix}on_time": True, f"{prefix}breached_at__isnull": True})


def missed(as_of: dt.datetime, prefix: str = "") -> Q:
    """Breached (recorded by the sweep), met late, or past due and still unmet at ``as_of``. A clock superseded
    before its due instant (R4.9, e.g. the default reply clock once the level is set) was never missed; one
    superseded after it carries its breach (``clockwork.supersede`` records it)."""
    return (
        Q(**{f"{prefix}breached_at__isnull": False})
        | Q(**{f"{prefix}on_time": False})
        | Q(
            **{
                f"{prefix}met_at__isnull": True,
                f"{prefix}superseded_at__isnull": True,
                f"{prefix}due_at__lte": as_of,
            }
        )
    )


def counted(prefix: str = "") -> Q:
    """R4.9 / R8.6: each deadline obligation counts once. A recomputation after a clock had passed (a planned date
    moved late, R4.2; a level or calendar change, R5.3) ends it superseded — missed, its breach recorded — and
    starts a clock of the same kind and round that carries the miss. That chain is one obligation, missed once:
    the superseded clock holds its miss; the carrying clock (never on time) is not counted again, just as it
    adds nothing to ``Ticket.overdue_count``. A missed clock that nothing of its kind replaced (a level change
    replacing the reply clock by an initial-reply clock) carries nothing on, so it stays counted."""
    return Q(**{f"{prefix}carries_miss": False})


def fell_due(as_of: dt.datetime, prefix: str = "") -> Q:
    """A clock that can be judged: met on time or missed. A running clock not yet due is not counted, nor one
    ended without a result (closed unsatisfied ends open clocks with ``on_time`` NULL, R7.2)."""
    return met_on_time(prefix) | missed(as_of, prefix)


# -- the counts -------------------------------------------------------------------------------------------
@dataclass
class Counts:
    """Every count of one group (a unit, a week, a channel …). Rates are derived in ``assessment``."""

    received: int = 0
    closed: int = 0  # status "closed": satisfied-and-resolved closings, plus repeats and anonymous letters
    closed_resolved: int = 0  # closed after a satisfied or basically satisfied, resolved follow-up (R7.2)
    closed_unsatisfied: int = 0  # R7.2: counts as unresolved
    closed_explained: int = 0  # R6.2: counted apart
    closed_unreachable: int = 0  # R7.3: counted apart
    repeats: int = 0  # R6.1
    anonymous: int = 0  # R1.3
    response_due: int = 0
    response_met: int = 0
    reply_due: int = 0
    reply_met: int = 0
    overdue: int = 0  # missed unit clocks (R4.8)
    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0
    unreachable_calls: int = 0  # follow-ups ending "unreachable": not a rating (R7.1)
    anonymous_ratings: int = 0  # R1.3: counted apart from the satisfaction rate
    findings: int = 0  # R8.5 inspection findings (see ``inspection_findings``)

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically + self.dissatisfied

    @property
    def closed_assessed(self) -> int:
        """The closings the resolution rate judges: resolved or closed unsatisfied."""
        return self.closed_resolved + self.closed_unsatisfied

    @property
    def closed_without_followup(self) -> int:
        """Status "closed" without a closing follow-up: repeats closed by their reply (R6.1) and anonymous
        letters closed when answered (R1.3). Counted apart."""
        return max(0, self.closed - self.closed_resolved)

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _group(by: tuple[str, ...], prefix: str) -> dict[str, Any]:
    """``values()`` arguments for the dimensions, aliased ``g_<name>`` (plain names clash with fields)."""
    paths = {"unit": "lead_unit_id", "channel": "channel", "type": "type"}
    group: dict[str, Any] = {}
    for name in by:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
        if name == "week":
            group["g_week"] = TruncWeek(f"{prefix}received_at", tzinfo=SHANGHAI)
        else:
            group[f"g_{name}"] = F(prefix + paths[name])
    return group


def _key(row: dict[str, Any], by: tuple[str, ...]) -> Key:
    values = []
    for name in by:
        value = row[f"g_{name}"]
        if name == "week" and isinstance(value, dt.datetime):
            value = value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
        values.append(value)
    return tuple(values)


def period_tickets(period: Period) -> QuerySet[Ticket]:
    """The tickets received in ``period`` (the ``ticket_received`` index serves the range)."""
    return Ticket.objects.filter(received_at__gte=period.start, received_at__lt=period.end)


def _ticket_rows(period: Period, by: tuple[str, ...]) -> QuerySet[Any, Any]:
    return (
        period_tickets(period)
        .order_by()
        .values(**_group(by, ""))
        .annotate(
            n_received=Count("id"),
            n_closed=Count("id", filter=Q(status=Status.CLOSED)),
            n_closed_unsatisfied=Count("id", filter=Q(status=Status.CLOSED_UNSATISFIED)),
            n_closed_explained=Count("id", filter=Q(status=CLOSED_EXPLAINED)),
            n_closed_unreachable=Count("id", filter=Q(status=CLOSED_UNREACHABLE)),
            n_repeats=Count("id", filter=Q(repeat_of__isnull=False)),
            n_anonymous=Count("id", filter=Q(anonymous=True)),
        )
    )


def _clock_rows(period: Period, by: tuple[str, ...], as_of: dt.datetime) -> QuerySet[Any, Any]:
    return (
        Clock.objects.filter(
            counted(),
            ticket__received_at__gte=period.start,
            ticket__received_at__lt=period.end,
            kind__in=UNIT_CLOCKS,
        )
        .order_by()
        .values("kind", **_group(by, "ticket__"))
        .annotate(met=Count("id", filter=met_on_time()), missed=Count("id", filter=missed(as_of)))
    )


def _followup_rows(period: Period, by: tuple[str, ...]) -> QuerySet[Any, Any]:
    named = Q(ticket__anonymous=False)
    return (
        Followup.objects.filter(ticket__received_at__gte=period.start, ticket__received_at__lt=period.end)
        .order_by()
        .values(**_group(by, "ticket__"))
        .annotate(
            n_satisfied=Count("id", filter=named & Q(outcome=FollowupOutcome.SATISFIED)),
            n_basically=Count("id", filter=named & Q(outcome=FollowupOutcome.BASICALLY_SATISFIED)),
            n_dissatisfied=Count("id", filter=named & Q(outcome=FollowupOutcome.DISSATISFIED)),
            n_unreachable_calls=Count("id", filter=named & Q(outcome=FollowupOutcome.UNREACHABLE)),
            n_anonymous_ratings=Count("id", filter=Q(ticket__anonymous=True, outcome__in=RATED_OUTCOMES)),
            n_closed_resolved=Count(
                "id", filter=Q(ticket__status=Status.CLOSED, resolved=True, outcome__in=SATISFIED_OUTCOMES)
            ),
        )
    )


_TICKET_FIELDS = (
    "received",
    "closed",
    "closed_unsatisfied",
    "closed_explained",
    "closed_unreachable",
    "repeats",
    "anonymous",
)
_FOLLOWUP_FIELDS = (
    "satisfied",
    "basically",
    "dissatisfied",
    "unreachable_calls",
    "anonymous_ratings",
    "closed_resolved",
)


PARTS = ("tickets", "clocks", "followups")


def _add_plain(
    groups: dict[Key, Counts], rows: Iterable[dict[str, Any]], by: tuple[str, ...], names: tuple[str, ...]
) -> None:
    for row in rows:
        c = groups.setdefault(_key(row, by), Counts())
        for name in names:
            setattr(c, name, getattr(c, name) + row[f"n_{name}"])  # annotations are n_<field>


def _add_clocks(groups: dict[Key, Counts], rows: Iterable[dict[str, Any]], by: tuple[str, ...]) -> None:
    for row in rows:
        c = groups.setdefault(_key(row, by), Counts())
        if row["kind"] == ClockKind.RESPONSE:
            c.response_due += row["met"] + row["missed"]
            c.response_met += row["met"]
        elif row["kind"] == ClockKind.REPLY:
            c.reply_due += row["met"] + row["missed"]
            c.reply_met += row["met"]
        c.overdue += row["missed"]


def counts(
    period: Period, by: tuple[str, ...], *, as_of: dt.datetime, parts: tuple[str, ...] = PARTS
) -> dict[Key, Counts]:
    """Every count of the period, grouped by the dimensions ``by``: one grouped query per part (three, four
    with inspections), whatever the number of tickets. ``parts`` leaves out the queries a caller does not need
    (a chart of volumes needs only the tickets)."""
    groups: dict[Key, Counts] = {}
    if "tickets" in parts:
        _add_plain(groups, _ticket_rows(period, by), by, _TICKET_FIELDS)
    if "clocks" in parts:
        _add_clocks(groups, _clock_rows(period, by, as_of), by)
    if "followups" in parts:
        _add_plain(groups, _followup_rows(period, by), by, _FOLLOWUP_FIELDS)
    if by == ("unit",) and parts == PARTS:
        for unit_id, n in inspection_findings(period).items():
            groups.setdefault((unit_id,), Counts()).findings += n
    return groups


def merge(*parts: dict[Key, Counts]) -> dict[Key, Counts]:
    """Counts of the same grouping from separate queries, added key by key."""
    merged: dict[Key, Counts] = {}
    for groups in parts:
        for key, c in groups.items():
            merged.setdefault(key, Counts()).add(c)
    return merged


def fold(groups: dict[Key, Counts], by: tuple[str, ...], keep: tuple[str, ...]) -> dict[Key, Counts]:
    """Regroup counts by fewer dimensions (sums over the groups, never over tickets)."""
    index = [by.index(name) for name in keep]
    folded: dict[Key, Counts] = {}
    for key, c in groups.items():
        folded.setdefault(tuple(key[i] for i in index), Counts()).add(c)
    return folded


# -- the tickets behind a count (drill-down) --------------------------------------------------------------
def _has_clock(kind_q: Q, condition: Q) -> Exists:
    """Tickets with a clock counted in the figure (the same ``counted`` clocks as ``counts``)."""
    return Exists(Clock.objects.filter(kind_q, condition, counted(), ticket=OuterRef("pk")))


def _has_followup(condition: Q) -> Exists:
    return Exists(Followup.objects.filter(condition, ticket=OuterRef("pk")))


def _closing_followup() -> Exists:
    return _has_followup(Q(resolved=True, outcome__in=SATISFIED_OUTCOMES))


Narrow = Callable[[QuerySet[Ticket], dt.datetime], QuerySet[Ticket]]


def _clock_figure(kind: str, which: str) -> Narrow:
    def narrow(qs: QuerySet[Ticket], as_of: dt.datetime) -> QuerySet[Ticket]:
        condition = met_on_time() if which == "met" else fell_due(as_of)
        return qs.filter(_has_clock(Q(kind=kind), condition))

    return narrow


def _rating(*outcomes: str) -> Narrow:
    def narrow(qs: QuerySet[Ticket], as_of: dt.datetime) -> QuerySet[Ticket]:
        return qs.filter(anonymous=False).filter(_has_followup(Q(outcome__in=outcomes)))

    return narrow


def _status(status: str, *, extra: Q | None = None) -> Narrow:
    def narrow(qs: QuerySet[Ticket], as_of: dt.datetime) -> QuerySet[Ticket]:
        qs = qs.filter(status=status)
        return qs.filter(extra) if extra is not None else qs

    return narrow


# Each figure's tickets; ``assessment.FIGURE_LABELS`` names them for people.
FIGURES: dict[str, Narrow] = {
    "received": lambda qs, as_of: qs,
    "response_due": _clock_figure(ClockKind.RESPONSE, "due"),
    "response_met": _clock_figure(ClockKind.RESPONSE, "met"),
    "reply_due": _clock_figure(ClockKind.REPLY, "due"),
    "reply_met": _clock_figure(ClockKind.REPLY, "met"),
    "overdue": lambda qs, as_of: qs.filter(_has_clock(Q(kind__in=UNIT_CLOCKS), missed(as_of))),
    "closed_resolved": _status(Status.CLOSED, extra=Q(_closing_followup())),
    "closed_unsatisfied": _status(Status.CLOSED_UNSATISFIED),
    "closed_explained": _status(CLOSED_EXPLAINED),
    "closed_unreachable": _status(CLOSED_UNREACHABLE),
    "closed_without_followup": _status(Status.CLOSED, extra=~Q(_closing_followup())),
    "rated": _rating(*RATED_OUTCOMES),
    "satisfied": _rating(FollowupOutcome.SATISFIED),
    "basically": _rating(FollowupOutcome.BASICALLY_SATISFIED),
    "dissatisfied": _rating(FollowupOutcome.DISSATISFIED),
    "unreachable_calls": _rating(FollowupOutcome.UNREACHABLE),
    "repeats": lambda qs, as_of: qs.filter(repeat_of__isnull=False),
    "anonymous": lambda qs, as_of: qs.filter(anonymous=True),
}


def figure_tickets(
    base: QuerySet[Ticket], period: Period, *, unit_id: int | None, figure: str, as_of: dt.datetime
) -> QuerySet[Ticket]:
    """The tickets behind one count of one unit (``unit_id`` None: tickets not yet dispatched), within
    ``base`` (the person's visible tickets), newest first."""
    qs = base.filter(received_at__gte=period.start, received_at__lt=period.end, lead_unit_id=unit_id)
    return FIGURES[figure](qs, as_of).order_by("-received_at", "-id")
