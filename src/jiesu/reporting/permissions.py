"""Who may do what with the Office's reports (R8.3, R8.4). The one place this app decides access.

* The weekly report: the Office (dispatchers and duty operators) drafts, edits and issues it; leaders and
  inspectors (纪委) also read the issued ones.
* Sensitive periods: the Office declares them and reads every unit's reports and the period summary.
* A unit's daily report: its head, information officer or staff submit it for their own unit only.
"""

from __future__ import annotations

from typing import Any

from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for

UNIT_REPORTER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)


def _signed_in(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def may_edit(user: User | Any) -> bool:
    """The Office makes, edits and issues the weekly report and declares sensitive periods (Art. 14, Art. 3)."""
    return _signed_in(user) and roles_for(user).is_office


def may_read(user: User | Any) -> bool:
    """Issued weekly reports: the Office, leaders and inspectors."""
    return may_edit(user) or (_signed_in(user) and roles_for(user).has(Role.LEADER, Role.INSPECTOR))


def reporting_units(user: User | Any) -> frozenset[int]:
    """The units for which this person submits the daily zero report."""
    if not _signed_in(user):
        return frozenset()
    return roles_for(user).unit_ids(*UNIT_REPORTER_ROLES)
