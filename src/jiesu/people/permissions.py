"""Who may maintain people and units, and who may open an account page. The one place this app decides access.

* People and units (units, hotlines, roles, the import, the log): the system administrators — superusers and
  holders of the ``sysadmin`` role, the same people who keep the working-day calendar, so the check is the
  calendar's. Dispatchers do not: they work on tickets, and handing out roles is a separate duty.
* The account page: every signed-in person, for their own account only (``login_required``).
"""

from __future__ import annotations

from jiesu.workcalendar.permissions import calendar_admin_required, can_manage_calendar

may_manage_people = can_manage_calendar
# Anonymous visitors sign in; signed-in people who may not manage people get 403.
people_admin_required = calendar_admin_required
