"""Checks every process runs at start (`jiesu check`, runserver, migrate, the worker; gunicorn through
``jiesu.wsgi``): with DEBUG off the site's secret key must be this deployment's own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Keys that were written in Jiesu's source at some time: anyone can read them, so they sign nothing.
PUBLISHED_KEYS = frozenset({"jiesu-insecure-development-key-change-me-0123456789abcdef"})
MIN_LENGTH, MIN_UNIQUE = 50, 5  # as Django's own deployment check (security.W009)


def _weak(key: str) -> bool:
    return (
        key in PUBLISHED_KEYS
        or key.startswith("django-insecure-")
        or len(key) < MIN_LENGTH
        or len(set(key)) < MIN_UNIQUE
    )


@checks.register(checks.Tags.security)
def secret_key_is_private(**kwargs: Any) -> list[checks.CheckMessage]:
    """A forged session or rating link needs only the key: with DEBUG off, no key, a published key or a short
    one stops the process (docs/security.md)."""
    if settings.DEBUG:
        return []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        key = ""
    if not key:
        return [
            checks.Error(
                "SECRET_KEY is not set. With DEBUG off Jiesu does not start without its own secret key.",
                hint="Set SECRET_KEY in the environment to a random value of at least 50 characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="jiesu.web.E001",
            )
        ]
    weak = [name for name, value in _keys(key) if _weak(value)]
    if weak:
        return [
            checks.Error(
                f"{' and '.join(weak)} is a published or weak key: anyone could forge sessions and links.",
                hint="Generate a new random key of at least 50 characters for this deployment and keep it "
                "secret; never use a key from the source, the documentation or an example.",
                id="jiesu.web.E002",
            )
        ]
    return []


def _keys(key: str) -> list[tuple[str, str]]:
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    return [("SECRET_KEY", key), *(("SECRET_KEY_FALLBACKS", str(value)) for value in fallbacks)]


def refuse_to_serve_with_a_weak_key() -> None:
    """For WSGI servers, which run no system checks: stop the process with the check's message."""
    errors = secret_key_is_private()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint} ({errors[0].id})")
