"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from jiesu.catalogue.permissions import may_see_catalogue
from jiesu.insight.peaks import may_see_seasonal
from jiesu.insight.permissions import may_see_frequency, may_see_insight
from jiesu.ledger.permissions import scopes_for
from jiesu.org.selectors import roles_for
from jiesu.people.permissions import may_manage_people
from jiesu.reporting.permissions import reporting_units
from jiesu.reporting.selectors import reporting_due
from jiesu.supervision.permissions import may_assess, may_see_dashboard, may_see_inspections, may_see_orders
from jiesu.tickets.forms_intake import recordable_channels
from jiesu.workcalendar.permissions import can_manage_calendar


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the signed-in person's roles (resolved once per request) and which shared pages they may open."""
    user = getattr(request, "user", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    my_roles = roles_for(user)
    return {
        "my_roles": my_roles,
        # Issue 14 item 3: 登记诉求 only for those who may record some channel (a unit member or the Office).
        "nav_record": signed_in and bool(recordable_channels(my_roles)),
        "nav_ledger": signed_in and bool(scopes_for(user)),
        "nav_calendar": signed_in and can_manage_calendar(user),
        "nav_assessment": signed_in and may_assess(user),
        "nav_dashboard": signed_in and may_see_dashboard(user),
        "nav_orders": signed_in and may_see_orders(user),
        "nav_inspections": signed_in and may_see_inspections(user),
        "nav_insight": signed_in and may_see_insight(user),
        "nav_frequency": signed_in and may_see_frequency(user),  # R9.2: the Office, leaders and unit members
        "nav_seasonal": signed_in and may_see_seasonal(user),  # R9.4: the Office, unit heads and officers
        # R8.4: a unit's daily report is in reach while a sensitive period covers one of its units.
        "nav_zero_report": signed_in and reporting_due(reporting_units(user)),
        "nav_people": signed_in and may_manage_people(user),
        "nav_catalogue": signed_in and may_see_catalogue(user),
    }
