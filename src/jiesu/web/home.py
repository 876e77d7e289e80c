"""What each role works on, for the home page: one section per role, with live worklist counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Role, User
from jiesu.org.selectors import RoleSet
from jiesu.tickets.views.worklists import home_counts

ROLE_WORK = {
    Role.UNIT_HEAD: _(
        "Approve your unit's formal replies; watch its tickets that are due soon or overdue (R4.3)."
    ),
    Role.INFO_OFFICER: _(
        "Receive your unit's tickets, acknowledge, drive handling and report back (Art. 6)."
    ),
    Role.UNIT_STAFF: _("Handle the tickets assigned to you."),
    Role.DISPATCHER: _("The dispatch queue (same day, R4.5), overdue supervision and re-dispatch requests."),
    Role.DUTY_OPERATOR: _("Record calls to the duty room, around the clock (Art. 3)."),
    Role.LEADER: _("Tickets awaiting your instruction (R6.3)."),
    Role.INSPECTOR: _("Spot-check response, resolution and satisfaction (R8.5)."),
    Role.ASSESSOR: _("Assessment of every unit (R8.6)."),
    Role.SYSADMIN: _("Maintain the working-day calendar, people and units."),
}


@dataclass
class HomeSection:
    title: str
    unit: str | None
    description: str
    links: Sequence[tuple[str, str, int | None]] = field(default_factory=list)


def maintenance_links(user: User) -> list[tuple[str, str, int | None]]:
    """The people-and-units maintenance the system administrator's section promises (issue 14 item 3): the
    Django admin's pages, offered only to an account the admin site lets in."""
    if not (user.is_active and user.is_staff):
        return []
    return [
        (str(_("People and their roles")), reverse("admin:org_user_changelist"), None),
        (str(_("Units and hotlines")), reverse("admin:org_unit_changelist"), None),
        (str(_("Campuses")), reverse("admin:org_campus_changelist"), None),
    ]


def home_sections(user: User, roles: RoleSet) -> list[HomeSection]:
    """One section per role grant, then the worklists with counts, then the requester's own section."""
    sections = [
        HomeSection(title=str(grant.role.label), unit=grant.unit_name, description=str(ROLE_WORK[grant.role]))
        for grant in roles.grants
    ]
    worklists = [(label, url, count) for label, url, count in home_counts(user)]
    if worklists:
        sections.insert(
            0, HomeSection(title=str(_("My worklists")), unit=None, description="", links=worklists)
        )
    if roles.has(Role.SYSADMIN) or user.is_superuser:
        sections.append(
            HomeSection(
                title=str(_("Working-day calendar")),
                unit=None,
                description=str(ROLE_WORK[Role.SYSADMIN]),
                links=[
                    (str(_("Working-day calendar")), reverse("workcalendar:index"), None),
                    *maintenance_links(user),
                ],
            )
        )
    sections.append(
        HomeSection(
            title=str(_("My requests")),
            unit=None,
            description=str(_("See the requests you raised and how they are going.")),
            links=[
                (str(_("New request")), reverse("intake:new"), None),
                (str(_("My requests")), reverse("intake:mine"), None),
            ],
        )
    )
    return sections
