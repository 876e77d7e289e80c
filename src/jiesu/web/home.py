"""What each role works on, for the home page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Role, User
from jiesu.org.selectors import RoleSet

ROLE_WORK = {
    Role.UNIT_HEAD: _("Approve your unit's formal replies; watch its tickets that are due soon or overdue (R4.3)."),
    Role.INFO_OFFICER: _("Receive your unit's tickets, acknowledge, drive handling and report back (Art. 6)."),
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
    links: list[tuple[str, str]] = field(default_factory=list)


def home_sections(user: User, roles: RoleSet) -> list[HomeSection]:
    """One section per role grant, then the requester's own section (everyone may raise a request)."""
    sections = [
        HomeSection(title=str(grant.role.label), unit=grant.unit_name, description=str(ROLE_WORK[grant.role]))
        for grant in roles.grants
    ]
    for section, grant in zip(sections, roles.grants, strict=True):
        if grant.role == Role.SYSADMIN or user.is_superuser:
            section.links.append((str(_("Working-day calendar")), "/calendar/"))
    sections.append(HomeSection(title=str(_("My requests")), unit=None, description=str(_("See the requests you raised and how they are going."))))
    return sections
