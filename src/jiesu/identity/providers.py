"""The external sign-in services this installation offers, for the sign-in page and the sign-out button.

The sign-in page lists ``sign_in_providers()``; another service (OIDC, …) adds itself by appending a function to
``PROVIDERS`` that returns its ``SignInProvider`` when it is configured, else ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiesu.identity import wecom

CAS_BACKEND = "jiesu.identity.backends.CASBackend"
WECOM_BACKEND = "jiesu.identity.backends.WeComBackend"


@dataclass(frozen=True)
class SignInProvider:
    key: str  # for tests and styling: data-testid="signin-<key>"
    label: str
    url: str


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def cas_provider(next_url: str) -> SignInProvider | None:
    if not settings.CAS_SERVER_URL:
        return None
    return SignInProvider(
        "cas", str(_("Unified identity authentication")), with_next(reverse("identity:cas_login"), next_url)
    )


def wecom_provider(next_url: str) -> SignInProvider | None:
    if not wecom.is_configured():
        return None
    return SignInProvider(
        "wecom", str(_("Sign in with WeCom")), with_next(reverse("identity:wecom_login"), next_url)
    )


PROVIDERS: list[Callable[[str], SignInProvider | None]] = [cas_provider, wecom_provider]


def sign_in_providers(next_url: str = "") -> list[SignInProvider]:
    """The configured external sign-in services, in the order the page shows them."""
    return [provider for make in PROVIDERS if (provider := make(next_url)) is not None]


def is_inside_wecom(request: HttpRequest) -> bool:
    """The WeCom app's built-in browser says so in its user agent (``wxwork/…``)."""
    return "wxwork/" in request.headers.get("User-Agent", "").lower()


def automatic_sign_in_url(request: HttpRequest, next_url: str) -> str | None:
    """Inside WeCom a person opens Jiesu already signed in: the sign-in page forwards to WeCom's (silent)
    sign-in instead of asking for a password. ``?local=1`` keeps the password form (the Office's accounts)."""
    if request.GET.get("local") or not is_inside_wecom(request):
        return None
    provider = wecom_provider(next_url)
    return provider.url if provider else None


def sign_out_url(request: HttpRequest) -> str | None:
    """Where the sign-out form is re-sent (307, still a POST with its CSRF token) for a person who came in
    through an external service, else ``None`` (the local sign-out). CAS: django-cas-ng's logout ends the Jiesu session and then the CAS single sign-on session.
    WeCom: a page that signs out and does not send the person straight back through WeCom's silent sign-in."""
    backend = request.session.get(BACKEND_SESSION_KEY, "")
    if backend == CAS_BACKEND and settings.CAS_SERVER_URL:
        return reverse("identity:cas_logout")
    if backend == WECOM_BACKEND:
        return reverse("identity:wecom_signed_out")
    return None
