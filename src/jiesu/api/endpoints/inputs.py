"""Resolve the codes an API request names (units, campuses, people, tickets) into objects, or a 422."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.api.errors import InputError
from jiesu.org.models import Campus, Unit, User
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import visible_tickets


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A date-time without an offset is Asia/Shanghai time (the settings' TIME_ZONE)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def campus(code: str, field: str = "campus") -> Campus:
    found = Campus.objects.filter(code=code).first()
    if found is None:
        raise InputError(_("Unknown campus “%(code)s”.") % {"code": code}, field=field)
    return found


def unit(code: str, field: str) -> Unit:
    found = Unit.objects.filter(code=code).first()
    if found is None:
        raise InputError(_("Unknown unit “%(code)s”.") % {"code": code}, field=field)
    return found


def optional_unit(code: str | None, field: str) -> Unit | None:
    return unit(code, field) if code else None


def units(codes: list[str], field: str) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise InputError(_("Unknown unit “%(code)s”.") % {"code": missing[0]}, field=field)
    return [found[code] for code in codes]


def person(username: str, field: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise InputError(_("Unknown person “%(username)s”.") % {"username": username}, field=field)
    return found


def visible_ticket(user: User, number: str | None, field: str) -> Ticket | None:
    """Another ticket the caller names (e.g. the original of a repeat); unknown and invisible look the same."""
    if not number:
        return None
    found = visible_tickets(user).filter(number=number).first()
    if found is None:
        raise InputError(_("No request numbered “%(number)s”.") % {"number": number}, field=field)
    return found
