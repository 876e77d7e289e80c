"""Reads about the organization: who holds which role where, and the hotline directory."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection

from jiesu import fastsql
from jiesu.org.models import Campus, Hotline, Membership, Role, Unit, User

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
    """Resolve a person's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return RoleSet()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    # Every signed-in page and API call asks: hand-built SQL, a tenth of the ORM's cost (docs/performance.md).
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [user.pk])
        rows = cursor.fetchall()
    return remember_roles(user, rows)


def remember_roles(user: User, rows: Iterable[Sequence[Any]]) -> RoleSet:
    """Cache on ``user`` the roles in these rows — each ending with ``membership_columns()``, as any query
    joining ``membership_join()`` gives them — and return them. Memberships in inactive units do not count;
    school-wide ones (no unit) do."""
    active = fastsql.reader(Unit, "is_active")
    grants = tuple(
        sorted(
            (
                RoleGrant(Role(role), unit_id, unit_name)
                for *_other, role, unit_id, unit_name, unit_active in rows
                if role is not None and (unit_id is None or active(unit_active))
            ),
            key=lambda g: (g.role, g.unit_id or 0),
        )
    )
    result = RoleSet(grants)
    setattr(user, _CACHE_ATTR, result)
    return result


def membership_columns() -> str:
    """The columns ``remember_roles`` reads, last in a select list, from ``membership_join()``."""
    q = fastsql.quote
    return f"m.{q('role')}, m.{q('unit_id')}, n.{q('name')}, n.{q('is_active')}"


def membership_join(user_alias: str) -> str:
    """A person's memberships and their units, joined to the ``org_user`` row aliased ``user_alias`` (one row
    with empty columns when they have none)."""
    q = fastsql.quote
    return (
        f" LEFT JOIN {q(Membership._meta.db_table)} m ON m.{q('user_id')} = {user_alias}.{q('id')}"
        f" LEFT JOIN {q(Unit._meta.db_table)} n ON n.{q('id')} = m.{q('unit_id')}"
    )


@cache
def _roles_sql() -> str:
    q = fastsql.quote
    return (
        f"SELECT {membership_columns()} FROM {q(User._meta.db_table)} u{membership_join('u')}"  # noqa: S608
        f" WHERE u.{q('id')} = %s"
    )


def clear_roles_cache(user: User) -> None:
    """Forget the cached roles after memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


_CAMPUS_TTL = 60.0  # seconds; campuses change a few times a decade
_campuses: tuple[float, dict[str, Campus]] = (0.0, {})


def campus_by_code(code: str) -> Campus | None:
    """A campus by its code, from a per-process copy of the (two-row) table, re-read after a minute or on a
    miss, so intake does not query it on every call; a change in this process clears it at once."""
    global _campuses
    loaded, found = _campuses
    if code not in found or time.monotonic() - loaded > _CAMPUS_TTL:
        _campuses = loaded, found = time.monotonic(), {c.code: c for c in Campus.objects.all()}
    return found.get(code)


def forget_campuses(**_kwargs: Any) -> None:
    global _campuses
    _campuses = (0.0, {})


def hotline_directory() -> list[Hotline]:
    """§11: every active unit's hotlines, in directory order, fetched in one query."""
    return list(
        Hotline.objects.filter(unit__is_active=True)
        .select_related("unit", "campus")
        .order_by("unit__sort_order", "unit_id", "campus__sort_order")
    )
