"""Who may maintain people and units, and who may open an account page. The one place this app decides access.

* People and units (units, hotlines, roles, the import, the log): the system administrators — superusers and
  holders of the ``sysadmin`` role, the same people who keep the working-day calendar. Dispatchers do not:
  they work on tickets, and handing out roles is a separate duty.
* The account page: every signed-in person, for their own account only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from jiesu.org.models import Role
from jiesu.org.selectors import roles_for


def may_manage_people(user: Any) -> bool:
    """Superusers and system administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or roles_for(user).has(Role.SYSADMIN)


def people_admin_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors sign in; signed-in people who may not manage people get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_manage_people(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
