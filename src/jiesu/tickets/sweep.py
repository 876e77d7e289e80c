"""The minute sweep's ticket side (R4.8): record each newly breached clock once, mark clocks newly due soon.

Every query here reads a partial index of clocks not yet swept (``clock_breach_pending``,
``clock_soon_pending``, and the co-handling pair), in deadline order and in batches, so a sweep costs in
proportion to the clocks that newly became due — not to the number of open tickets. The caller (the worker)
runs each batch in one transaction together with the notifications it queues, so a sweep killed half-way
leaves every batch either fully recorded and notified or not touched; the next sweep takes up the rest.

Several sweeps at once (several workers) never record a breach twice: on PostgreSQL a batch's rows are
locked with ``FOR UPDATE SKIP LOCKED`` (another sweep takes the next rows), on SQLite the write transaction
(``BEGIN IMMEDIATE``) serializes sweeps; the unique constraints on ``Breach.clock`` / ``Breach.cohandling``
are the last line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from jiesu.tickets.models import Breach, Clock, ClockKind, CohandlingRequest
from jiesu.tickets.states import CLOSED_STATUSES

COHANDLING = "cohandling"


@dataclass(frozen=True)
class Batch:
    """How many rows a batch marked (the loop goes on while full batches come back) and what to tell."""

    taken: int
    alerts: list[ClockAlert]


@dataclass(frozen=True)
class ClockAlert:
    """One notification-worthy fact found by the sweep: ``due_soon``, ``followup_due`` or ``overdue``."""

    event: str
    ticket_id: int
    data: dict[str, Any] = field(default_factory=dict)


def _locked(qs: QuerySet[Any]) -> QuerySet[Any]:
    if connection.vendor == "postgresql":
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs  # SQLite: the IMMEDIATE transaction already holds the only write lock


Row = dict[str, Any]


def _take(
    model: type[Clock] | type[CohandlingRequest],
    *,
    unmet: str,
    mark: str,
    when: str,
    fields: tuple[str, ...],
    now: dt.datetime,
    limit: int | None,
    within: QuerySet[Any] | None = None,
) -> list[Row]:
    """Up to ``limit`` rows (of ``within``, or of every ticket) still unmet (``unmet`` empty) and not yet swept
    (``mark`` empty) whose ``when`` instant has passed, oldest first, marked swept at ``now``. Must run inside a
    transaction."""
    pending = {f"{unmet}__isnull": True, f"{mark}__isnull": True, f"{when}__lte": now}
    if model is Clock:
        pending["superseded_at__isnull"] = (
            True  # R4.9: a replaced clock is not open (its miss, if any, stays)
        )
    source = within if within is not None else model.objects  # type: ignore[attr-defined]
    query = _locked(source.filter(**pending).order_by(when, "id"))
    rows = list(query.values("id", "ticket_id", "due_at", "ticket__status", *fields)[:limit])
    if rows:
        model.objects.filter(pk__in=[r["id"] for r in rows]).update(**{mark: now})  # type: ignore[attr-defined]
    return rows


# R2.6: the report back to a referral's source (and the source's own deadline) outlive the ticket's closing.
OUTLIVE_CLOSING = frozenset({ClockKind.SOURCE, ClockKind.REPORT_BACK})


def _open(rows: list[Row]) -> list[Row]:
    """Rows of tickets still open: a closed ticket's forgotten clock is marked but neither breached nor told
    (except the report back to a referral's source, still owed after the follow-up closed the ticket)."""
    return [r for r in rows if r["ticket__status"] not in CLOSED_STATUSES or r.get("kind") in OUTLIVE_CLOSING]


def _data(row: Row) -> dict[str, Any]:
    if "unit_id" in row:  # a co-handling request: its asked unit is told (R4.4)
        return {"clock": COHANDLING, "unit_id": row["unit_id"], "due_at": row["due_at"].isoformat()}
    return {"clock": row["kind"], "round": row["round"], "due_at": row["due_at"].isoformat()}


def _breach(row: Row, now: dt.datetime) -> Breach:
    if "unit_id" in row:
        return Breach(
            ticket_id=row["ticket_id"],
            cohandling_id=row["id"],
            kind=COHANDLING,
            unit_id=row["unit_id"],
            due_at=row["due_at"],
            recorded_at=now,
        )
    return Breach(
        ticket_id=row["ticket_id"],
        clock_id=row["id"],
        kind=row["kind"],
        round=row["round"],
        unit_id=row["ticket__lead_unit_id"],
        due_at=row["due_at"],
        recorded_at=now,
    )


def _overdue(rows: list[Row], now: dt.datetime) -> Batch:
    """R4.8: record each newly missed deadline once (``Breach``) and alert it."""
    live = _open(rows)
    Breach.objects.bulk_create(_breach(r, now) for r in live)
    return Batch(len(rows), [ClockAlert("overdue", r["ticket_id"], _data(r)) for r in live])


def _soon(rows: list[Row], now: dt.datetime) -> Batch:
    """R4.8: a clock entering its due-soon window is told once, unless it is already overdue (that alert
    follows). A follow-up clock's alert is ``followup_due`` (R4.6: call the requester back)."""
    alerts = [
        ClockAlert(
            "followup_due" if r.get("kind") == ClockKind.FOLLOWUP else "due_soon", r["ticket_id"], _data(r)
        )
        for r in _open(rows)
        if r["due_at"] > now
    ]
    return Batch(len(rows), alerts)


_CLOCK_FIELDS = ("kind", "round", "ticket__lead_unit_id")


def _clocks(mark: str, when: str, now: dt.datetime, limit: int) -> list[Row]:
    return _take(Clock, unmet="met_at", mark=mark, when=when, fields=_CLOCK_FIELDS, now=now, limit=limit)


def _requests(mark: str, when: str, now: dt.datetime, limit: int) -> list[Row]:
    fields = ("unit_id",)
    return _take(
        CohandlingRequest, unmet="answered_at", mark=mark, when=when, fields=fields, now=now, limit=limit
    )


def breach_batch(now: dt.datetime, limit: int) -> Batch:
    """Clocks that passed their due instant unmet (R4.8)."""
    return _overdue(_clocks("breached_at", "due_at", now, limit), now)


def soon_batch(now: dt.datetime, limit: int) -> Batch:
    """Clocks that entered their due-soon window (R4.8)."""
    return _soon(_clocks("soon_notified_at", "soon_at", now, limit), now)


def cohandling_breach_batch(now: dt.datetime, limit: int) -> Batch:
    """R4.4: co-handling requests not answered within their working day."""
    return _overdue(_requests("breached_at", "due_at", now, limit), now)


def cohandling_soon_batch(now: dt.datetime, limit: int) -> Batch:
    """R4.4 / R4.8: co-handling requests entering their due-soon window."""
    return _soon(_requests("soon_notified_at", "soon_at", now, limit), now)


def breach_before_ending(clocks: QuerySet[Clock], now: dt.datetime) -> int:
    """R4.8 / R4.9, for a service about to end ``clocks`` (closing the ticket, R7.2): record now, in the caller's
    transaction, the breach of each one already past due that the sweep has not yet recorded — the same mark and
    ``Breach`` row the sweep writes, so a missed deadline is never erased by ending its clock. No alert: the
    ticket is being closed. Returns how many breaches were recorded."""
    rows = _take(
        Clock,
        unmet="met_at",
        mark="breached_at",
        when="due_at",
        fields=_CLOCK_FIELDS,
        now=now,
        limit=None,
        within=clocks,
    )
    Breach.objects.bulk_create(_breach(r, now) for r in rows)
    return len(rows)


BREACHES = (breach_batch, cohandling_breach_batch)
BATCHES = (breach_batch, soon_batch, cohandling_breach_batch, cohandling_soon_batch)


def settle(now: dt.datetime, batch: int = 1000) -> int:
    """Record the breaches of the past without alerts, and mark clocks already in their due-soon window as
    told — the state a running worker would have left. For demo data written after the fact (`jiesu
    demo-data`), so the worker's first sweep does not announce months-old deadlines. Returns breaches recorded."""
    recorded = 0
    for take in BATCHES:
        while True:
            with transaction.atomic():
                got = take(now, batch)
            if take in BREACHES:
                recorded += len(got.alerts)
            if got.taken < batch:
                break
    return recorded
