"""R8.2: the supervision order's states and the allowed moves, as data (checked by ``services.orders``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class OrderLevel(models.TextChoices):
    SUPERVISE = "supervise", _("Supervision (督办)")
    LISTED = "listed", _("Listed supervision (挂牌督办)")


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Awaiting the unit's written answer")
    ANSWERED = "answered", _("Answered, awaiting review")
    RETURNED = "returned", _("Returned for a new answer")
    ACCEPTED = "accepted", _("Accepted (closed)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OrderActor(StrEnum):
    SUPERVISOR = "supervisor"  # the Office or a school leader (issues, reviews, withdraws)
    UNIT = "unit"  # a member of the ordered unit (head, information officer, staff)
    SYSTEM = "system"  # the sweep


# The order still waits for the unit: its deadline runs and it escalates when missed.
WAITING = frozenset({OrderState.ISSUED, OrderState.RETURNED})
OPEN = frozenset({OrderState.ISSUED, OrderState.ANSWERED, OrderState.RETURNED})


@dataclass(frozen=True)
class OrderMove:
    name: str
    sources: frozenset[OrderState]
    target: OrderState | None  # None: the state does not change (escalation)
    actors: frozenset[OrderActor]
    label: str | Promise


def _move(
    name: str,
    sources: set[OrderState],
    target: OrderState | None,
    actors: set[OrderActor],
    label: str | Promise,
) -> OrderMove:
    return OrderMove(name, frozenset(sources), target, frozenset(actors), label)


MOVES: dict[str, OrderMove] = {
    m.name: m
    for m in (
        _move("answer", set(WAITING), OrderState.ANSWERED, {OrderActor.UNIT}, _("Answer in writing")),
        _move(
            "accept",
            {OrderState.ANSWERED},
            OrderState.ACCEPTED,
            {OrderActor.SUPERVISOR},
            _("Accept the answer"),
        ),
        _move(
            "return",
            {OrderState.ANSWERED},
            OrderState.RETURNED,
            {OrderActor.SUPERVISOR},
            _("Return the answer"),
        ),
        _move("withdraw", set(OPEN), OrderState.WITHDRAWN, {OrderActor.SUPERVISOR}, _("Withdraw the order")),
        _move("escalate", set(WAITING), None, {OrderActor.SYSTEM}, _("Escalate")),
    )
}
