"""`jiesu demo-data`: a semester of demo requests played through the real services (rules §1–§6, R10.4).

Deterministic for a seed and a present: the same ``seed`` and ``now`` give the same requests, channels,
units, people, histories and statuses (ticket numbers and secret tracking codes aside). Services read the
time from ``jiesu.tickets.services.base.now``, which is patched with the story's clock; nothing is
published to listeners (it is history, not news).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar
from unittest import mock

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone, translation

from jiesu.demo.people import demo_tickets_q, ensure_pool, load_cast, person_spec
from jiesu.demo.plan import Planner
from jiesu.demo.progress import Progress, Silent
from jiesu.demo.story import Story
from jiesu.demo.timeline import SimClock
from jiesu.tickets.models import Ticket
from jiesu.tickets.services import base

T = TypeVar("T")
BATCH = 50  # tickets per transaction


@dataclass(frozen=True)
class Summary:
    created: int
    deleted: int
    by_status: dict[str, int]
    seconds: float


def pool_size(tickets: int) -> int:
    """Enough requesters for repeats and variety, few enough that people come back (about 3 requests each)."""
    return max(60, min(tickets // 3, 20_000))


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _silent_publish(event: base.TicketEvent) -> None:
    """Demo history sends no notifications."""


@transaction.atomic
def delete_demo_tickets() -> int:
    """``--reset``: tickets are never deleted (their history and breaches are append-only, R10.4), so a reset
    with demo tickets present is refused; start from a fresh database instead. Returns 0 (nothing deleted)."""
    if Ticket.objects.filter(demo_tickets_q()).exists():
        raise CommandError(
            "Demo tickets are already loaded and tickets are never deleted (their history is append-only). "
            "To start over, use a fresh database: delete the SQLite file (var/jiesu.sqlite3 by default) or "
            "drop and recreate the PostgreSQL database, then run `jiesu migrate` and `jiesu demo-data` again."
        )
    return 0


def generate(
    *,
    tickets: int,
    days: int,
    seed: int,
    now: dt.datetime | None = None,
    reset: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Write ``tickets`` demo requests received over the last ``days`` days, with their histories."""
    started = timezone.now()
    now = now or started
    deleted = delete_demo_tickets() if reset else 0
    progress = progress or Silent(tickets)
    cast = load_cast()
    size = pool_size(tickets)
    requesters = ensure_pool(size)
    rng = random.Random(seed)  # noqa: S311 - demo data
    planner = Planner(
        rng=rng,
        calendar=cast.calendar,
        pool=[person_spec(i) for i in range(size)],
        hotline_units=cast.hotline_units,
        unit_names={c: u.name for c, u in cast.units.items()},
    )
    plans = planner.plans(tickets, days=days, now=now)
    clock = SimClock(now)
    story = Story(cast=cast, rng=rng, clock=clock, requesters=requesters)
    ids: list[int] = []
    with (
        translation.override(settings.LANGUAGE_CODE),
        mock.patch.object(base, "now", clock.now),
        mock.patch.object(base, "publish", _silent_publish),
    ):
        for chunk in _chunks(plans, BATCH):
            with transaction.atomic():
                ids.extend(story.play(plan).pk for plan in chunk)
            progress.update(len(chunk))
    progress.close()
    statuses = Counter(Ticket.objects.filter(pk__in=ids).values_list("status", flat=True).iterator())
    return Summary(len(plans), deleted, dict(statuses), (timezone.now() - started).total_seconds())
