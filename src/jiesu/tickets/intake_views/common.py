"""Small helpers shared by the intake views."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from jiesu.org.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required (typed as the project's user model)."""
    return cast(User, request.user)
