"""Reads of people and units: the units with their R3.1 standing, who holds which role, the log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jiesu.org.models import Membership, Role, Unit, User
from jiesu.people.models import PeopleLog

_ACTIVE_HEADS = Count(
    "memberships",
    filter=Q(memberships__role=Role.UNIT_HEAD, memberships__user__is_active=True),
    distinct=True,
)
_ACTIVE_OFFICERS = Count(
    "memberships",
    filter=Q(memberships__role=Role.INFO_OFFICER, memberships__user__is_active=True),
    distinct=True,
)


def units_with_standing() -> QuerySet[Unit]:
    """Every unit, active first, each annotated with ``heads`` and ``officers`` (active people only), in one
    query."""
    return (
        Unit.objects.annotate(heads=_ACTIVE_HEADS, officers=_ACTIVE_OFFICERS)
        .select_related("parent")
        .order_by("-is_active", "sort_order", "id")
    )


@dataclass(frozen=True)
class Breach:
    """An active unit that breaks R3.1, and how."""

    unit: Unit
    no_head: bool
    no_officer: bool


def rule_breaches() -> list[Breach]:
    """R3.1: active units without exactly one active head or without an active information officer."""
    rows = units_with_standing().filter(is_active=True).filter(~Q(heads=1) | Q(officers=0))
    return [Breach(unit=u, no_head=u.heads == 0, no_officer=u.officers == 0) for u in rows]  # type: ignore[attr-defined]


def unit_members(unit: Unit) -> list[Membership]:
    """The people holding a role in ``unit``: head first, then officers, then staff."""
    order = {Role.UNIT_HEAD: 0, Role.INFO_OFFICER: 1}
    rows = list(Membership.objects.filter(unit=unit).select_related("user"))
    return sorted(rows, key=lambda m: (order.get(Role(m.role), 2), m.role, m.user.full_name, m.pk))


def role_holders(*, query: str = "", role: str = "") -> QuerySet[Membership]:
    """Who has which role: searched by name, username, number or unit name, narrowed to one role."""
    rows = Membership.objects.select_related("user", "unit").order_by(
        "unit__sort_order", "unit_id", "role", "user_id"
    )
    if role in Role.values:
        rows = rows.filter(role=role)
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(user__full_name__icontains=query)
            | Q(user__username__icontains=query)
            | Q(user__number__icontains=query)
            | Q(unit__name__icontains=query)
        )
    return rows


def find_person(key: str) -> User | None:
    """The person whose student/staff number or username is ``key`` (exactly)."""
    key = key.strip()
    if not key:
        return None
    return User.objects.filter(Q(number=key) | Q(username=key)).order_by("-number").first()


def log_entries(*, unit: Unit | None = None) -> QuerySet[PeopleLog]:
    rows = PeopleLog.objects.select_related("actor", "unit", "person")
    return rows.filter(unit=unit) if unit is not None else rows
