"""API token reads."""

from __future__ import annotations

from django.db.models import QuerySet

from jiesu.api.models import ApiToken
from jiesu.api.services import hash_token
from jiesu.org.models import User


def active_token(secret: str) -> ApiToken | None:
    """The live token whose hash matches ``secret`` (its person active too), in one query; else None."""
    if not secret:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked=False, user__is_active=True)
        .first()
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
