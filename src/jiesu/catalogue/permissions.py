"""Who may see and who may edit the dispatch catalogue (R2.7): the one place this app decides access.

The Office edits it (dispatchers; system administrators too); the Office's desks and the inspectors read it,
and whoever dispatches searches it from the dispatch form."""

from __future__ import annotations

from typing import Any

from jiesu.org.models import Role
from jiesu.org.selectors import roles_for


def may_edit_catalogue(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or roles_for(user).has(Role.DISPATCHER, Role.SYSADMIN)


def may_see_catalogue(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return may_edit_catalogue(user) or roles_for(user).has(Role.DUTY_OPERATOR, Role.INSPECTOR, Role.LEADER)
