"""API token reads."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import QuerySet

from jiesu import fastsql
from jiesu.api import tokencache
from jiesu.api.models import ApiToken
from jiesu.api.services import hash_token
from jiesu.org.models import User
from jiesu.org.selectors import membership_columns, membership_join, remember_roles


def active_token(secret: str) -> ApiToken | None:
    """The live token whose hash matches ``secret`` (its person active too), with the person's roles cached
    (``org.selectors.roles_for``), in one query; else None."""
    if not secret:
        return None
    key = hash_token(secret)
    rows = tokencache.get(key)  # PostgreSQL: a recent lookup, while no change can have been missed
    if rows is None:
        since = tokencache.generation()
        with connection.cursor() as cursor:
            cursor.execute(_active_token_sql(), [key])
            rows = cursor.fetchall()
        if not rows:
            return None
        tokencache.put(key, rows, since)
    # Every API call runs this: hand-built SQL, 0.02 ms against the ORM's 0.6 ms (docs/performance.md), and
    # the caller's roles come with it (one row per membership), so the call needs no second query for them.
    split, users = fastsql.width(ApiToken), fastsql.width(User)
    token = fastsql.load(ApiToken, rows[0][:split])
    token.user = fastsql.load(User, rows[0][split : split + users])
    remember_roles(token.user, rows)
    return token


@cache
def _active_token_sql() -> str:
    q = fastsql.quote
    return (
        f"SELECT {fastsql.select_list(ApiToken, 't')}, {fastsql.select_list(User, 'u')}"  # noqa: S608 - model names
        f", {membership_columns()}"
        f" FROM {q(ApiToken._meta.db_table)} t JOIN {q(User._meta.db_table)} u ON u.{q('id')} = t.{q('user_id')}"
        f"{membership_join('u')}"
        f" WHERE t.{q('token_hash')} = %s AND NOT t.{q('revoked')} AND u.{q('is_active')}"
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
