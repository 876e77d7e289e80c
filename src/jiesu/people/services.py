"""Writes of people and units (issue 18 item 5, R3.1): units, hotlines and role assignments.

Every function validates first, writes in one transaction and appends its ``PeopleLog`` row in that same
transaction, so a refused change leaves nothing behind and every accepted one is on record.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jiesu.org.models import Campus, Hotline, Unit, User
from jiesu.people.errors import PeopleError
from jiesu.people.models import PeopleAction, PeopleLog
from jiesu.tickets.models import CohandlingRequest, Ticket
from jiesu.tickets.states import CLOSED_STATUSES

PHONE = re.compile(r"^\+?[0-9][0-9 -]{2,30}$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def log(
    *,
    actor: User | None,
    action: PeopleAction,
    summary: str,
    unit: Unit | None = None,
    person: User | None = None,
    details: dict[str, Any] | None = None,
) -> PeopleLog:
    """Append one audit row; callers are inside their own transaction."""
    return PeopleLog.objects.create(
        actor=actor, action=action, summary=summary[:300], unit=unit, person=person, details=details or {}
    )


def _plain(value: str, label: str, *, required: bool = True, max_length: int = 64) -> str:
    """A one-line text without markup: names and labels are shown on many pages and in exports."""
    value = (value or "").strip()
    if required and not value:
        raise PeopleError(_("%(field)s is required.") % {"field": label}, code="required")
    if len(value) > max_length:
        raise PeopleError(
            _("%(field)s is too long (at most %(n)d characters).") % {"field": label, "n": max_length},
            code="too_long",
        )
    if "<" in value or ">" in value or any(ord(c) < 32 for c in value):
        raise PeopleError(
            _("%(field)s may not contain angle brackets or control characters.") % {"field": label},
            code="markup",
        )
    return value


# -- units ------------------------------------------------------------------------------------------------------
@transaction.atomic
def unit_create(
    *, actor: User, code: str, name: str, kind: str, parent: Unit | None = None, remit: str = ""
) -> Unit:
    """Add a unit. It starts without a head or an information officer and is listed as breaking R3.1 until
    both are assigned."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise PeopleError(
            _("The code may contain only lower-case letters, digits, hyphens and underscores."), code="code"
        )
    name = _plain(name, _("Name"))
    if Unit.objects.filter(code=code).exists():
        raise PeopleError(_("A unit with this code already exists."), code="duplicate")
    if Unit.objects.filter(name=name).exists():
        raise PeopleError(_("A unit with this name already exists."), code="duplicate")
    unit = Unit.objects.create(
        code=code, name=name, kind=kind, parent=parent, remit=(remit or "").strip(), sort_order=200
    )
    log(
        actor=actor,
        action=PeopleAction.UNIT_CREATED,
        unit=unit,
        summary=_("Added unit %(name)s") % {"name": name},
        details={"code": code, "name": name, "kind": kind, "parent": parent.name if parent else None},
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, name: str, kind: str, parent: Unit | None, remit: str) -> Unit:
    """Change a unit's name, kind, parent or remit; the old and new values go to the log."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    name = _plain(name, _("Name"))
    if Unit.objects.filter(name=name).exclude(pk=unit.pk).exists():
        raise PeopleError(_("A unit with this name already exists."), code="duplicate")
    if parent is not None and (parent.pk == unit.pk or parent.parent_id == unit.pk):
        raise PeopleError(_("A unit cannot be placed under itself."), code="parent")
    remit = (remit or "").strip()
    new = {"name": name, "kind": kind, "parent": parent.name if parent else None, "remit": remit}
    old = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.name if unit.parent_id else None,  # type: ignore[union-attr]
        "remit": unit.remit,
    }
    changed = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if not changed:
        return unit
    unit.name, unit.kind, unit.parent, unit.remit = name, kind, parent, remit
    unit.save(update_fields=["name", "kind", "parent", "remit"])
    log(
        actor=actor,
        action=PeopleAction.UNIT_CHANGED,
        unit=unit,
        summary=_("Changed unit %(name)s") % {"name": name},
        details=changed,
    )
    return unit


def open_work(unit: Unit) -> tuple[int, int]:
    """What keeps a unit from retiring: tickets it leads that are not closed (a replied ticket still awaits
    its follow-up), and co-handling requests to it still unanswered on tickets not closed."""
    tickets = Ticket.objects.filter(lead_unit=unit).exclude(status__in=CLOSED_STATUSES).count()
    requests = (
        CohandlingRequest.objects.filter(unit=unit, answered_at__isnull=True)
        .exclude(ticket__status__in=CLOSED_STATUSES)
        .count()
    )
    return tickets, requests


@transaction.atomic
def unit_retire(*, actor: User, unit: Unit) -> Unit:
    """Retire (deactivate) a unit. Refused while it leads open tickets or owes co-handling answers — they
    must be finished or re-dispatched first, so no request is left without a unit — or while units under
    it are still active. Memberships are kept (history), but no longer count as roles."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise PeopleError(_("This unit is already retired."), code="retired")
    tickets, requests = open_work(unit)
    if tickets or requests:
        raise PeopleError(
            _(
                "%(name)s still has %(tickets)d open request(s) and %(requests)d unanswered co-handling "
                "request(s): finish them or ask the Office to re-dispatch them before retiring the unit."
            )
            % {"name": unit.name, "tickets": tickets, "requests": requests},
            code="open_tickets",
        )
    children = list(unit.children.filter(is_active=True).values_list("name", flat=True))
    if children:
        raise PeopleError(
            _("Retire the units under it first: %(names)s.") % {"names": "、".join(children)},
            code="children",
        )
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    log(
        actor=actor,
        action=PeopleAction.UNIT_RETIRED,
        unit=unit,
        summary=_("Retired unit %(name)s") % {"name": unit.name},
    )
    return unit


@transaction.atomic
def unit_restore(*, actor: User, unit: Unit) -> Unit:
    """Bring a retired unit back."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_active:
        return unit
    unit.is_active = True
    unit.save(update_fields=["is_active"])
    log(
        actor=actor,
        action=PeopleAction.UNIT_RESTORED,
        unit=unit,
        summary=_("Restored unit %(name)s") % {"name": unit.name},
    )
    return unit


# -- hotlines (§11) ---------------------------------------------------------------------------------------------
def _hours(opens_at: dt.time | None, closes_at: dt.time | None) -> str:
    if opens_at is None:
        return _("24 hours")
    return f"{opens_at:%H:%M}–{closes_at:%H:%M}" if closes_at else ""


@transaction.atomic
def hotline_save(
    *,
    actor: User,
    unit: Unit,
    campus: Campus,
    number: str,
    service_label: str,
    service_days: str,
    opens_at: dt.time | None,
    closes_at: dt.time | None,
) -> Hotline:
    """Add or change a unit's hotline on one campus: its number, published service hours, service days and
    daily opening hours (both empty = around the clock)."""
    number = _plain(number, _("Number"), max_length=32)
    if not PHONE.match(number):
        raise PeopleError(_("Enter a telephone number of digits (a hyphen is allowed)."), code="number")
    service_label = _plain(service_label, _("Service hours (as published)"))
    if (opens_at is None) != (closes_at is None):
        raise PeopleError(
            _("Give both the opening and the closing time, or neither for around the clock."), code="hours"
        )
    if opens_at is not None and closes_at is not None and opens_at >= closes_at:
        raise PeopleError(_("The closing time must be after the opening time."), code="hours")
    line = Hotline.objects.select_for_update().filter(unit=unit, campus=campus).first()
    before = (
        {
            "number": line.number,
            "service_label": line.service_label,
            "service_days": line.service_days,
            "hours": _hours(line.opens_at, line.closes_at),
        }
        if line
        else {}
    )
    if line is None:
        line = Hotline(unit=unit, campus=campus)
    line.number, line.service_label, line.service_days = number, service_label, service_days
    line.opens_at, line.closes_at = opens_at, closes_at
    line.save()
    after = {
        "number": number,
        "service_label": service_label,
        "service_days": service_days,
        "hours": _hours(opens_at, closes_at),
    }
    if before != after:
        log(
            actor=actor,
            action=PeopleAction.HOTLINE_SAVED,
            unit=unit,
            summary=_("Hotline of %(unit)s on %(campus)s: %(number)s, %(hours)s")
            % {"unit": unit.name, "campus": campus.name, "number": number, "hours": after["hours"]},
            details={"before": before, "after": after},
        )
    return line


@transaction.atomic
def hotline_remove(*, actor: User, hotline: Hotline) -> None:
    unit, campus, number = hotline.unit, hotline.campus, hotline.number
    hotline.delete()
    log(
        actor=actor,
        action=PeopleAction.HOTLINE_REMOVED,
        unit=unit,
        summary=_("Removed the hotline of %(unit)s on %(campus)s (%(number)s)")
        % {"unit": unit.name, "campus": campus.name, "number": number},
    )
