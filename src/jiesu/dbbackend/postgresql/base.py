"""Django's PostgreSQL backend with a health check that costs no round trip while the connection is quiet.

With persistent connections (``CONN_MAX_AGE``) and ``CONN_HEALTH_CHECKS``, Django checks a reused connection at
the start of each request with ``SELECT 1``: one more round trip per API call, a fifth of the intake's time in
the server under load (docs/performance.md "API intake"). A server that ends a session — a restart, an
administrator's ``pg_terminate_backend``, an idle timeout — sends its goodbye (a FATAL message) and closes the
socket, so an idle connection whose socket has nothing to read is alive as far as anything but a round trip can
tell. Only when the socket has something to read, or the connection is not idle, is ``SELECT 1`` still asked
(the same check Go's pgx pool makes before handing out a connection). A peer that vanished without a word (a
cut network) is found by the query itself, as it was by ``SELECT 1``.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        # Not quiet — in a transaction (or one that failed), closed, or something arrived unasked: most likely
        # the server's goodbye, or a notification (api.tokencache) — ask the server, which takes it in.
        return self.is_quiet() or bool(super().is_usable())

    def is_quiet(self) -> bool:
        """Open, idle outside a transaction, and nothing waiting on the socket (no goodbye, no notification)."""
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            return not _readable(conn.fileno())
        except OSError:
            return False


def _readable(fd: int) -> bool:
    """Whether the socket has something to read (or was closed), without waiting. ``poll`` where there is one:
    ``select`` cannot watch a descriptor numbered 1024 or more (a process with many open files)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _w, _x = select.select([fd], [], [], 0)
    return bool(readable)
