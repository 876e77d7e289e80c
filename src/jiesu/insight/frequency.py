"""High-frequency issues (R9.2): the topics of each unit's requests in a semester, ranked by volume.

A semester's requests are the ones received from the day after the previous semester ended through its last day
(``workcalendar.semesters``: a day of a break belongs to the semester that follows it). They are clustered with
the hot-topic clustering (``hot.clusters``: the same segmentation, TF-IDF and cosine graph), with the previous
semester's requests in the vocabulary; each cluster is cut by lead unit, and a unit's part with at least
``MIN_TICKETS`` requests is one of its high-frequency issues (at most ``PER_UNIT``, biggest first). Its trend is
the number of the unit's requests of the previous semester similar to it (cosine to its centroid ≥ ``hot.LINK``,
as the hot topics' baseline); once the following semester is analysed, the same count there is kept beside a
topic with a root-cause measure (``following``: did the volume drop?).

The clustering takes seconds on a large semester, so its result is kept (``FrequentTopic``):
``frequent_topics_record`` runs nightly for the current semester and on the Office's demand for any other; the
page reads the kept rows (``ranking``: three queries whatever the number of topics and requests).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jiesu.insight import hot
from jiesu.insight.models import FrequentTopic, RootCauseMeasure
from jiesu.org.models import Unit
from jiesu.tickets.models import Ticket
from jiesu.workcalendar.clocks import SHANGHAI, end_of_day
from jiesu.workcalendar.semesters import Semester, semester_of

MIN_TICKETS = 5  # a unit's topic is high-frequency from 5 requests in the semester …
PER_UNIT = 10  # … and at most the 10 biggest of each unit are kept
PAST_SEMESTERS = 8  # the selector offers the current semester and the 8 before it
_FIELDS = ("id", "number", "subject", "content", "requester_id", "contact_phone", "lead_unit_id")


# --- Semesters ---------------------------------------------------------------------------------------------------


def previous(semester: Semester) -> Semester:
    if semester.term == "spring":
        return Semester(semester.year - 1, "autumn")
    return Semester(semester.year, "spring")


def following(semester: Semester) -> Semester:
    if semester.term == "spring":
        return Semester(semester.year, "autumn")
    return Semester(semester.year + 1, "spring")


def span(semester: Semester) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the requests that count for ``semester`` (Asia/Shanghai days; the break before it
    included, so every request belongs to exactly one semester, as ``semester_of`` says)."""
    return end_of_day(previous(semester).last_day), end_of_day(semester.last_day)


def current(now: dt.datetime | None = None) -> Semester:
    return semester_of(timezone.localtime(now or timezone.now(), SHANGHAI).date())


def parse(key: str | None, now: dt.datetime | None = None) -> Semester | None:
    """The semester named by ``key`` (``2026-autumn``) among those offered; ``None`` when it is not one."""
    return {s.key: s for s in choices(now)}.get(key or "")


def of_key(key: str) -> Semester:
    """The semester of a kept key (``2026-autumn``)."""
    year, term = key.split("-")
    return Semester(int(year), term)


def choices(now: dt.datetime | None = None) -> list[Semester]:
    """The current semester and the ``PAST_SEMESTERS`` before it, newest first."""
    found = [current(now)]
    for _ in range(PAST_SEMESTERS):
        found.append(previous(found[-1]))
    return found


def has_begun(semester: Semester, now: dt.datetime | None = None) -> bool:
    return span(semester)[0] <= (now or timezone.now())


# --- Computing the topics (writes derived rows) ---------------------------------------------------------------


@dataclass
class _Found:
    unit_id: int
    rows: list[int]  # indices into the semester's rows
    terms: list[str]
    requesters: int
    previous: int
    ticket_ids: set[int] = field(default_factory=set)


def _rows(semester: Semester) -> list[tuple]:
    start, end = span(semester)
    return list(
        Ticket.objects.filter(received_at__gte=start, received_at__lt=end, lead_unit__isnull=False)
        .order_by("id")
        .values_list(*_FIELDS)
    )


def _text(row: tuple) -> str:
    return f"{row[2]} {row[3]}"


def _find(window: list[tuple], before: list[tuple], found: hot.Clustering) -> list[_Found]:
    """Each cluster cut by lead unit; a unit's part of ``MIN_TICKETS`` or more is a topic of that unit."""
    before_units = [r[6] for r in before]
    per_unit: dict[int, list[_Found]] = defaultdict(list)
    for members in found.clusters:
        parts: dict[int, list[int]] = defaultdict(list)
        for i in members:
            parts[window[i][6]].append(i)
        for unit_id, part in parts.items():
            if len(part) < MIN_TICKETS:
                continue
            similar_before = found.similar(found.centroid(part), old=True)
            earlier = sum(1 for j in similar_before.nonzero()[0] if before_units[j] == unit_id)
            per_unit[unit_id].append(
                _Found(
                    unit_id=unit_id,
                    rows=part,
                    terms=found.terms(part),
                    requesters=len({hot.who(window[i]) for i in part}),
                    previous=earlier,
                    ticket_ids={window[i][0] for i in part},
                )
            )
    out = []
    for topics in per_unit.values():
        topics.sort(key=lambda t: -len(t.rows))
        out += topics[:PER_UNIT]
    return out


def _following_counts(
    semester: Semester, window: list[tuple], before: list[tuple], found: hot.Clustering
) -> dict[int, int]:
    """For the previous semester's topics that have a root-cause measure: how many of this semester's requests of
    the same unit are similar to them (the evaluation: did the volume drop?)."""
    measured = FrequentTopic.objects.filter(
        semester=previous(semester).key, measures__isnull=False
    ).distinct()
    links = FrequentTopic.tickets.through.objects.filter(frequenttopic__in=measured).values_list(
        "frequenttopic_id", "ticket_id", "frequenttopic__unit_id"
    )
    index = {r[0]: i for i, r in enumerate(before)}
    members: dict[int, list[int]] = defaultdict(list)
    unit_of: dict[int, int] = {}
    for topic_id, ticket_id, unit_id in links:
        unit_of[topic_id] = unit_id
        if ticket_id in index:
            members[topic_id].append(index[ticket_id])
    counts = {}
    for topic_id, rows in members.items():
        similar = found.similar(found.centroid(rows, old=True))
        counts[topic_id] = sum(1 for i in similar.nonzero()[0] if window[i][6] == unit_of[topic_id])
    return counts


def _match(topics: list[_Found], semester: Semester) -> dict[int, int]:
    """Which kept row each found topic continues (index → row id): same unit, the most shared requests (one
    query); each row continues one topic at most."""
    kept: dict[int, int] = dict(
        FrequentTopic.tickets.through.objects.filter(frequenttopic__semester=semester.key).values_list(
            "ticket_id", "frequenttopic_id"
        )
    )
    unit_of = dict(FrequentTopic.objects.filter(semester=semester.key).values_list("id", "unit_id"))
    taken: set[int] = set()
    out = {}
    for n, topic in sorted(enumerate(topics), key=lambda p: -len(p[1].rows)):
        shared: dict[int, int] = defaultdict(int)
        for ticket_id in topic.ticket_ids:
            row = kept.get(ticket_id)
            if row is not None and unit_of.get(row) == topic.unit_id and row not in taken:
                shared[row] += 1
        if shared:
            best = max(shared, key=lambda r: (shared[r], -r))
            taken.add(best)
            out[n] = best
    return out


def frequent_topics_record(*, semester: Semester, now: dt.datetime | None = None) -> list[FrequentTopic]:
    """R9.2: compute the semester's high-frequency issues and keep them (the clustering runs outside the
    transaction; the rows are replaced in one). Rows with a root-cause measure are never dropped."""
    now = now or timezone.now()
    window = _rows(semester)
    before = _rows(previous(semester))
    topics: list[_Found] = []
    following_counts: dict[int, int] = {}
    if window:
        found = hot.clusters([_text(r) for r in window], [_text(r) for r in before])
        topics = _find(window, before, found)
        if before:
            following_counts = _following_counts(semester, window, before, found)
    with transaction.atomic():
        # Two recomputations at once (the nightly task and "recompute now") take turns on the kept rows.
        list(FrequentTopic.objects.select_for_update().filter(semester=semester.key).values_list("pk"))
        matched = _match(topics, semester)
        kept = []
        for n, topic in enumerate(topics):
            fields = {
                "label": "、".join(topic.terms) or window[topic.rows[0]][2][:200],
                "terms": topic.terms,
                "requesters": topic.requesters,
                "previous": topic.previous,
                "computed_at": now,
            }
            if n in matched:
                FrequentTopic.objects.filter(pk=matched[n]).update(**fields)
                row = FrequentTopic(pk=matched[n], semester=semester.key, unit_id=topic.unit_id, **fields)
            else:
                row = FrequentTopic.objects.create(semester=semester.key, unit_id=topic.unit_id, **fields)
            row.tickets.set(topic.ticket_ids)
            kept.append(row)
        stale = FrequentTopic.objects.filter(semester=semester.key, measures__isnull=True).exclude(
            pk__in=[r.pk for r in kept]
        )
        FrequentTopic.tickets.through.objects.filter(frequenttopic__in=stale).delete()
        stale.delete()
        for topic_id, count in following_counts.items():
            FrequentTopic.objects.filter(pk=topic_id).update(following=count)
    return kept


# --- Reading them ---------------------------------------------------------------------------------------------


@dataclass
class TopicLine:
    topic: FrequentTopic
    rank: int
    tickets: int
    share: float  # of the unit's requests of the semester
    repeats: int
    reopened: int
    measures: list[RootCauseMeasure]

    @property
    def change(self) -> int:
        """Against the previous semester (similar requests of the same unit)."""
        return self.tickets - self.topic.previous

    @property
    def share_percent(self) -> float:
        return round(self.share * 100, 1)

    @property
    def has_measure(self) -> bool:
        return bool(self.measures)


@dataclass
class UnitRanking:
    unit: Unit
    volume: int  # the unit's requests of the semester
    topics: list[TopicLine]

    @property
    def without_measure(self) -> int:
        return sum(1 for t in self.topics if not t.has_measure)


def topics_in(semester: Semester, units: Collection[int] | None = None) -> list[FrequentTopic]:
    """The kept topics of the semester (of ``units`` when given: ``None`` is every unit), with their counts."""
    qs = FrequentTopic.objects.filter(semester=semester.key)
    if units is not None:
        qs = qs.filter(unit_id__in=units)
    return list(
        qs.select_related("unit")
        .annotate(
            n_tickets=Count("tickets", distinct=True),
            n_repeats=Count("tickets", filter=Q(tickets__repeat_of__isnull=False), distinct=True),
            n_reopened=Count("tickets", filter=Q(tickets__round__gte=2), distinct=True),
        )
        .order_by("unit__name", "-n_tickets", "id")
    )


def unit_volumes(semester: Semester, units: Collection[int]) -> dict[int, int]:
    """Each unit's requests of the semester (one grouped query)."""
    start, end = span(semester)
    rows = (
        Ticket.objects.filter(received_at__gte=start, received_at__lt=end, lead_unit_id__in=units)
        .values_list("lead_unit_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)  # type: ignore[arg-type]


def ranking(semester: Semester, units: Collection[int] | None = None) -> list[UnitRanking]:
    """R9.2: per unit (by name), its high-frequency issues of the semester, biggest first, with their share of
    the unit's volume, requesters, repeats, reopened requests, the previous semester's count and their root-cause
    measures. Three queries, whatever the number of units, topics and requests."""
    topics = topics_in(semester, units)
    volumes = unit_volumes(semester, {t.unit_id for t in topics})
    measures: dict[int, list[RootCauseMeasure]] = defaultdict(list)
    for m in RootCauseMeasure.objects.filter(topic__in=[t.pk for t in topics]).select_related("owner"):
        measures[m.topic_id].append(m)
    out: list[UnitRanking] = []
    for topic in topics:
        if not out or out[-1].unit.pk != topic.unit_id:
            out.append(UnitRanking(topic.unit, volumes.get(topic.unit_id, 0), []))
        group = out[-1]
        n = topic.n_tickets  # type: ignore[attr-defined]
        group.topics.append(
            TopicLine(
                topic=topic,
                rank=len(group.topics) + 1,
                tickets=n,
                share=n / group.volume if group.volume else 0.0,
                repeats=topic.n_repeats,  # type: ignore[attr-defined]
                reopened=topic.n_reopened,  # type: ignore[attr-defined]
                measures=measures.get(topic.pk, []),
            )
        )
    return out


def without_measure(semester: Semester) -> list[FrequentTopic]:
    """The Office's to-do: the semester's high-frequency issues with no root-cause measure, biggest first."""
    return list(
        FrequentTopic.objects.filter(semester=semester.key, measures__isnull=True)
        .select_related("unit")
        .annotate(n_tickets=Count("tickets", distinct=True))
        .order_by("-n_tickets", "unit__name", "id")
    )


def computed_at(semester: Semester) -> dt.datetime | None:
    return (
        FrequentTopic.objects.filter(semester=semester.key)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
