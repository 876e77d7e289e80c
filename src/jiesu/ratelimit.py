"""Intake rate limits (issue 17 item 3): per person and per client address, shared by the web form and the API.

Built on django-ninja's cache-backed throttle (the one the API's other throttles use) and keyed on
``jiesu.clientip.client_ip``, so a forged ``X-Forwarded-For`` never starts a fresh count. The rates are the
settings ``JIESU_INTAKE_RATE_PERSON`` (30/h) and ``JIESU_INTAKE_RATE_ADDRESS`` (120/h); both channels share
one count, so switching from the form to the API gains nothing. ``off`` lifts a limit: for an installation whose
proxy already limits intake, and for the intake benchmark, where one token sends thousands of requests (django-ninja
keeps one timestamp per request in the window, so a huge rate would make each request rewrite a huge list).
"""

from __future__ import annotations

import math
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from jiesu.clientip import client_ip

OFF = "off"


class IntakeThrottle(SimpleRateThrottle):
    """One intake limit: ``by="person"`` (the signed-in account) or ``by="address"`` (the client address)."""

    scope = "intake"

    def __init__(self, by: Literal["person", "address"]) -> None:
        self.by = by
        rate = self._configured_rate()
        # A limit that is off never counts (allow_request answers first); the parent still wants a rate.
        super().__init__("1/s" if rate.strip().lower() == OFF else rate)

    def allow_request(self, request: HttpRequest) -> bool:
        # The rate is read at each request, so a changed setting applies without a restart of the throttle.
        if self._configured_rate().strip().lower() == OFF:
            return True
        self.rate = self._configured_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def _configured_rate(self) -> str:
        return str(
            settings.JIESU_INTAKE_RATE_PERSON if self.by == "person" else settings.JIESU_INTAKE_RATE_ADDRESS
        )

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if self.by == "address":
            ident = client_ip(request)
        else:
            user = getattr(request, "auth", None) or getattr(request, "user", None)
            if user is None or not getattr(user, "is_authenticated", False):
                return None
            ident = f"user-{user.pk}"
        return self.cache_format % {"scope": f"{self.scope}-{self.by}", "ident": ident}


def intake_throttles() -> list[BaseThrottle]:
    """Fresh throttle objects (they keep per-request state), person first."""
    return [IntakeThrottle("person"), IntakeThrottle("address")]


def intake_wait(request: HttpRequest) -> int | None:
    """For the web form: None when this request may record, else the seconds to wait (for Retry-After)."""
    waits = [t.wait() for t in intake_throttles() if not t.allow_request(request)]
    if not waits:
        return None
    return max(1, math.ceil(max(w or 1 for w in waits)))
