"""API throttles keyed on the client's address as ``jiesu.clientip`` reads it (never on a header the client can
rewrite: django-ninja's own key takes the whole ``X-Forwarded-For``, so a forged one would start a fresh count)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

from jiesu.clientip import client_ip


class ClientRateThrottle(AnonRateThrottle):
    """Per client address, for the public endpoints (tracking, ratings)."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)
