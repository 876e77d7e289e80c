"""The OIDC sign-in's two addresses: mozilla-django-oidc's views, answering 404 while OIDC is not configured."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from jiesu.directory.conf import oidc_config


def _require_oidc() -> None:
    if not oidc_config().enabled:
        raise Http404


def oidc_login(request: HttpRequest) -> HttpResponse:
    _require_oidc()
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    _require_oidc()
    return OIDCAuthenticationCallbackView.as_view()(request)
