"""Channel backends for the delivery tests (named by dotted path in override_settings)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from jiesu.notify.backends import Backend

SENT: list[tuple[str, str, str]] = []  # (address, body, key) of every message a test backend accepted
ON_SEND: list[Callable[[str], None]] = []  # called with the key of each message RecordingBackend accepts
_lock = threading.Lock()


class RecordingBackend(Backend):
    """Accepts every message and remembers it."""

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        with _lock:
            SENT.append((address, body, key))
        for hook in ON_SEND:
            hook(key)


class FailingBackend(Backend):
    """Refuses every message, as a gateway that is down."""

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        raise ConnectionError("SMS gateway unreachable")


class CloseFailsBackend(RecordingBackend):
    """Accepts every message, then fails to close its connection (a gateway dropping the session)."""

    def close(self) -> None:
        raise ConnectionResetError("gateway closed the session")
