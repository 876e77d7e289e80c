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
