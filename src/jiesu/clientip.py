"""The client's address, the one way every throttle and lockout reads it (django-axes, the API's throttles, the
sign-in slow-down and ``/track``'s lockout; docs/security.md).

``JIESU_TRUSTED_PROXIES`` says how many reverse proxies of our own stand in front of the application. 0 (the
default): the client is ``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored — anyone can write that header.
N > 0: each trusted proxy appends the address it received the request from, so the client is the N-th entry
from the right; entries further left were written by the client and are never believed. A header with fewer
entries than trusted proxies, or an entry that is no IP address, falls back to ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address a request came from, as far as our own proxies vouch for it."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "") or UNKNOWN
    trusted = int(getattr(settings, "JIESU_TRUSTED_PROXIES", 0) or 0)
    if trusted <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        return remote
    return _address(hops[-trusted]) or remote


def client_ip_or_none(request: HttpRequest) -> str | None:
    """The same address for django-axes, which stores it in an IP address column: None when there is none (a
    request built in code, as Django's test client's sign-in is)."""
    address = client_ip(request)
    return None if address == UNKNOWN else address
