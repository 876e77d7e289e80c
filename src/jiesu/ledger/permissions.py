"""Who may open the ledger (台账, R8.1) and how much of it they see (R10.2, R10.3). The one place this is decided.

Three scopes:

* ``school``: the Office, leaders and inspectors see every ticket's row (R10.3).
* ``unit``: a unit member (head, information officer, staff) sees the rows of the tickets their units lead or
  co-handle (R10.3).
* ``aggregate``: the organization department (assessors) sees the school-wide summary counts, never rows.

Everyone else (a plain requester) is refused. Row scopes always pass through
``jiesu.tickets.permissions.visible_tickets`` so the ledger can never show more than the ticket pages would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for
from jiesu.tickets.models import Ticket, TicketCohandlingUnit
from jiesu.tickets.permissions import sees_everything, visible_tickets

UNIT_MEMBER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)


class ScopeKind(StrEnum):
    SCHOOL = "school"
    UNIT = "unit"
    AGGREGATE = "aggregate"


@dataclass(frozen=True)
class Scope:
    """What one person's ledger covers."""

    kind: ScopeKind
    unit_ids: frozenset[int] = frozenset()

    @property
    def shows_rows(self) -> bool:
        """R10.3: the organization department sees aggregates only."""
        return self.kind != ScopeKind.AGGREGATE


def scopes_for(user: User | Any) -> list[Scope]:
    """The ledgers ``user`` may open, the widest first; empty for a plain requester."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = roles_for(user)
    found: list[Scope] = []
    if sees_everything(roles):
        found.append(Scope(ScopeKind.SCHOOL))
    units = roles.unit_ids(*UNIT_MEMBER_ROLES)
    if units:
        found.append(Scope(ScopeKind.UNIT, frozenset(units)))
    if roles.has(Role.ASSESSOR):
        found.append(Scope(ScopeKind.AGGREGATE))
    return found


def unit_names(user: User, scope: Scope) -> list[str]:
    """The names of a unit scope's units, from the person's cached roles (no query)."""
    names = {g.unit_id: g.unit_name for g in roles_for(user).grants if g.unit_id in scope.unit_ids}
    return [name for _id, name in sorted(names.items()) if name]


def unit_tickets(unit_ids: frozenset[int] | set[int]) -> QuerySet[Ticket]:
    """Tickets the units lead or co-handle (R10.3): a unit's own ledger.

    The co-handled part is an uncorrelated ``id IN (SELECT ticket_id …)``: both databases compute it once
    (a hashed subplan on PostgreSQL), which keeps summaries and exports over a whole unit free of per-row probes.
    """
    cohandled = TicketCohandlingUnit.objects.filter(unit_id__in=unit_ids).values("ticket_id")
    return Ticket.objects.filter(Q(lead_unit_id__in=unit_ids) | Q(pk__in=cohandled))


def scoped_tickets(user: User | None, scope: Scope) -> QuerySet[Ticket]:
    """The tickets a scope covers. ``user`` None is the command line (the operator owns the whole database)."""
    base = unit_tickets(scope.unit_ids) if scope.kind == ScopeKind.UNIT else Ticket.objects.all()
    if user is None or scope.kind == ScopeKind.AGGREGATE:
        # Aggregates are school-wide counts with no rows (R10.3); nothing about a single ticket leaves.
        return base
    return visible_tickets(user, base)


@dataclass(frozen=True)
class ContactPolicy:
    """R10.2 for many rows at once, without a query per row.

    Mirrors ``jiesu.tickets.permissions.may_see_full_contact``: full contacts for the Office, inspectors, the
    lead unit's members and the requester themself; masked for everyone else (leaders, co-handlers …).
    """

    everything: bool
    lead_units: frozenset[int]
    user_id: int | None

    def full(self, lead_unit_id: int | None, requester_id: int | None) -> bool:
        if self.everything:
            return True
        if self.user_id is not None and requester_id == self.user_id:
            return True
        return lead_unit_id is not None and lead_unit_id in self.lead_units


MASKED = ContactPolicy(everything=False, lead_units=frozenset(), user_id=None)


def contact_policy(user: User | None, *, full_for_operator: bool = False) -> ContactPolicy:
    """The policy for ``user``; the command line (no user) shows full contacts only when asked to."""
    if user is None:
        return ContactPolicy(everything=full_for_operator, lead_units=frozenset(), user_id=None)
    roles = roles_for(user)
    return ContactPolicy(
        everything=roles.is_office or roles.has(Role.INSPECTOR),
        lead_units=roles.unit_ids(*UNIT_MEMBER_ROLES),
        user_id=user.pk,
    )


def may_export_full_contacts(user: User | None) -> bool:
    """Issue 17 item 4: who may ask for a full-contact export (with a reason): those R10.2 lets see some full
    contacts — the Office, inspectors, a lead unit's members. The command line (the operator) may."""
    if user is None:
        return True
    policy = contact_policy(user)
    return policy.everything or bool(policy.lead_units)


def may_read_export_log(user: User | Any) -> bool:
    """The export audit log is for the Office and the inspectors (issue 17 item 4)."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_for(user)
    return roles.is_office or roles.has(Role.INSPECTOR)


def ledger_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors sign in; signed-in people with no ledger scope (requesters) get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scopes_for(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
