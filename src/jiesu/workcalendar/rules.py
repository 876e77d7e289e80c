"""The rule parameters (the clocks of rules §4, and the numbers of §7 and the digest), read from
``settings.JIESU_RULES`` over the rules' defaults.

Keys (all optional; a missing key takes the default shown):

=============================  =========  ===============================================================
key                            default    meaning
=============================  =========  ===============================================================
``RESPONSE_HOURS``             ``2``      R4.1 hours to respond to a ticket received in daytime
``RESPONSE_URGENT_MINUTES``    ``30``     R4.1 minutes to respond to an urgent ticket, at any hour
``RESPONSE_NIGHT_START``       ``"22:00"`` R4.1 start of the night window
``RESPONSE_NIGHT_END``         ``"08:00"`` R4.1 end of the night window
``RESPONSE_NIGHT_DUE``         ``"10:00"`` R4.1 due time on the morning that ends the night window
``REPLY_DIRECT_DAYS``          ``1``      R4.2 working days for a ``direct`` formal reply
``REPLY_DEPARTMENT_DAYS``      ``2``      R4.2 working days for a ``department`` initial reply
``REPLY_SCHOOL_DAYS``          ``3``      R4.2 working days for a ``school`` initial reply
``COHANDLING_DAYS``            ``1``      R4.4 working days for a co-handling unit's written answer
``DISPATCH_DAYS``              ``0``      R4.5 calendar days after the day of receipt (0 = same day)
``FOLLOWUP_HOURS``             ``48``     R4.6 clock hours for the follow-up after the formal reply
``MAILBOX_DAYS``               ``1``      R4.7 calendar days after the day of arrival to triage a letter
``CALENDAR_CACHE_SECONDS``     ``5``      how long a process trusts its cached calendar before re-checking
``RATING_LINK_DAYS``           ``7``      R7.1 days the requester's online rating link stays valid
``MAX_ROUNDS_BEFORE_CLOSE``    ``3``      R7.2 rounds that must end unsatisfied before "closed unsatisfied"
``DIGEST_TIME``                ``"08:00"`` the unit heads' daily digest goes out from this time on working days
=============================  =========  ===============================================================

Times may be ``"HH:MM"`` strings or ``datetime.time``. ``JIESU_RULES`` is shared by every app, so keys this
module does not know are ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


@dataclass(frozen=True, slots=True)
class ClockRules:
    """Every number of rules §4, with the rules' defaults."""

    RESPONSE_HOURS: int = 2
    RESPONSE_URGENT_MINUTES: int = 30
    RESPONSE_NIGHT_START: dt.time = dt.time(22, 0)
    RESPONSE_NIGHT_END: dt.time = dt.time(8, 0)
    RESPONSE_NIGHT_DUE: dt.time = dt.time(10, 0)
    REPLY_DIRECT_DAYS: int = 1
    REPLY_DEPARTMENT_DAYS: int = 2
    REPLY_SCHOOL_DAYS: int = 3
    COHANDLING_DAYS: int = 1
    DISPATCH_DAYS: int = 0
    FOLLOWUP_HOURS: int = 48
    MAILBOX_DAYS: int = 1
    CALENDAR_CACHE_SECONDS: int = 5
    RATING_LINK_DAYS: int = 7  # R7.1
    MAX_ROUNDS_BEFORE_CLOSE: int = 3  # R7.2
    DIGEST_TIME: dt.time = dt.time(8, 0)


def _coerce(name: str, default: object, value: Any) -> Any:
    if isinstance(default, dt.time):
        if isinstance(value, dt.time):
            return value.replace(tzinfo=None)
        try:
            return dt.time.fromisoformat(str(value))
        except ValueError:
            raise ImproperlyConfigured(
                f"JIESU_RULES[{name!r}] must be a time like '22:00', got {value!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(f"JIESU_RULES[{name!r}] must be a non-negative integer, got {value!r}")
    return value


def rules_from_mapping(values: dict[str, object]) -> ClockRules:
    """Build ``ClockRules`` from a ``JIESU_RULES``-style mapping, validating the keys this app owns."""
    defaults = ClockRules()
    overrides = {
        f.name: _coerce(f.name, getattr(defaults, f.name), values[f.name])
        for f in fields(ClockRules)
        if f.name in values
    }
    return ClockRules(**overrides)


_cached: ClockRules | None = None


def clock_rules() -> ClockRules:
    """The configured rules, parsed once per process (and again after ``override_settings``)."""
    global _cached  # a process-wide memo, reset by the setting_changed receiver below
    if _cached is None:
        _cached = rules_from_mapping(dict(getattr(settings, "JIESU_RULES", {}) or {}))
    return _cached


@receiver(setting_changed)
def _reset_rules(*, setting: str, **kwargs: object) -> None:
    global _cached
    if setting == "JIESU_RULES":
        _cached = None
