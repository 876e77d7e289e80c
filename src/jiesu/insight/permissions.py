"""Who may open the insight page and ask for a retraining: the Office (dispatchers and the duty room) and
system administrators. The one place this app decides access."""

from __future__ import annotations

from typing import Any

from jiesu.org.models import Role
from jiesu.org.selectors import roles_for


def may_see_insight(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or roles_for(user).has(Role.DISPATCHER, Role.DUTY_OPERATOR, Role.SYSADMIN)


def may_open_task_force(user: Any) -> bool:
    """R6.4: the Office opens task forces (the same people who see the insight pages)."""
    return may_see_insight(user)


def may_manage_task_force(user: Any, task_force: Any) -> bool:
    """The Office, or the unit head leading it, links tickets, records meetings and actions, and closes it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return may_see_insight(user) or user.pk == task_force.leader_id


def may_see_task_force(user: Any, task_force: Any) -> bool:
    return may_manage_task_force(user, task_force)


def frequency_units(user: Any) -> frozenset[int] | None:
    """R9.2: whose high-frequency issues a person sees — ``None`` for every unit (the Office, leaders,
    inspectors), else the units they belong to (empty: none)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    roles = roles_for(user)
    if user.is_superuser or roles.has(Role.DISPATCHER, Role.DUTY_OPERATOR, Role.LEADER, Role.INSPECTOR):
        return None
    return roles.unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)


def may_see_frequency(user: Any) -> bool:
    return frequency_units(user) != frozenset()


def may_record_root_cause(user: Any, unit_id: int) -> bool:
    """R9.2: the Office, or the unit's head or information officer, records and follows a root-cause measure."""
    if not getattr(user, "is_authenticated", False):
        return False
    return may_see_insight(user) or unit_id in roles_for(user).unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER)
