"""Reads about the organization: who holds which role where, and the hotline directory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from jiesu.org.models import Hotline, Membership, Role, User

_CACHE_ATTR = "_jiesu_roles"


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    unit_id: int | None
    unit_name: str | None


@dataclass(frozen=True)
class RoleSet:
    """The roles one person holds, resolved from their memberships in one query."""

    grants: tuple[RoleGrant, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def has(self, *roles: Role) -> bool:
        """True when the person holds any of ``roles``."""
        return any(g.role in roles for g in self.grants)

    def unit_ids(self, *roles: Role) -> frozenset[int]:
        """Units in which the person holds any of ``roles`` (all unit roles when none given)."""
        return frozenset(
            g.unit_id for g in self.grants if g.unit_id is not None and (not roles or g.role in roles)
        )

    @property
    def is_office(self) -> bool:
        return self.has(Role.DISPATCHER, Role.DUTY_OPERATOR)

    @property
    def is_staff_member(self) -> bool:
        """Holds any role at all; people with none are only requesters."""
        return bool(self.grants)


def roles_for(user: User | Any) -> RoleSet:
    """Resolve a person's roles in one query, cached on the user object for the request. Memberships in
    inactive units do not count; school-wide ones (no unit) do."""
    if not getattr(user, "is_authenticated", False):
        return RoleSet()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = (
        Membership.objects.filter(user=user)
        .filter(Q(unit__isnull=True) | Q(unit__is_active=True))
        .values_list("role", "unit_id", "unit__name")
    )
    grants = tuple(
        sorted((RoleGrant(Role(r), u, n) for r, u, n in rows), key=lambda g: (g.role, g.unit_id or 0))
    )
    result = RoleSet(grants)
    setattr(user, _CACHE_ATTR, result)
    return result


def clear_roles_cache(user: User) -> None:
    """Forget the cached roles after memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def hotline_directory() -> list[Hotline]:
    """§11: every active unit's hotlines, in directory order, fetched in one query."""
    return list(
        Hotline.objects.filter(unit__is_active=True)
        .select_related("unit", "campus")
        .order_by("unit__sort_order", "unit_id", "campus__sort_order")
    )


def leaders_in_charge(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """The school leaders in charge of each unit (分管校领导): active people holding the leader role *in* that
    unit. A unit with none assigned falls back to the school-wide leaders, so an escalation always reaches
    someone. One query for the assigned leaders, one more only when a unit has none."""
    wanted = set(unit_ids)
    found: dict[int, list[User]] = {u: [] for u in wanted}
    rows = (
        Membership.objects.filter(role=Role.LEADER, unit_id__in=wanted, user__is_active=True)
        .select_related("user")
        .order_by("unit_id", "user_id")
    )
    for m in rows:
        found[int(m.unit_id)].append(m.user)  # type: ignore[arg-type]  # filtered on unit_id
    if any(not people for people in found.values()):
        school = [
            m.user
            for m in Membership.objects.filter(role=Role.LEADER, unit__isnull=True, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        ]
        for unit_id, people in found.items():
            if not people:
                found[unit_id] = list(school)
    return found


def unit_heads(unit_ids: Iterable[int]) -> dict[int, User]:
    """Each unit's head (R3.1: at most one), active people only, in one query."""
    return {
        int(m.unit_id): m.user  # type: ignore[arg-type]  # heads always have a unit
        for m in Membership.objects.filter(
            role=Role.UNIT_HEAD, unit_id__in=set(unit_ids), user__is_active=True
        ).select_related("user")
    }
