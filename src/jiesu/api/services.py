"""API token writes: create (the secret is shown once), revoke, and the throttled last-used stamp."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiesu.api.models import ApiToken
from jiesu.org.models import User

PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
# A request stamps last_used_at at most once in this interval, so intake under load does not write per call.
TOUCH_INTERVAL = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the full bearer token; shown once, never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_prefix() -> str:
    return "jsu_" + "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def token_create(*, user: User, name: str = "") -> IssuedToken:
    """Issue a bearer token for ``user``: ``<prefix>_<secret>``; only its SHA-256 hash is kept."""
    for _attempt in range(5):
        prefix = _new_prefix()
        secret = f"{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user, name=name.strip()[:100], prefix=prefix, token_hash=hash_token(secret)
                )
        except IntegrityError:  # a prefix collision: draw again
            continue
        return IssuedToken(token, secret)
    raise RuntimeError("could not draw a unique token prefix")


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; it answers 401 from then on. Revoking twice keeps the first time."""
    if not token.revoked:
        token.revoked, token.revoked_at = True, timezone.now()
        token.save(update_fields=["revoked", "revoked_at"])
    return token


def token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record use, at most once per TOUCH_INTERVAL (a conditional update, no read-modify-write)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
