"""R8.2: the sweep's part for supervision orders — waiting orders past their next escalation instant, oldest
first. The worker calls ``take_escalations`` inside its transaction and notifies the returned people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from jiesu.org.models import User
from jiesu.org.selectors import leaders_in_charge, unit_heads
from jiesu.supervision.models import Order
from jiesu.supervision.services.orders import order_escalate
from jiesu.supervision.states import WAITING


@dataclass(frozen=True)
class Escalation:
    order_id: int
    ticket_id: int | None
    subject: str
    step: int  # 1: the unit head; 2: the leader in charge
    deadline_at: dt.datetime
    recipients: tuple[User, ...]


def _due(now: dt.datetime) -> object:
    return Order.objects.filter(
        state__in=sorted(WAITING), next_escalation_at__isnull=False, next_escalation_at__lte=now
    )


def pending_ids(now: dt.datetime, size: int) -> list[int]:
    """One probe of the partial index ``order_escalation_pending`` (an idle sweep costs only this)."""
    return list(_due(now).order_by("next_escalation_at", "id").values_list("id", flat=True)[:size])  # type: ignore[attr-defined]


def take_escalations(now: dt.datetime, ids: list[int]) -> list[Escalation]:
    """Lock the orders (skipping those another sweep holds), escalate each one step, and say who to tell.
    Must run inside the caller's transaction, with the notifications."""
    rows = _due(now).filter(pk__in=ids).order_by("next_escalation_at", "id")  # type: ignore[attr-defined]
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, no_key=True)
    orders = list(rows)
    if not orders:
        return []
    first = [o.unit_id for o in orders if o.escalation == 0]
    second = [o.unit_id for o in orders if o.escalation >= 1]
    heads = unit_heads(first) if first else {}
    leaders = leaders_in_charge(second) if second else {}
    taken = []
    for order in orders:
        people = [heads[order.unit_id]] if order.escalation == 0 and order.unit_id in heads else []
        if order.escalation >= 1:
            people = leaders.get(order.unit_id, [])
        order_escalate(order=order, now=now, recipients=people)
        taken.append(
            Escalation(
                order.pk, order.ticket_id, order.subject, order.escalation, order.deadline_at, tuple(people)
            )
        )
    return taken
