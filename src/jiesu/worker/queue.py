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


# Wake-ups are coalesced per process: one delivery task scheduled KICK_DELAY ahead covers every outbox row
# committed before it runs, so a burst of commits costs one queue write, not one each.
KICK_DELAY = 1.0
_kick_lock = threading.Lock()
_next_kick_at = 0.0


def enqueue_delivery() -> None:
    """Ask a worker to deliver the outbox soon (registered by ``WorkerConfig.ready`` to run after every commit
    that wrote outbox rows). The minute sweep also delivers, so a lost wake-up only delays a message; under
    ``memory://`` nothing runs."""
    global _next_kick_at
    if isinstance(huey, MemoryHuey):
        return
    now = time.monotonic()
    with _kick_lock:
        if now < _next_kick_at:
            return  # a delivery already scheduled after this commit will see its rows
        _next_kick_at = now + KICK_DELAY
    from jiesu.worker.tasks import deliver  # noqa: PLC0415 - tasks import this module

    try:
        deliver.schedule(delay=KICK_DELAY)
    except Exception:  # noqa: BLE001 - the change is committed; the minute sweep delivers anyway
        with _kick_lock:
            _next_kick_at = 0.0
        log.exception("could not wake the worker (queue %s); the next sweep delivers", settings.QUEUE_URL)


def enqueue_training(actor_id: int | None) -> None:
    """R9.5: ask a worker for a new dispatch model version (registered with the insight app by
    ``WorkerConfig.ready``; called after the request commits)."""
    from jiesu.worker.tasks import train_dispatch  # noqa: PLC0415 - tasks import this module

    try:
        train_dispatch(actor_id)
    except Exception:  # noqa: BLE001 - the nightly training still runs
        log.exception("could not queue the dispatch training (queue %s)", settings.QUEUE_URL)


def enqueue_seasonal(actor_id: int | None) -> None:
    """R9.4: ask a worker for a new seasonal computation (registered with the insight app by
    ``WorkerConfig.ready``; called after the request commits)."""
    from jiesu.worker.tasks import seasonal_compute  # noqa: PLC0415 - tasks import this module

    try:
        seasonal_compute(actor_id)
    except Exception:  # noqa: BLE001 - the nightly computation still runs
        log.exception("could not queue the seasonal computation (queue %s)", settings.QUEUE_URL)


def enqueue_referral_import(batch_id: int) -> None:
    """R2.6 / issue 15 item 5: run a confirmed referral import on a worker (registered with the referrals app by
    ``WorkerConfig.ready``; called after the confirmation commits). A lost task is resumed from the page."""
    from jiesu.worker.tasks import import_referrals  # noqa: PLC0415 - tasks import this module

    try:
        import_referrals(batch_id)
    except Exception:  # noqa: BLE001 - the batch stays queued; the Office resumes it from its page
        log.exception("could not queue referral import %s (queue %s)", batch_id, settings.QUEUE_URL)
