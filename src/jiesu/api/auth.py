"""Who is calling: a bearer token (integrations) or the signed-in web session (with CSRF for unsafe methods).

A request that presents a bearer token is judged on the token alone: a wrong or revoked token answers 401 even
when a session cookie is present, so an integration never silently acts as whoever is signed in in the browser.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from jiesu.api.selectors import active_token
from jiesu.api.services import token_touch
from jiesu.org.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class InvalidToken(AuthenticationError):
    """The Authorization header named a token we do not accept."""

    def __init__(self) -> None:
        super().__init__(401, str(_("The API token is invalid or has been revoked.")))


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, str(_("The CSRF check failed. Reload the page and try again.")))


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` from ``jiesu token create``."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None  # no token offered: let the session try
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = active_token(token)
        if found is None:
            raise InvalidToken
        token_touch(token=found)
        request.user = found.user
        return found.user


class WebSession(APIKeyCookie):
    """The browser's Django session. Unsafe methods must carry the CSRF token, as the web pages do."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise CsrfFailed
        return user


def caller(request: HttpRequest) -> User:
    """The authenticated person (set by either scheme)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
