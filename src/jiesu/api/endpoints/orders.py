"""Supervision orders 督办 (R8.2) over HTTP: the board as a paged list, one order with its log, and the moves
(issue, answer, review, withdraw). Thin: the same permission module, selectors and services as the order pages
(``jiesu.supervision``); the services decide whether a move is allowed (409) and by whom (403)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as HttpStatus

from jiesu.api.auth import caller
from jiesu.api.endpoints import inputs
from jiesu.api.endpoints.tickets import ERRORS
from jiesu.api.errors import InputError
from jiesu.api.schemas_supervision import (
    OrderAnswerIn,
    OrderDetail,
    OrderIssueIn,
    OrderPage,
    OrderQuery,
    OrderReviewIn,
    OrderWithdrawIn,
)
from jiesu.org.models import Unit, User
from jiesu.supervision import selectors_orders as reads
from jiesu.supervision.errors import NotAllowed
from jiesu.supervision.models import Order
from jiesu.supervision.permissions import may_see_orders, may_supervise, order_actors
from jiesu.supervision.services import orders as services
from jiesu.supervision.states import MOVES, WAITING, OrderLevel, OrderState

router = Router(tags=["supervision orders"])
MAX_ID = 2**63 - 1  # BigAutoField: a larger id is unknown, never a database overflow


def _person(user: User | None) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _row(order: Order, now: Any) -> dict[str, Any]:
    """One order; reads only ``visible_orders``' select_related columns (no query per row)."""
    return {
        "id": order.pk,
        "subject": order.subject,
        "unit": {"code": order.unit.code, "name": order.unit.name},
        "ticket": order.ticket.number if order.ticket is not None else None,
        "level": order.level,
        "level_label": str(OrderLevel(order.level).label),
        "state": order.state,
        "state_label": str(OrderState(order.state).label),
        "issued_at": order.issued_at,
        "issued_by": _person(order.issued_by),
        "deadline_at": order.deadline_at,
        "deadline_days": order.deadline_days,
        "provisional": order.provisional,
        "overdue": order.state in WAITING and order.deadline_at <= now,
        "escalation": order.escalation,
        "answered_at": order.answered_at,
        "answered_on_time": order.answered_on_time,
        "closed_at": order.closed_at,
    }


def _detail(user: User, order: Order) -> dict[str, Any]:
    actors = order_actors(user, order.unit_id)
    events = order.events.select_related("actor").order_by("at", "id")
    return {
        **_row(order, timezone.now()),
        "requirement": order.requirement,
        "answer": order.answer,
        "answered_by": _person(order.answered_by),
        "allowed_actions": [
            name for name, move in MOVES.items() if order.state in move.sources and actors & move.actors
        ],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "actor": _person(e.actor),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "text": e.text,
                "data": e.data,
            }
            for e in events
        ],
    }


def _board_reader(user: User) -> None:
    """Like the order pages: people with no part in supervision are refused whatever they ask for (403)."""
    if not may_see_orders(user):
        raise NotAllowed(_("You may not see supervision orders."))


def _order(user: User, pk: int) -> Order:
    """The order as the caller may see it: unknown and not visible are the same 404 (R10)."""
    _board_reader(user)
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return reads.get_order_for(user, pk)


def _fresh(user: User, order: Order) -> dict[str, Any]:
    """The order re-read after a move (the service worked on its own locked copy)."""
    return _detail(user, reads.get_order_for(user, order.pk))


def _active_unit(code: str | None) -> Unit | None:
    """A unit code of the order form: active units only, as the page's choice list."""
    if not code:
        return None
    found = inputs.unit(code, "unit")
    if not found.is_active:
        raise InputError(_("Unknown unit “%(code)s”.") % {"code": code}, field="unit")
    return found


@router.get("/orders", response={200: OrderPage, **ERRORS}, summary="Supervision orders, paged (R8.2)")
def order_list(request: HttpRequest, filters: Query[OrderQuery]) -> dict[str, Any]:
    """The orders the caller may see (supervisors and inspectors: all; unit members: their units'), newest
    first, filtered by unit code, state and level."""
    user = caller(request)
    _board_reader(user)
    orders = reads.visible_orders(user)
    if filters.unit:
        orders = orders.filter(unit=inputs.unit(filters.unit, "unit"))
    if filters.state:
        orders = orders.filter(state=filters.state)
    if filters.level:
        orders = orders.filter(level=filters.level)
    orders = orders.order_by("-issued_at", "-id")
    page = list(orders[filters.offset : filters.offset + filters.limit])
    count = len(page) if filters.offset == 0 and len(page) < filters.limit else orders.count()
    now = timezone.now()
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_row(o, now) for o in page],
    }


@router.get(
    "/orders/{order_id}",
    response={200: OrderDetail, **ERRORS},
    summary="One supervision order with its answer and log (404 when not visible)",
)
def order_detail(request: HttpRequest, order_id: int) -> dict[str, Any]:
    user = caller(request)
    return _detail(user, _order(user, order_id))


@router.post(
    "/orders",
    response={201: OrderDetail, **ERRORS},
    summary="Issue a supervision order (the Office and school leaders, R8.2)",
)
def order_issue(request: HttpRequest, payload: OrderIssueIn) -> HttpStatus[dict[str, Any]]:
    """On a ticket (``ticket``: it goes to the ticket's lead unit) or on a unit's matter (``unit``); the
    deadline is ``days`` working days, by default the level's."""
    user = caller(request)
    if not may_supervise(user):
        raise NotAllowed(_("Only the Office and school leaders issue supervision orders."))
    order = services.order_issue(
        actor=user,
        ticket=inputs.visible_ticket(user, payload.ticket, "ticket"),
        unit=_active_unit(payload.unit),
        subject=payload.subject,
        requirement=payload.requirement,
        level=payload.level,
        days=payload.days,
    )
    return HttpStatus(201, _fresh(user, order))


@router.post(
    "/orders/{order_id}/answer",
    response={200: OrderDetail, **ERRORS},
    summary="Answer an order in writing (the ordered unit's people, R8.2)",
)
def order_answer(request: HttpRequest, order_id: int, payload: OrderAnswerIn) -> dict[str, Any]:
    user = caller(request)
    order = services.order_answer(actor=user, order=_order(user, order_id), answer=payload.answer)
    return _fresh(user, order)


@router.post(
    "/orders/{order_id}/review",
    response={200: OrderDetail, **ERRORS},
    summary="Accept or return the unit's answer (the Office and school leaders, R8.2)",
)
def order_review(request: HttpRequest, order_id: int, payload: OrderReviewIn) -> dict[str, Any]:
    user = caller(request)
    order = services.order_review(
        actor=user,
        order=_order(user, order_id),
        accept=payload.decision == "accept",
        comment=payload.comment,
    )
    return _fresh(user, order)


@router.post(
    "/orders/{order_id}/withdraw",
    response={200: OrderDetail, **ERRORS},
    summary="Withdraw an open order, with a reason (the Office and school leaders, R8.2)",
)
def order_withdraw(request: HttpRequest, order_id: int, payload: OrderWithdrawIn) -> dict[str, Any]:
    user = caller(request)
    order = services.order_withdraw(actor=user, order=_order(user, order_id), reason=payload.reason)
    return _fresh(user, order)
