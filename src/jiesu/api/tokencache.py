"""A per-process copy of recent bearer-token lookups, dropped at once when anything it depends on changes
(R10: a revoked token, a deactivated person or a removed role must stop working as soon as it does now).

Every API call looked its token up (token, person and roles: one round trip, a tenth of an intake request's
cost, docs/performance.md). On PostgreSQL each connection ``LISTEN``s on ``jiesu_auth``, which a trigger on the
tokens, people, memberships and units tables notifies at the commit of any change (migration
``api/0003``). The copy is used only while the connection is open, idle, outside a transaction, and has nothing
waiting on its socket — a notification makes the socket readable, so a pending one is never missed: the copy
is dropped and the lookup asks the database, which also takes the notification in (and the handler drops the
copy again). A new connection, which may have missed notifications while there was none, starts with an empty
copy; entries live at most ``MAX_AGE`` in any case. Only successful lookups are kept, as raw rows, and every hit
builds new objects from them (nothing is shared between requests).

SQLite, a transaction-pooling PgBouncer (``LISTEN`` is not kept there) or ``JIESU_TOKEN_CACHE=0``: no copy.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

CHANNEL = "jiesu_auth"
MAX_AGE = 60.0  # seconds: a backstop, not what keeps the copy right
MAX_ENTRIES = 1000

_rows: dict[str, tuple[float, list[Any]]] = {}
_generation = [0]  # moves on every drop: a lookup that ran while a change arrived is not kept


def enabled() -> bool:
    return bool(getattr(settings, "JIESU_TOKEN_CACHE", False))


def get(key: str) -> list[Any] | None:
    """The rows cached for this token hash, if they may still be trusted; else None (and the copy dropped when
    a change may be waiting)."""
    found = _rows.get(key)
    if found is None:
        return None
    if not _quiet():
        clear()
        return None
    stored_at, rows = found
    if time.monotonic() - stored_at > MAX_AGE:
        _rows.pop(key, None)
        return None
    return rows


def generation() -> int:
    """Read before a lookup and give to ``put``: a change notified while the lookup ran (its rows may predate
    it) moves the generation, and the rows are not kept."""
    return _generation[0]


def put(key: str, rows: list[Any], since: int) -> None:
    if since != _generation[0] or not _quiet():
        return
    if len(_rows) >= MAX_ENTRIES:
        _rows.clear()
    _rows[key] = (time.monotonic(), rows)


def clear() -> None:
    _generation[0] += 1
    _rows.clear()


def _quiet() -> bool:
    """Listening, idle, outside any transaction, and no notification (or goodbye) waiting on the socket."""
    if not enabled() or connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    if not getattr(connection, "jiesu_listening", False):
        return False
    quiet = getattr(connection, "is_quiet", None)
    return bool(quiet is not None and quiet())


def _on_notify(notify: Any) -> None:
    if notify.channel == CHANNEL:
        clear()


@receiver(connection_created)
def _listen(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Each new PostgreSQL connection listens for changes (and the copy starts empty: notifications sent while
    this process had no connection were not received)."""
    clear()
    if not enabled() or connection.vendor != "postgresql" or connection.alias != "default":
        return
    connection.connection.add_notify_handler(_on_notify)
    with connection.connection.cursor() as cursor:  # psycopg's own cursor: before Django's wrappers exist
        cursor.execute(f"LISTEN {CHANNEL}")
    connection.jiesu_listening = True
