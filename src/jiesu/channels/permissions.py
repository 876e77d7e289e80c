"""Who may do what in the Office-led channels (R2.1, R2.4, R2.5). The one place this app decides access.

* Reception day: any signed-in person books and cancels their own bookings; the Office (dispatchers and duty
  operators) publishes the rota, prints the day's list, records visits and turns them into tickets.
* Petitions: the Office only (the petitioner's details are need-to-know).
* Symposiums: the four organizers schedule and record their own; the Office sees all and makes the tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from jiesu.org.models import Role, Unit, User
from jiesu.org.selectors import roles_for

# R2.4: the organizers of symposiums, by unit code (``jiesu.org.data``).
ORGANIZER_CODES = ("student_affairs", "youth_league", "union", "retirees")
ORGANIZER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)


def signed_in(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_office(user: User | Any) -> bool:
    return signed_in(user) and roles_for(user).is_office


def may_book(user: User | Any) -> bool:
    return signed_in(user)


def may_manage_reception(user: User | Any) -> bool:
    return is_office(user)


def may_handle_petitions(user: User | Any) -> bool:
    return is_office(user)


def organizer_units(user: User | Any) -> list[Unit]:
    """The organizer units this person works for (the Office: all four)."""
    if not signed_in(user):
        return []
    units = Unit.objects.filter(code__in=ORGANIZER_CODES, is_active=True).order_by("sort_order", "id")
    if is_office(user):
        return list(units)
    mine = roles_for(user).unit_ids(*ORGANIZER_ROLES)
    return [u for u in units if u.pk in mine]


def may_see_symposiums(user: User | Any) -> bool:
    return is_office(user) or bool(organizer_units(user))


def may_organize(user: User | Any, unit: Unit) -> bool:
    return unit.code in ORGANIZER_CODES and any(u.pk == unit.pk for u in organizer_units(user))


def requires(
    check: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Anonymous visitors sign in; signed-in people failing ``check`` get 403."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
