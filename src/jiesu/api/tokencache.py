"""A per-process copy of recent bearer-token lookups, dropped at once when anything it depends on changes
(R10: a revoked token, a deactivated person or a removed role must stop working as soon as it does now).

Every API call looked its token up (token, person and roles: one round trip, a tenth of an intake request's
cost, docs/performance.md). On PostgreSQL each connection ``LISTEN``s on ``jiesu_auth``, which a trigger on the
tokens, people, memberships and units tables notifies at the commit of any change (migration
``api/0003``). The copy is used only while the connection is open, idle, outside a transaction, and has nothing
waiting on its socket — a notification makes the socket readable, so a pending one is never missed: the copy
is dropped and the lookup asks the database, which also takes the notification in (and the handler drops the
copy again). The copy belongs to one connection — its own notifications, its own socket — so threads with
their own connections never trust each other's entries, and a new connection starts with none. It is kept only
once the connection has proved that it hears its own notification (a probe on a channel of its own: behind a
transaction-pooling PgBouncer it does not, and nothing is cached). Entries live at most ``MAX_AGE`` in any case.
Only successful lookups are kept, as raw rows, and every hit builds new objects from them (nothing is shared
between requests).

SQLite, or ``JIESU_TOKEN_CACHE=0``: no copy. After restoring a dump with triggers disabled, or rolling back
migration ``api/0003``, restart the processes.
"""

from __future__ import annotations

import secrets
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

CHANNEL = "jiesu_auth"
MAX_AGE = 60.0  # seconds: a backstop, not what keeps the copy right
MAX_ENTRIES = 1000


@dataclass
class _Copy:
    """One connection's cached lookups; ``generation`` moves on every drop."""

    rows: dict[str, tuple[float, list[Any]]] = field(default_factory=dict)
    generation: int = 0

    def clear(self) -> None:
        self.generation += 1
        self.rows.clear()


# psycopg connection → its copy; a connection that is not listening (or proved it does not hear) has none.
_copies: weakref.WeakKeyDictionary[Any, _Copy] = weakref.WeakKeyDictionary()


def enabled() -> bool:
    return bool(getattr(settings, "JIESU_TOKEN_CACHE", False))


def _held() -> _Copy | None:
    """This thread's connection's copy, if it has one (only a listening PostgreSQL connection does)."""
    if not enabled() or connection.vendor != "postgresql" or connection.connection is None:
        return None
    return _copies.get(connection.connection)


def _mine() -> _Copy | None:
    """This thread's connection's copy, if the connection may be trusted to have heard every change."""
    copy = _held()
    if copy is None or connection.in_atomic_block:
        return None
    if not connection.is_quiet():  # type: ignore[attr-defined]  # only jiesu.dbbackend.postgresql listens
        copy.clear()  # a notification (or a goodbye) is waiting: the lookup asks the database
        return None
    return copy


def get(key: str) -> list[Any] | None:
    """The rows cached for this token hash, if they may still be trusted; else None."""
    copy = _mine()
    if copy is None:
        return None
    found = copy.rows.get(key)
    if found is None:
        return None
    stored_at, rows = found
    if time.monotonic() - stored_at > MAX_AGE:
        copy.rows.pop(key, None)
        return None
    return rows


def generation() -> tuple[int, int]:
    """Read before a lookup and give to ``put``: a change notified while the lookup ran (its rows may predate
    it), or another connection, and the rows are not kept."""
    copy = _held()
    return (id(connection.connection), copy.generation if copy is not None else -1)


def put(key: str, rows: list[Any], since: tuple[int, int]) -> None:
    copy = _mine()
    if copy is None or since != (id(connection.connection), copy.generation):
        return
    if len(copy.rows) >= MAX_ENTRIES:
        copy.rows.clear()
    copy.rows[key] = (time.monotonic(), rows)


def clear() -> None:
    """Drop every connection's copy (tests; a change this process knows of)."""
    for copy in list(_copies.values()):
        copy.clear()


@receiver(connection_created)
def _listen(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A new PostgreSQL connection listens for changes and gets a copy only once it has heard its own probe."""
    if not enabled() or connection.vendor != "postgresql" or connection.alias != "default":
        return
    conn = connection.connection
    copy = _Copy()
    probe = f"jiesu_probe_{secrets.token_hex(8)}"
    heard: list[str] = []

    def on_notify(notify: Any) -> None:
        if notify.channel == CHANNEL:
            copy.clear()
        elif notify.channel == probe:
            heard.append(notify.payload)

    conn.add_notify_handler(on_notify)
    with conn.cursor() as cursor:  # psycopg's own cursor, in autocommit: each statement takes effect at once
        cursor.execute(f"LISTEN {CHANNEL}")
        cursor.execute(f"LISTEN {probe}")
        cursor.execute("SELECT pg_notify(%s, 'probe')", [probe])
        cursor.execute(f"UNLISTEN {probe}")
    if heard:  # the same session heard itself: LISTEN holds (not so behind a transaction pooler)
        _copies[conn] = copy
