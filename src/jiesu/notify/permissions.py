"""Who may do what in the notify app: everyone signed in has their own inbox; the outbox page is the Office's."""

from __future__ import annotations

from typing import Any

from jiesu.org.models import Role
from jiesu.org.selectors import roles_for


def may_manage_outbox(user: Any) -> bool:
    """The Office (dispatchers, duty operators) and system administrators see and resend undelivered messages."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_for(user)
    return roles.is_office or roles.has(Role.SYSADMIN) or bool(getattr(user, "is_superuser", False))
