"""Who may import referral sheets (R2.6): the Office, which records every referral (Art. 5). The one place this
app decides access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from jiesu.org.selectors import roles_for


def may_import(user: Any) -> bool:
    """The Party and Administration Office uploads, confirms and reads referral imports."""
    return bool(getattr(user, "is_authenticated", False)) and roles_for(user).is_office


def office_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors sign in; signed-in people outside the Office get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
