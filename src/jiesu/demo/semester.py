"""`jiesu demo-data --recent-days N`: years of history bulk-loaded, only the recent weeks played through the services.

The seasonal analyses (R9.4) need past years; a leader opening the demo needs a present that behaves like a
working school. Playing two years through the services would take far too long for `make demo`, so the older
requests are built with the tickets app's own builders and inserted in batches (``bulk``), and only the last
``recent_days`` days are played step by step on the simulated clock (``generator``), where the open work, the
reopened tickets and the deadlines about to pass are. Both draw days and texts from the same school year
(``seasons``), so the volume flows on at the boundary.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.utils import timezone

from jiesu.demo import bulk, generator, plan
from jiesu.demo.generator import Summary
from jiesu.demo.people import load_cast
from jiesu.demo.progress import Progress, Silent
from jiesu.workcalendar.clocks import SHANGHAI

ProgressFor = Callable[[int, str], Progress]


def _silent(total: int, label: str) -> Progress:
    return Silent(total)


def split(*, tickets: int, days: int, recent_days: int, now: dt.datetime) -> tuple[int, int]:
    """(history, recent): ``tickets`` shared by how busy the days are (``plan.day_weights``)."""
    first = now.astimezone(SHANGHAI).date() - dt.timedelta(days=days - 1)
    weights = plan.day_weights(first, days, load_cast().calendar)
    recent = round(tickets * sum(weights[days - recent_days :]) / sum(weights))
    recent = max(1, min(tickets, recent))
    return tickets - recent, recent


def load(
    *,
    tickets: int,
    days: int,
    recent_days: int,
    seed: int,
    now: dt.datetime | None = None,
    progress: ProgressFor | None = None,
) -> Summary:
    """``tickets`` requests over the last ``days`` days: those of the last ``recent_days`` days through the
    services, the older ones bulk-loaded with their full histories (as of ``now``)."""
    started = timezone.now()
    now = now or started
    progress = progress or _silent
    recent_days = max(1, min(recent_days, days))
    history, recent = split(tickets=tickets, days=days, recent_days=recent_days, now=now)
    statuses: Counter[str] = Counter()
    if history and recent_days < days:
        past = bulk.load(
            tickets=history,
            days=days,
            skip_last=recent_days,
            seed=seed,
            now=now,
            progress=progress(history, "demo-data (history, bulk)"),
        )
        statuses.update(past.by_status)
    else:
        recent = tickets
    played = generator.generate(
        tickets=recent,
        days=recent_days,
        seed=seed + 1,
        now=now,
        progress=progress(recent, "demo-data (recent weeks)"),
    )
    statuses.update(played.by_status)
    return Summary(tickets, 0, dict(statuses), (timezone.now() - started).total_seconds())
