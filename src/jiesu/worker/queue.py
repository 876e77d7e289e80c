"""The huey instance, built from ``settings.QUEUE_URL``.

``sqlite:///path`` (the embedded default: a queue file beside the database, so the web process and the worker
share it without a server), ``redis://…`` (production; several workers on several machines share one queue)
or ``memory://`` (tests that do not start a worker: enqueued tasks stay in this process and never run).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey


def build_huey(url: str, name: str) -> Huey:
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url.removeprefix("sqlite://")
        path = path[1:] if path.startswith("//") else path  # sqlite:////abs and sqlite:///abs both work
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=path, results=False, timeout=30)
    if scheme in {"redis", "rediss", "unix"}:
        return RedisHuey(name=name, url=url, results=False)
    if scheme == "memory":
        return MemoryHuey(name=name, results=False)
    raise ValueError(f"JIESU_QUEUE_URL: unsupported queue {url!r} (sqlite://, redis:// or memory://)")


log = logging.getLogger(__name__)

huey = build_huey(settings.QUEUE_URL, settings.QUEUE_NAME)


# Wake-ups are coalesced per process: one task scheduled ``delay`` ahead covers every row committed before it
# runs, so a burst of commits (intake under load) costs one queue write, not one each.
KICK_DELAY = 1.0  # outbox delivery
RECORD_DELAY = 1.0  # recording accepted API requests (tickets/services/staging.py)


class _Kick:
    def __init__(self, task_name: str, delay: float) -> None:
        self.task_name, self.delay = task_name, delay
        self.lock = threading.Lock()
        self.next_at = 0.0

    def __call__(self) -> None:
        if isinstance(huey, MemoryHuey):
            return
        now = time.monotonic()
        with self.lock:
            if now < self.next_at:
                return  # a task already scheduled after this commit will see its rows
            self.next_at = now + self.delay
        from jiesu.worker import tasks  # noqa: PLC0415 - tasks import this module

        try:
            getattr(tasks, self.task_name).schedule(delay=self.delay)
        except Exception:  # noqa: BLE001 - the change is committed; the minute sweep does the work anyway
            with self.lock:
                self.next_at = 0.0
            log.exception("could not wake the worker (queue %s); the next sweep does it", settings.QUEUE_URL)


enqueue_delivery = _Kick("deliver", KICK_DELAY)
enqueue_delivery.__doc__ = """Ask a worker to deliver the outbox soon (called after a commit that wrote outbox
rows). The minute sweep also delivers, so a lost wake-up only delays a message; under ``memory://`` nothing
runs."""
enqueue_recording = _Kick("record", RECORD_DELAY)
enqueue_recording.__doc__ = """Ask a worker to record accepted API requests soon (after the accepting commit);
the minute sweep and the first read of a number also record them."""
