"""Who may open the assessment, the dashboards and the tickets behind a figure (R8.6, R10.3). The one place
this app decides access; rows always pass through ``jiesu.tickets.permissions.visible_tickets``.

* Assessment (aggregates): the Office, leaders, inspectors and the organization department (assessors).
* Dashboards: leaders and the Office (issue 13 item 6).
* The tickets behind a count: whoever may see tickets (``visible_tickets`` narrows them); the organization
  department sees aggregates only (R10.3), so never rows.
* The public monthly summary (R8.7): everyone, signed in or not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for
from jiesu.tickets.permissions import sees_everything

UNIT_MEMBER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)


def _signed_in(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def may_assess(user: User | Any) -> bool:
    """Art. 14–16: the Office, leaders, inspectors (纪委) and assessors (组织部)."""
    return _signed_in(user) and roles_for(user).has(
        Role.DISPATCHER, Role.DUTY_OPERATOR, Role.LEADER, Role.INSPECTOR, Role.ASSESSOR
    )


def may_see_dashboard(user: User | Any) -> bool:
    """Leaders and the Office."""
    if not _signed_in(user):
        return False
    roles = roles_for(user)
    return roles.is_office or roles.has(Role.LEADER)


def may_see_rows(user: User | Any) -> bool:
    """People who see tickets at all (R10.3): the Office, leaders, inspectors and unit members. An assessor
    who holds no other role sees aggregates only."""
    if not _signed_in(user):
        return False
    roles = roles_for(user)
    return sees_everything(roles) or bool(roles.unit_ids(*UNIT_MEMBER_ROLES))


def requires(
    check: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Anonymous visitors sign in; signed-in people failing ``check`` get 403."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# -- supervision orders (R8.2) and inspections (R8.5) ----------------------------------------------------------
def may_supervise(user: User | Any) -> bool:
    """The Office and school leaders issue orders and review the answers (R8.2)."""
    if not _signed_in(user):
        return False
    roles = roles_for(user)
    return roles.is_office or roles.has(Role.LEADER)


def may_see_orders(user: User | Any) -> bool:
    """The order board: supervisors, inspectors, and unit members (their units' orders only)."""
    if not _signed_in(user):
        return False
    roles = roles_for(user)
    return may_supervise(user) or roles.has(Role.INSPECTOR) or bool(roles.unit_ids(*UNIT_MEMBER_ROLES))


def order_unit_ids(user: User | Any) -> frozenset[int] | None:
    """The units whose orders ``user`` sees; None means every unit (supervisors and inspectors)."""
    roles = roles_for(user)
    if may_supervise(user) or roles.has(Role.INSPECTOR):
        return None
    return roles.unit_ids(*UNIT_MEMBER_ROLES)


def order_actors(user: User | Any, unit_id: int) -> frozenset[str]:
    """How ``user`` stands to an order of ``unit_id``: the ``OrderActor`` values of ``states.MOVES``."""
    if not _signed_in(user):
        return frozenset()
    found = set()
    if may_supervise(user):
        found.add("supervisor")
    if unit_id in roles_for(user).unit_ids(*UNIT_MEMBER_ROLES):
        found.add("unit")
    return frozenset(found)


def may_inspect(user: User | Any) -> bool:
    """Art. 15: inspectors (纪委) draw samples, record findings and issue notices."""
    return _signed_in(user) and roles_for(user).has(Role.INSPECTOR)


def may_see_inspections(user: User | Any) -> bool:
    """Inspectors, the Office and leaders read inspections and their notices."""
    return may_inspect(user) or may_supervise(user)
