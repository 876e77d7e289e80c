"""Who may manage the working-day calendar (R5.2): superusers and holders of the sysadmin role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from jiesu.org.models import Role
from jiesu.org.selectors import roles_for


def can_manage_calendar(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or roles_for(user).has(Role.SYSADMIN)


def calendar_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors are sent to sign in; signed-in people without the right get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_calendar(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
