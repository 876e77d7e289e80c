"""`jiesu demo-data --bulk`: demo requests written in batches, for benchmarks (issue 4 item 13).

The rows are built with the tickets app's own builders (``bulk_story``) and inserted with ``bulk_create``, a
batch per transaction. Ticket numbers are reserved from each day's counter (``services.base.reserve_numbers``,
the counter intake uses), so intake may run beside a load. Texts come from a pool of rendered requests per unit
(tokenized once), so a million tickets cost a few thousand tokenizations.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from jiesu.demo import phrases, plan, seasons
from jiesu.demo.bulk_story import Built, BulkStory, Staff
from jiesu.demo.bulk_write import Writer
from jiesu.demo.corpus import templates_for
from jiesu.demo.generator import Summary, delete_demo_tickets, pool_size
from jiesu.demo.people import Cast, PersonSpec, ensure_pool, load_cast, person_spec
from jiesu.demo.progress import Progress, Silent
from jiesu.demo.render import Text, greeting, reply_text, request_text
from jiesu.org.models import User
from jiesu.tickets.models import DIRECT_CHANNELS, Channel, Ticket
from jiesu.tickets.services.base import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    hash_tracking_code,
    reserve_numbers,
    ticket_number,
)
from jiesu.tickets.text import search_text
from jiesu.workcalendar.clocks import SHANGHAI


@dataclass(frozen=True)
class PooledText:
    letter: str
    text: Text
    tokens: str


class TextPool:
    """Rendered requests per unit and seasonal topic (``size`` each), drawn lazily: the same seed draws the same
    pool. Which topic a request is of depends on the month (``seasons``: heating in November …)."""

    def __init__(self, rng: random.Random, unit_names: dict[str, str], size: int) -> None:
        self.rng, self.unit_names, self.size = rng, unit_names, size
        self.pools: dict[tuple[str, str, bool], list[PooledText]] = {}
        self.topics: dict[tuple[str, int], tuple[list[str], list[float]]] = {}

    def pick(self, unit: str, *, web: bool, month: int) -> PooledText:
        topics = self.topics.get((unit, month))
        if topics is None:
            weights = seasons.topic_weights(templates_for(unit), month)
            topics = self.topics[(unit, month)] = (list(weights), list(weights.values()))
        topic = self.rng.choices(topics[0], weights=topics[1])[0]
        pool = self.pools.get((unit, topic, web))
        if pool is None:
            every = self.pools.get((unit, topic, False)) or [
                self._render(unit, topic) for _ in range(self._size(unit, topic))
            ]
            self.pools[(unit, topic, False)] = every
            pool = self.pools[(unit, topic, True)] = [p for p in every if p.letter != "e"] or every
        return self.rng.choice(pool if web else self.pools[(unit, topic, False)])

    def _size(self, unit: str, topic: str) -> int:
        templates = templates_for(unit)
        share = sum(1 for t in templates if seasons.topic_of(t) == topic) / len(templates)
        return max(5, round(self.size * share))

    def _render(self, unit: str, topic: str) -> PooledText:
        template = self.rng.choice([t for t in templates_for(unit) if seasons.topic_of(t) == topic])
        letter = self.rng.choice(template[1])
        campus = "zhuozhou" if letter == "s" and self.rng.random() < 0.2 else "beijing"
        text = request_text(
            self.rng, template, unit_name=self.unit_names[unit], kind_letter=letter, campus=campus
        )
        return PooledText(letter, text, search_text(text.subject, text.content))


def _day_counts(rng: random.Random, first: dt.date, days: int, total: int, cast: Cast) -> list[int]:
    """Requests per day (``plan.day_weights``), largest-remainder rounding to exactly ``total``."""
    weights = plan.day_weights(first, days, cast.calendar)
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    for d in sorted(range(days), key=lambda d: (counts[d] - exact[d], rng.random()))[: total - sum(counts)]:
        counts[d] += 1
    return counts


class Loader:
    def __init__(
        self,
        *,
        rng: random.Random,
        cast: Cast,
        specs: list[PersonSpec],
        users: list[User],
        now: dt.datetime,
        story: BulkStory,
        texts: TextPool,
    ) -> None:
        self.rng, self.cast, self.specs, self.now, self.story, self.texts = (
            rng,
            cast,
            specs,
            now,
            story,
            texts,
        )
        self.user_ids = [u.pk for u in users]
        self.by_letter: dict[str, list[int]] = {}
        for i, spec in enumerate(specs):
            self.by_letter.setdefault(plan.kind_letter(spec.kind), []).append(i)
        # Secret codes stay unpredictable from the seed (only their hashes are stored, R10.1), but a million
        # of them must not cost a million SystemRandom draws: a generator seeded from the OS, per load.
        self.codes = random.Random(os.urandom(32))  # noqa: S311

    def tracking_code(self) -> str:
        return "".join(self.codes.choices(TRACKING_ALPHABET, k=TRACKING_LENGTH))

    def received(self, day: dt.date, count: int) -> list[tuple[dt.datetime, str, str, str]]:
        """(received_at, channel, unit, number) of the day's requests, in order of receipt. Numbers come from the
        day's counter, a block per date (a request the present pushed back lands on the day before)."""
        working = self.cast.calendar.is_working_day(day)
        found = []
        for _ in range(count):
            channel = plan.weighted(self.rng, plan.WORKDAY_CHANNELS if working else plan.OFFDAY_CHANNELS)
            unit = plan.pick_unit(self.rng, channel, working, self.cast.hotline_units)
            hour = plan.hour(self.rng, channel, unit)
            at = dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), tzinfo=SHANGHAI)
            if at >= self.now:
                at = self.now - dt.timedelta(minutes=self.rng.randint(1, 600))
            found.append((at.replace(second=0, microsecond=0), channel, unit))
        found.sort()
        dates = Counter(at.astimezone(SHANGHAI).date() for at, _c, _u in found)
        numbers = {date: iter(reserve_numbers(date, n)) for date, n in sorted(dates.items())}
        return [
            (at, channel, unit, ticket_number(date, next(numbers[date])))
            for at, channel, unit in found
            for date in [at.astimezone(SHANGHAI).date()]
        ]

    def ticket(self, received: dt.datetime, channel: str, unit: str, number: str) -> Built:
        rng, cast = self.rng, self.cast
        pooled = self.texts.pick(unit, web=channel == Channel.WEB, month=received.astimezone(SHANGHAI).month)
        letter = pooled.letter
        index = rng.choice(self.by_letter.get(letter) or self.by_letter.get("s") or [0])
        spec = self.specs[index]
        anonymous = channel == Channel.MAILBOX and rng.random() < 0.3
        day = received.astimezone(SHANGHAI).date()
        direct = channel in DIRECT_CHANNELS
        unit_id = cast.units[unit].pk
        staff = self.story.staff
        recorders: dict[str, int] = {
            Channel.WEB: self.user_ids[index],
            Channel.MAILBOX: staff.clerk,
            Channel.DUTY_ROOM: rng.choice(staff.duty),
        }
        recorder = recorders.get(channel)
        if recorder is None:
            recorder = (
                rng.choice(staff.workers.get(unit) or [staff.heads[unit]])
                if direct
                else rng.choice(staff.dispatchers)
            )
        urgent = pooled.text.type == "help" and unit in phrases.URGENT_REASONS and rng.random() < 0.06
        urgent = urgent and channel != Channel.WEB  # R1.5: set by the receiver
        source_name, reference = ("", "")
        if channel == Channel.REFERRAL:
            source_name, pattern = rng.choice(phrases.REFERRAL_SOURCES)
            reference = pattern.format(day=f"{day:%Y%m%d}", year=day.year, n=rng.randint(10, 999))
        ticket = Ticket(
            number=number,
            tracking_code_hash=hash_tracking_code(number, self.tracking_code()),
            type=pooled.text.type,
            channel=channel,
            campus_id=cast.campuses[spec.campus_code].pk,
            subject=pooled.text.subject[:120],
            content=pooled.text.content,
            urgent=urgent,
            urgent_reason=phrases.URGENT_REASONS[unit] if urgent else "",
            requester_id=None if anonymous else self.user_ids[index],
            requester_name="" if anonymous else spec.full_name,
            requester_kind="external" if anonymous else spec.kind,
            contact_phone="" if anonymous else spec.phone,
            contact_email="" if anonymous else spec.email,
            anonymous=anonymous,
            received_at=received,
            recorded_by_id=recorder,
            receiving_unit_id=unit_id if direct else None,
            source_name=source_name,
            source_reference=reference,
            source_due_at=received + dt.timedelta(days=7) if source_name else None,
            search_text=pooled.tokens,
        )
        body = reply_text(
            rng,
            unit_name=cast.units[unit].name,
            subject=ticket.subject,
            answer=pooled.text.answer,
            hello=greeting(ticket.requester_name, letter),
        )
        return self.story.build(ticket, unit, body, unit_id, cast.units[unit].name)


def _staff(cast: Cast) -> Staff:
    return Staff(
        workers={c: [u.pk for u in us] for c, us in cast.workers.items()},
        heads={c: u.pk for c, u in cast.heads.items()},
        dispatchers=[u.pk for u in cast.dispatchers],
        duty=[u.pk for u in cast.duty],
        clerk=cast.clerk.pk,
    )


def load(
    *,
    tickets: int,
    days: int,
    seed: int,
    now: dt.datetime | None = None,
    reset: bool = False,
    progress: Progress | None = None,
    batch: int = 20_000,
    skip_last: int = 0,
) -> Summary:
    """Write ``tickets`` requests received over the last ``days`` days, with consistent clocks and histories.
    ``skip_last``: none received in the last days of them (the recent weeks ``semester`` plays through the
    services); their histories still run up to ``now``."""
    started = timezone.now()
    now = now or started
    progress = progress or Silent(tickets)
    deleted = delete_demo_tickets() if reset else 0
    cast = load_cast()
    size = pool_size(tickets)
    users = ensure_pool(size)
    rng = random.Random(seed)  # noqa: S311 - demo data
    writer = Writer()
    story = BulkStory(rng=rng, calendar=cast.calendar, staff=_staff(cast), now=now)
    texts = TextPool(rng, {c: u.name for c, u in cast.units.items()}, size=max(20, min(400, tickets // 50)))
    loader = Loader(
        rng=rng,
        cast=cast,
        specs=[person_spec(i) for i in range(size)],
        users=users,
        now=now,
        story=story,
        texts=texts,
    )
    first_day = now.astimezone(SHANGHAI).date() - dt.timedelta(days=days - 1)
    statuses: Counter[str] = Counter()
    built: list[Built] = []
    with translation.override(settings.LANGUAGE_CODE):
        for offset, count in enumerate(_day_counts(rng, first_day, days - skip_last, tickets, cast)):
            for received, channel, unit, number in loader.received(first_day + dt.timedelta(offset), count):
                item = loader.ticket(received, channel, unit, number)
                statuses[item.ticket.status] += 1
                built.append(item)
                if len(built) >= batch:
                    _flush(writer, built, progress)
        _flush(writer, built, progress)
    writer.analyze()
    progress.close()
    return Summary(tickets, deleted, dict(statuses), (timezone.now() - started).total_seconds())


def _flush(writer: Writer, built: list[Built], progress: Progress) -> None:
    if not built:
        return
    with transaction.atomic():
        writer.write_built(built)
    progress.update(len(built))
    built.clear()
