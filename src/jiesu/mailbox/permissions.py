"""Who may do what in the mailbox (R2.2, R10.1). The one place this app decides access."""

from __future__ import annotations

from typing import Any

from jiesu.org.selectors import roles_for


def may_triage(user: Any) -> bool:
    """The Party and Administration Office reads, routes and publishes letters (R2.2, R4.7)."""
    return bool(getattr(user, "is_authenticated", False)) and roles_for(user).is_office


def may_write_signed(user: Any) -> bool:
    """A signed-in person may write under their own name; anyone may write anonymously (R1.3)."""
    return bool(getattr(user, "is_authenticated", False))
