"""Seasonal expectations (R9.4): from past years, the requests each unit can expect per topic and week of the
academic year, and its peaks in the coming 4 weeks.

The academic year ``Y`` starts on the autumn semester's first day (1 September, ``workcalendar.semesters``) and
ends the day before the next one; it holds the autumn semester, the winter break, the spring semester and the
summer break. Its week ``n`` (1–52) is the seven days from its start + 7·(n − 1); the last week takes the one or
two days left over (days 358–365). So a date falls in the same week every year, whatever the weekday.

Topics are clusters of similar requests, found as the hot topics are (``insight.hot``: ``insight.text.segment``,
TF-IDF, the cosine neighbour graph, cut by average linkage) over all the requests learned from, merged where
their centroids are close, and named by the telling terms of their subjects; a unit's topic is its requests of a cluster (at least ``MIN_TOPIC`` of them).

A week of a year is observed when the learning data cover it whole (from the first request learned from to the
start of the current week). The expected number in week ``n`` is the mean of the observed years' counts,
smoothed 1:2:1 with the weeks either side; the normal week is the mean over the year. A peak week expects at
least ``PEAK_RATIO`` × the normal week and at least ``MIN_PEAK`` requests. The learning reads the tickets once
(one query) and counts with numpy; the result is stored (``SeasonalModel`` / ``SeasonalTopic``) so pages read
one row per unit topic.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from jiesu.insight import hot
from jiesu.insight.models import SeasonalModel, SeasonalTopic
from jiesu.insight.repeats import background_tokens, pretokenized
from jiesu.insight.text import segment
from jiesu.org.models import User
from jiesu.tickets.models import Ticket
from jiesu.workcalendar.clocks import SHANGHAI
from jiesu.workcalendar.semesters import Semester, semester_of

WEEKS = 52
AHEAD_WEEKS = 4  # R9.4: peaks seen 4 weeks ahead
LEARN_YEARS = 3  # the academic years before the current one learned from (with the current one's past weeks)
MIN_TOPIC = 6  # a unit's requests of a cluster, over the years learned from, to be one of its topics
PEAK_RATIO = 2.0  # a peak week expects at least twice the normal week …
MIN_PEAK = 3.0  # … and at least 3 requests
MERGE = 0.5  # clusters whose centroids are this similar are one topic (see ``_merged``)
SMOOTH = np.array([1.0, 2.0, 1.0])
KEEP_VERSIONS = 7  # older computations keep their version row; their topic rows are dropped


# --- The academic year ---------------------------------------------------------------------------------------


def year_start(year: int) -> dt.date:
    """The first day of academic year ``year``: its autumn semester's first day."""
    return Semester(year, "autumn").first_day


def academic_year(day: dt.date) -> int:
    return day.year if day >= year_start(day.year) else day.year - 1


def week_of(day: dt.date) -> int:
    """The week of the academic year (1–52) that ``day`` falls in."""
    return min(WEEKS, (day - year_start(academic_year(day))).days // 7 + 1)


def week_span(year: int, week: int) -> tuple[dt.date, dt.date]:
    """The first and last day of week ``week`` of academic year ``year``."""
    first = year_start(year) + dt.timedelta(days=7 * (week - 1))
    last = year_start(year + 1) - dt.timedelta(days=1) if week == WEEKS else first + dt.timedelta(days=6)
    return first, last


def in_break(day: dt.date) -> bool:
    """Whether ``day`` is in the winter or summer break (between semesters)."""
    semester = semester_of(day)
    return not semester.first_day <= day <= semester.last_day


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, SHANGHAI).date()


# --- Learning (pure over rows) -------------------------------------------------------------------------------


@dataclass
class LearnedTopic:
    unit_id: int
    label: str
    terms: list[str]
    tickets: int
    normal: float
    expected: list[float]
    actual: dict[str, list[int | None]]
    peaks: list[int]


def _clusters(texts: Sequence[str], subjects: Sequence[str]) -> tuple[list[list[int]], list[list[str]]]:
    """Clusters of similar texts (the hot topics' graph and cuts) and the telling terms of their subjects."""
    tokens = [segment(t) for t in texts]
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - slow import, on use

    vectorizer = TfidfVectorizer(analyzer=pretokenized, sublinear_tf=True)
    vectorizer.fit([*background_tokens(), *tokens])
    x = vectorizer.transform(tokens).tocsr()
    graph = hot.neighbours(x)
    graph = graph.maximum(graph.T).tocsr()
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for row, comp in enumerate(labels):
        groups.setdefault(int(comp), []).append(row)
    clusters = [
        part
        for members in groups.values()
        if len(members) >= hot.RISE_MIN_TICKETS
        for piece in hot.components(graph, members)
        for part in hot.split(x, piece)
        if len(part) >= hot.RISE_MIN_TICKETS
    ]
    clusters = _merged(x, clusters)
    # Named from the subjects (what people put as the title), as the hot topics are named from the texts.
    titles = TfidfVectorizer(analyzer=pretokenized, sublinear_tf=True)
    s = titles.fit_transform([segment(t) for t in subjects]).tocsr()
    vocabulary = titles.get_feature_names_out()
    total = np.asarray(s.sum(axis=0)).ravel()
    return clusters, [hot.label(s, members, total, vocabulary) for members in clusters]


def _merged(x: csr_matrix, clusters: list[list[int]]) -> list[list[int]]:
    """Clusters whose centroids are at cosine ≥ ``MERGE`` joined: over years, the hot topics' nearest-neighbour
    graph splits one recurring topic (hundreds of near-identical requests) into several cliques."""
    if len(clusters) < 2:
        return clusters
    centroids = np.vstack([np.asarray(x[members].mean(axis=0)).ravel() for members in clusters])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True).clip(min=1e-12)
    close = csr_matrix(centroids @ centroids.T >= MERGE)
    _, labels = connected_components(close, directed=False)
    joined: dict[int, list[int]] = {}
    for members, label in zip(clusters, labels, strict=True):
        joined.setdefault(int(label), []).extend(members)
    return list(joined.values())


def observed(years: Sequence[int], first: dt.date, cutoff: dt.date) -> np.ndarray:
    """(years × 52) booleans: the week lies whole between ``first`` and the day before ``cutoff``."""
    mask = np.zeros((len(years), WEEKS), dtype=bool)
    for i, year in enumerate(years):
        for week in range(1, WEEKS + 1):
            start, end = week_span(year, week)
            mask[i, week - 1] = start >= first and end < cutoff
    return mask


def expectation(counts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The expected count per week: observed years' counts, smoothed 1:2:1 along the timeline."""
    flat_counts = np.convolve(np.where(mask, counts, 0).ravel().astype(float), SMOOTH, mode="same")
    flat_weight = np.convolve(mask.ravel().astype(float), SMOOTH, mode="same")
    sums = flat_counts.reshape(mask.shape).sum(axis=0)
    weights = flat_weight.reshape(mask.shape).sum(axis=0)
    return np.divide(sums, weights, out=np.zeros(WEEKS), where=weights > 0)


def peak_weeks(expected: np.ndarray) -> tuple[float, list[int]]:
    """The normal week (the mean) and the peak weeks (1-based) of an expectation."""
    normal = float(expected.mean())
    peaks = [int(w) + 1 for w in np.flatnonzero((expected >= PEAK_RATIO * normal) & (expected >= MIN_PEAK))]
    return normal, peaks


def learn(rows: Sequence[tuple[str, str, int, dt.datetime]], *, cutoff: dt.date) -> list[LearnedTopic]:
    """The units' topics from (subject, content, lead unit id, received at) rows received before ``cutoff``."""
    if not rows:
        return []
    days = [local_day(r[3]) for r in rows]
    first = min(days)
    years = list(range(academic_year(first), academic_year(cutoff) + 1))
    mask = observed(years, first, cutoff)
    year_index = np.array([academic_year(d) - years[0] for d in days])
    week_index = np.array([week_of(d) - 1 for d in days])
    units = np.array([r[2] for r in rows])
    clusters, labels = _clusters([f"{r[0]} {r[1]}" for r in rows], [r[0] for r in rows])
    found = []
    for members, terms in zip(clusters, labels, strict=True):
        member_units = units[members]
        for unit_id in np.unique(member_units):
            mine = np.asarray(members)[member_units == unit_id]
            if len(mine) < MIN_TOPIC:
                continue
            counts = np.zeros((len(years), WEEKS), dtype=int)
            np.add.at(counts, (year_index[mine], week_index[mine]), 1)
            expected = expectation(counts, mask)
            normal, peaks = peak_weeks(expected)
            found.append(
                LearnedTopic(
                    unit_id=int(unit_id),
                    label="、".join(terms) or rows[mine[0]][0][:40],
                    terms=terms,
                    tickets=len(mine),
                    normal=round(normal, 2),
                    expected=[round(float(v), 2) for v in expected],
                    actual={
                        str(year): [
                            int(c) if seen else None for c, seen in zip(counts[i], mask[i], strict=True)
                        ]
                        for i, year in enumerate(years)
                        if mask[i].any()
                    },
                    peaks=peaks,
                )
            )
    return found


# --- Computing and storing -----------------------------------------------------------------------------------


def learning_rows(cutoff: dt.date) -> list[tuple[str, str, int, dt.datetime]]:
    """The dispatched requests of the years learned from, up to ``cutoff`` (one query)."""
    start = year_start(academic_year(cutoff) - LEARN_YEARS)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=SHANGHAI)
    until = dt.datetime.combine(cutoff, dt.time.min, tzinfo=SHANGHAI)
    return list(
        Ticket.objects.filter(received_at__gte=since, received_at__lt=until, lead_unit__isnull=False)
        .order_by("received_at", "id")
        .values_list("subject", "content", "lead_unit_id", "received_at")
    )


def seasonal_compute(
    *,
    trigger: str = SeasonalModel.Trigger.ON_DEMAND,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> SeasonalModel:
    """R9.4: learn the expectations from the past years up to the start of the current week and store them as
    a new version (the clustering runs outside any transaction; the rows are written in one)."""
    now = now or timezone.now()
    today = local_day(now)
    cutoff = week_span(academic_year(today), week_of(today))[0]
    started = time.process_time()
    rows = learning_rows(cutoff)
    topics = learn(rows, cutoff=cutoff)
    seconds = time.process_time() - started
    with transaction.atomic():
        version = SeasonalModel.objects.create(
            computed_at=now,
            tickets=len(rows),
            first_day=local_day(rows[0][3]) if rows else None,
            last_day=local_day(rows[-1][3]) if rows else None,
            years=sorted({int(y) for t in topics for y in t.actual}),
            topics=len(topics),
            seconds=round(seconds, 2),
            trigger=trigger,
            computed_by=actor,
        )
        SeasonalTopic.objects.bulk_create(
            SeasonalTopic(
                model=version,
                unit_id=t.unit_id,
                label=t.label[:200],
                terms=t.terms,
                tickets=t.tickets,
                normal=t.normal,
                expected=t.expected,
                actual=t.actual,
                peaks=t.peaks,
            )
            for t in topics
        )
        old = SeasonalModel.objects.order_by("-id").values_list("pk", flat=True)[KEEP_VERSIONS:]
        SeasonalTopic.objects.filter(model_id__in=list(old)).delete()
    return version


def latest() -> SeasonalModel | None:
    return SeasonalModel.objects.select_related("computed_by").order_by("-id").first()
