"""Who may see and do what on a ticket (rules §10). The one place ticket access is decided.

R10.1 a requester sees only their own tickets; R10.3 units see tickets they lead or co-handle, the Office,
leaders and inspectors see all, the organization department (assessors) sees aggregates only; R10.2 full
contacts only for the lead unit, the Office and inspectors.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from jiesu.org.models import Role, User
from jiesu.org.selectors import RoleSet, roles_for
from jiesu.tickets.models import Ticket, TicketCohandlingUnit
from jiesu.tickets.states import Actor

_UNIT_MEMBER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)


def sees_everything(roles: RoleSet) -> bool:
    return roles.has(Role.DISPATCHER, Role.DUTY_OPERATOR, Role.LEADER, Role.INSPECTOR)


def visible_tickets(user: User, base: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """Every ticket ``user`` may open; anything else answers 404."""
    qs = Ticket.objects.all() if base is None else base
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    roles = roles_for(user)
    if sees_everything(roles):
        return qs
    condition: Q = Q(requester=user)
    units = roles.unit_ids(*_UNIT_MEMBER_ROLES)
    if units:
        cohandled = TicketCohandlingUnit.objects.filter(ticket=OuterRef("pk"), unit_id__in=units)
        condition |= Q(lead_unit_id__in=units) | Q(Exists(cohandled))
    return qs.filter(condition)


def get_ticket_for(user: User, number: str, *, for_update: bool = False) -> Ticket:
    """The ticket with ``number`` if ``user`` may see it, else 404 (never 403: existence is not disclosed)."""
    qs = visible_tickets(user).select_related("lead_unit", "campus", "requester")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def relations(user: User, ticket: Ticket, *, cohandler: bool = True) -> frozenset[Actor]:
    """How ``user`` stands to ``ticket``; the state machine's actor column is checked against this.

    ``cohandler=False`` skips the one query that tells whether the person's unit co-handles the ticket, for
    callers whose question cannot involve co-handlers."""
    roles = roles_for(user)
    found: set[Actor] = set()
    if roles.is_office:
        found.add(Actor.OFFICE)
    if roles.has(Role.LEADER):
        found.add(Actor.LEADER)
    if roles.has(Role.INSPECTOR):
        found.add(Actor.INSPECTOR)
    if ticket.lead_unit_id is not None:
        if ticket.lead_unit_id in roles.unit_ids(*_UNIT_MEMBER_ROLES):
            found.add(Actor.LEAD)
        if ticket.lead_unit_id in roles.unit_ids(Role.UNIT_HEAD):
            found.add(Actor.LEAD_HEAD)
    units = roles.unit_ids(*_UNIT_MEMBER_ROLES)
    if cohandler and units and TicketCohandlingUnit.objects.filter(ticket=ticket, unit_id__in=units).exists():
        found.add(Actor.COHANDLER)
    return frozenset(found)


def is_requester(user: User, ticket: Ticket) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and ticket.requester_id == user.pk


def may_see_full_contact(user: User, ticket: Ticket) -> bool:
    """R10.2: the lead unit, the Office and inspectors (and the requester, of their own contact)."""
    if is_requester(user, ticket):
        return True
    return bool(relations(user, ticket) & {Actor.LEAD, Actor.OFFICE, Actor.INSPECTOR})
