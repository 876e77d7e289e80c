"""Reads of supervision orders (R8.2) and inspections (R8.5), scoped by ``permissions``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jiesu.org.models import Unit, User
from jiesu.supervision.models import Inspection, Order
from jiesu.supervision.permissions import order_unit_ids
from jiesu.supervision.states import OPEN, OrderState


def visible_orders(user: User | Any) -> QuerySet[Order]:
    units = order_unit_ids(user)
    orders = Order.objects.select_related("unit", "ticket", "issued_by")
    return orders if units is None else orders.filter(unit_id__in=units)


def get_order_for(user: User | Any, pk: int) -> Order:
    """The order, or 404 when ``user`` may not see it."""
    order = visible_orders(user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


@dataclass
class BoardRow:
    unit: Unit
    by_state: dict[str, list[Order]] = field(default_factory=dict)
    overdue: int = 0


def board(user: User | Any, *, now: dt.datetime, include_closed: bool = False) -> list[BoardRow]:
    """Open orders (or all) by unit and state, units in directory order: one query."""
    orders = visible_orders(user)
    if not include_closed:
        orders = orders.filter(state__in=sorted(OPEN))
    rows: dict[int, BoardRow] = {}
    for order in orders.order_by("unit__sort_order", "unit_id", "deadline_at", "id"):
        row = rows.setdefault(order.unit_id, BoardRow(order.unit))
        row.by_state.setdefault(order.state, []).append(order)
        if order.state in (OrderState.ISSUED, OrderState.RETURNED) and order.deadline_at <= now:
            row.overdue += 1
    return list(rows.values())


def orders_on_ticket(ticket_id: int) -> QuerySet[Order]:
    return Order.objects.filter(ticket_id=ticket_id).order_by("-issued_at")


def inspections() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("unit", "created_by")
