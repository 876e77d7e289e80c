"""Small helpers shared by the intake views."""

from __future__ import annotations

import math
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.ratelimit import intake_wait


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required (typed as the project's user model)."""
    return cast(User, request.user)


def throttled(
    request: HttpRequest, form: forms.Form, template: str, context: dict[str, Any]
) -> HttpResponse | None:
    """Issue 17 item 3: intake is limited per person and per address (``jiesu.ratelimit``, one count with the
    API). Over the limit: the form again, unsaved, with the reason, answered 429 with Retry-After."""
    wait = intake_wait(request)
    if wait is None:
        return None
    minutes = max(1, math.ceil(wait / 60))
    form.add_error(
        None,
        _("Too many requests have been sent from this account or address. Try again in %(minutes)d minutes.")
        % {"minutes": minutes},
    )
    response = render(request, template, {**context, "form": form}, status=429)
    response["Retry-After"] = str(wait)
    return response
