"""Sign-in slow-down (docs/security.md): what django-axes' lockout on username + address leaves open.

* Guessing one account's password from many addresses: after ``USERNAME_FREE_FAILURES`` failures on a username
  within ``WINDOW_SECONDS`` (from any address), each further try on it waits 1, 2, 4 … at most ``MAX_DELAY_SECONDS``
  seconds after the last failure.
* Password spraying — a few passwords against many accounts from one address: after ``ADDRESS_FREE_FAILURES``
  failures from the address within the window, the same growing wait applies to the address.

Slowed, never locked: the right password still signs in once the wait is over, so nobody can lock another person
out; the lockout proper stays with axes (username and address together). A success clears the username's count,
never the address's (a sprayer cannot reset it by signing in to an account of their own).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

USERNAME_FREE_FAILURES = 10
ADDRESS_FREE_FAILURES = 20
WINDOW_SECONDS = 15 * 60
MAX_DELAY_SECONDS = 60


def _keys(kind: str, value: str) -> tuple[str, str]:
    digest = hashlib.sha256(value.casefold().encode()).hexdigest()[:32]
    return f"jiesu:signin:{kind}:fail:{digest}", f"jiesu:signin:{kind}:next:{digest}"


def _subjects(username: str, address: str) -> list[tuple[str, str, int]]:
    return [("user", username.strip(), USERNAME_FREE_FAILURES), ("addr", address, ADDRESS_FREE_FAILURES)]


def wait_seconds(username: str, address: str) -> int:
    """Seconds before this username may be tried from this address again (0: now)."""
    now = time.time()
    waits = [0.0]
    for kind, value, _free in _subjects(username, address):
        if value:
            next_at = cache.get(_keys(kind, value)[1])
            if next_at:
                waits.append(float(next_at) - now)
    return max(0, math.ceil(max(waits)))


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def record_failure(username: str, address: str) -> None:
    """A wrong password: count it for the username and for the address; past the free failures, wait."""
    now = time.time()
    for kind, value, free in _subjects(username, address):
        if not value:
            continue
        fail_key, next_key = _keys(kind, value)
        failures = _count(fail_key)
        if failures >= free:
            delay = min(2 ** (failures - free), MAX_DELAY_SECONDS)
            cache.set(next_key, now + delay, timeout=delay)


def record_success(username: str) -> None:
    """The right password: the username starts afresh (the address does not)."""
    for key in _keys("user", username.strip()):
        cache.delete(key)
