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
from django.db import transaction
from django.utils import timezone, translation

from jiesu.demo.people import demo_tickets_q, ensure_pool, load_cast, person_spec
from jiesu.demo.plan import Planner
from jiesu.demo.progress import Progress, Silent
from jiesu.demo.story import Story
from jiesu.demo.timeline import SimClock
from jiesu.tickets.models import Event, Ticket
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
    """Remove every ticket the generator wrote (and its history), leaving the organization untouched."""
    ids = list(Ticket.objects.filter(demo_tickets_q()).values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        Ticket.objects.filter(repeat_of_id__in=chunk).update(repeat_of=None)
        # R10.4's append-only rule governs the product; removing whole demo tickets is the one exception.
        Event.objects.filter(ticket_id__in=chunk).purge_demo_history()
        Ticket.objects.filter(pk__in=chunk).delete()
    return len(ids)


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
