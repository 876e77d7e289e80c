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


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def breach_batch(now: dt.datetime, limit: int) -> Batch:
    """Record up to ``limit`` clocks that passed their due instant unmet (oldest first); one alert each.

    Must run inside a transaction. Clocks of closed tickets are marked without an alert (nothing to do)."""
    rows = list(
        _locked(
            Clock.objects.filter(met_at__isnull=True, breached_at__isnull=True, due_at__lte=now).order_by(
                "due_at", "id"
            )
        ).values_list("id", "ticket_id", "kind", "round", "due_at", "ticket__lead_unit_id", "ticket__status")[
            :limit
        ]
    )
    if not rows:
        return Batch(0, [])
    Clock.objects.filter(pk__in=[r[0] for r in rows]).update(breached_at=now)
    alerts: list[ClockAlert] = []
    breaches: list[Breach] = []
    for clock_id, ticket_id, kind, round_, due_at, unit_id, status in rows:
        if status in CLOSED_STATUSES:
            continue
        breaches.append(
            Breach(
                ticket_id=ticket_id,
                clock_id=clock_id,
                kind=kind,
                round=round_,
                unit_id=unit_id,
                due_at=due_at,
                recorded_at=now,
            )
        )
        alerts.append(
            ClockAlert("overdue", ticket_id, {"clock": kind, "round": round_, "due_at": _iso(due_at)})
        )
    Breach.objects.bulk_create(breaches)
    return Batch(len(rows), alerts)


def soon_batch(now: dt.datetime, limit: int) -> Batch:
    """Mark up to ``limit`` clocks that entered their due-soon window (R4.8); alert those not yet overdue.

    A follow-up clock's alert is ``followup_due`` (R4.6: call the requester back), the others ``due_soon``."""
    rows = list(
        _locked(
            Clock.objects.filter(
                met_at__isnull=True, soon_notified_at__isnull=True, soon_at__lte=now
            ).order_by("soon_at", "id")
        ).values_list("id", "ticket_id", "kind", "round", "due_at", "ticket__status")[:limit]
    )
    if not rows:
        return Batch(0, [])
    Clock.objects.filter(pk__in=[r[0] for r in rows]).update(soon_notified_at=now)
    alerts = [
        ClockAlert(
            "followup_due" if kind == ClockKind.FOLLOWUP else "due_soon",
            ticket_id,
            {"clock": kind, "round": round_, "due_at": _iso(due_at)},
        )
        for _id, ticket_id, kind, round_, due_at, status in rows
        if due_at > now and status not in CLOSED_STATUSES
    ]
    return Batch(len(rows), alerts)


def cohandling_breach_batch(now: dt.datetime, limit: int) -> Batch:
    """R4.4: a co-handling request not answered within its working day; the asked unit is told."""
    rows = list(
        _locked(
            CohandlingRequest.objects.filter(
                answered_at__isnull=True, breached_at__isnull=True, due_at__lte=now
            ).order_by("due_at", "id")
        ).values_list("id", "ticket_id", "unit_id", "due_at", "ticket__status")[:limit]
    )
    if not rows:
        return Batch(0, [])
    CohandlingRequest.objects.filter(pk__in=[r[0] for r in rows]).update(breached_at=now)
    live = [r for r in rows if r[4] not in CLOSED_STATUSES]
    Breach.objects.bulk_create(
        Breach(
            ticket_id=ticket_id,
            cohandling_id=item_id,
            kind=COHANDLING,
            unit_id=unit_id,
            due_at=due_at,
            recorded_at=now,
        )
        for item_id, ticket_id, unit_id, due_at, _status in live
    )
    alerts = [
        ClockAlert("overdue", ticket_id, {"clock": COHANDLING, "unit_id": unit_id, "due_at": _iso(due_at)})
        for _id, ticket_id, unit_id, due_at, _status in live
    ]
    return Batch(len(rows), alerts)


def cohandling_soon_batch(now: dt.datetime, limit: int) -> Batch:
    rows = list(
        _locked(
            CohandlingRequest.objects.filter(
                answered_at__isnull=True, soon_notified_at__isnull=True, soon_at__lte=now
            ).order_by("soon_at", "id")
        ).values_list("id", "ticket_id", "unit_id", "due_at", "ticket__status")[:limit]
    )
    if not rows:
        return Batch(0, [])
    CohandlingRequest.objects.filter(pk__in=[r[0] for r in rows]).update(soon_notified_at=now)
    alerts = [
        ClockAlert("due_soon", ticket_id, {"clock": COHANDLING, "unit_id": unit_id, "due_at": _iso(due_at)})
        for _id, ticket_id, unit_id, due_at, status in rows
        if due_at > now and status not in CLOSED_STATUSES
    ]
    return Batch(len(rows), alerts)


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
