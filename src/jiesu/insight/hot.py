"""Hot topics (R9.1): clusters of similar recent tickets, and which of them are hot.

Tickets of the window (``days``, 7 by default) are TF-IDF vectors of their words (``insight.text.segment``,
the campus dictionary; the same weighting as repeat detection, with the remit documents in the IDF). Two
tickets are neighbours at cosine ≥ ``LINK``; a topic is a connected component of that graph, cut by
average linkage where it is only a chain of pairs. A topic is hot
with ≥ 5 tickets from ≥ 3 requesters in the window, or when it rose to ≥ 3× its baseline (the similar
tickets of the 4 weeks before, per window) from ≥ 3 tickets of ≥ 2 requesters. It is named by its most
telling terms: the words whose weight in the topic stands out most against the whole window.

Pure reads: ``find`` writes nothing (``services.hot_topics_record`` keeps and alerts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import connected_components

from jiesu.insight.repeats import background_tokens, pretokenized
from jiesu.insight.text import segment
from jiesu.tickets.models import Ticket

LINK = 0.25  # cosine at which two tickets may be about the same thing (chosen on the planted tests' texts)
COHESION = 0.2  # a topic's parts must be this similar on average (average linkage), so chains are cut
SPLIT_MAX = 2000  # a larger component is first cut along its stronger edges (dense distances must fit)
STEP = 0.1
NEIGHBOURS = 10  # each ticket's nearest neighbours kept in the graph
PREFIX = 8  # a candidate pair shares one of either ticket's 8 heaviest terms
HUBS = 32  # tickets per term a ticket is compared with
MIN_TICKETS = 5  # R9.1: ≥ 5 tickets …
MIN_REQUESTERS = 3  # … from ≥ 3 requesters in 7 days
RISE = 3.0  # R9.1: or ≥ 3× the 4-week baseline
RISE_MIN_TICKETS = 3
RISE_MIN_REQUESTERS = 2
BASELINE_WEEKS = 4
LABEL_TERMS = 3
_CHUNK = 256  # rows of the similarity computed at once (bounds memory on 100k tickets)
_FIELDS = (
    "id",
    "number",
    "subject",
    "content",
    "requester_id",
    "contact_phone",
    "lead_unit__name",
    "received_at",
)

VOLUME = "volume"
RISE_REASON = "rise"


@dataclass
class Topic:
    label: str
    terms: list[str]
    ticket_ids: list[int]
    numbers: list[str]
    requesters: int
    units: list[str]
    since: dt.datetime
    baseline: float
    reason: str
    received: list[dt.datetime] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "tickets": self.numbers,
            "requesters": self.requesters,
            "units": self.units,
            "since": timezone.localtime(self.since).isoformat(),
        }


def _rows(start: dt.datetime, end: dt.datetime) -> list[tuple]:
    return list(
        Ticket.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "id")
        .values_list(*_FIELDS)
    )


def who(row: tuple) -> str:
    """Who asked: the account, else the phone, else the ticket itself (an anonymous caller counts once)."""
    if row[4] is not None:
        return f"u{row[4]}"
    return f"p{row[5]}" if row[5] else f"t{row[0]}"


def _top_k(block: csr_matrix, k: int) -> csr_matrix:
    """Keep each row's ``k`` largest entries at or above ``LINK`` (bounds the graph: 100k tickets of templated
    text would otherwise give each ticket thousands of neighbours)."""
    block.data[block.data < LINK] = 0
    block.eliminate_zeros()
    rows, cols, vals = [], [], []
    for r in range(block.shape[0]):
        lo, hi = block.indptr[r], block.indptr[r + 1]
        if hi - lo > k:
            keep = lo + np.argpartition(-block.data[lo:hi], k)[:k]
        else:
            keep = np.arange(lo, hi)
        rows.append(np.full(len(keep), r))
        cols.append(block.indices[keep])
        vals.append(block.data[keep])
    if not rows:
        return csr_matrix(block.shape)
    return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=block.shape)


def _strongest(x: csr_matrix, m: int) -> csr_matrix:
    """``x`` with only each row's ``m`` heaviest terms (the rare, telling ones)."""
    rows, cols, vals = [], [], []
    for r in range(x.shape[0]):
        lo, hi = x.indptr[r], x.indptr[r + 1]
        keep = lo + np.argpartition(-x.data[lo:hi], m)[:m] if hi - lo > m else np.arange(lo, hi)
        rows.append(np.full(len(keep), r))
        cols.append(x.indices[keep])
        vals.append(x.data[keep])
    if not rows:
        return csr_matrix(x.shape)
    return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=x.shape)


def _hubs(strong: csr_matrix) -> csr_matrix:
    """Each term's first ``HUBS`` tickets only: a ticket is compared with the hubs of its terms, not with every
    ticket sharing a frequent term (the graph's components stay the same through the hubs; the cost is linear)."""
    csc = strong.tocsc()
    counts = np.diff(csc.indptr)
    position = np.arange(csc.nnz) - np.repeat(csc.indptr[:-1], counts)
    keep = position < HUBS
    columns = np.repeat(np.arange(csc.shape[1]), counts)[keep]
    return csr_matrix((csc.data[keep], (csc.indices[keep], columns)), shape=csc.shape)


def neighbours(x: csr_matrix) -> csr_matrix:
    """The cosine ≥ LINK graph of the rows of ``x`` (L2-normalised), each ticket with its ``NEIGHBOURS``
    nearest, a chunk of rows at a time. Candidates are a ticket and the hubs of its ``PREFIX`` heaviest terms
    (words every request uses would otherwise pair everything with everything); their cosine is then exact."""
    strong = _strongest(x, PREFIX)
    strong.data[:] = 1.0
    strong_t = _hubs(strong).T.tocsr()
    parts = []
    for start in range(0, x.shape[0], _CHUNK):
        pattern = (strong[start : start + _CHUNK] @ strong_t).tocoo()
        rows, cols = pattern.row, pattern.col
        exact = np.asarray(x[rows + start].multiply(x[cols]).sum(axis=1)).ravel()
        block = csr_matrix((exact, (rows, cols)), shape=pattern.shape)
        parts.append(_top_k(block, NEIGHBOURS))
    return vstack(parts).tocsr() if parts else csr_matrix((0, 0))


def components(graph: csr_matrix, members: list[int]) -> list[list[int]]:
    """The connected parts of ``members`` in ``graph``, a part too large for the linkage cut again along its
    stronger edges only (each pass raises the bar by ``STEP``)."""
    todo, out, level = [members], [], LINK
    while todo:
        level += STEP
        later = []
        for group in todo:
            if len(group) <= SPLIT_MAX or level >= 1:
                out.append(group)
                continue
            sub = graph[group][:, group].tocsr()
            sub.data[sub.data < level] = 0
            sub.eliminate_zeros()
            _, labels = connected_components(sub, directed=False)
            parts: dict[int, list[int]] = {}
            for member, label in zip(group, labels, strict=True):
                parts.setdefault(int(label), []).append(member)
            later += [p for p in parts.values() if len(p) >= RISE_MIN_TICKETS]
        todo = later
    return out


def split(x: csr_matrix, members: list[int]) -> list[list[int]]:
    """Cut a connected component where it is only a chain: average-linkage clusters whose members are on
    average at least ``COHESION`` similar."""
    if len(members) < 2 * RISE_MIN_TICKETS or len(members) > SPLIT_MAX:
        return [members]
    part = x[members]
    distance = np.clip(1.0 - (part @ part.T).toarray(), 0.0, None)
    from sklearn.cluster import AgglomerativeClustering  # noqa: PLC0415 - slow import, on use

    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - COHESION
    ).fit_predict(distance)
    groups: dict[int, list[int]] = {}
    for member, label in zip(members, labels, strict=True):
        groups.setdefault(int(label), []).append(member)
    return list(groups.values())


def label(x: csr_matrix, members: Sequence[int], total: np.ndarray, vocabulary: np.ndarray) -> list[str]:
    """The terms weighing most more in the topic than in the rest of the window (c-TF-IDF style); ``total``
    is the column sums of ``x``."""
    inside = np.asarray(x[list(members)].sum(axis=0)).ravel()
    rest = x.shape[0] - len(members)
    score = inside / len(members) - ((total - inside) / rest if rest else 0.0)
    order = np.argsort(-score)
    terms: list[str] = []
    for i in order:
        if score[i] <= 0 or len(terms) == LABEL_TERMS:
            break
        term = str(vocabulary[i])
        if len(term) > 1 and not term.isdigit():
            terms.append(term)
    return terms


def find(*, days: int = 7, now: dt.datetime | None = None) -> list[Topic]:
    """The hot topics among the tickets received in the last ``days`` days, biggest first (two queries)."""
    now = now or timezone.now()
    start = now - dt.timedelta(days=days)
    window = _rows(start, now)
    if not window:
        return []
    return cluster(window, _rows(start - dt.timedelta(weeks=BASELINE_WEEKS), start), days=days)


@dataclass
class Clustering:
    """Topics of a set of texts: their TF-IDF rows ``x`` (L2-normalised), the rows of the texts before (``old``,
    same vocabulary), the clusters (row indices of ``x``, at least ``RISE_MIN_TICKETS`` each) and what naming
    them needs. Shared by the hot topics (R9.1) and the high-frequency issues (R9.2)."""

    x: csr_matrix
    old: csr_matrix | None
    clusters: list[list[int]]
    vocabulary: np.ndarray
    total: np.ndarray

    def terms(self, members: Sequence[int]) -> list[str]:
        return label(self.x, members, self.total, self.vocabulary)

    def centroid(self, members: Sequence[int], *, old: bool = False) -> np.ndarray:
        """The normalised mean of the members' rows (of ``old`` when asked)."""
        rows = self.old if old else self.x
        assert rows is not None  # noqa: S101 - asked only when there were texts before
        centroid = np.asarray(rows[list(members)].mean(axis=0)).ravel()
        return centroid / (np.linalg.norm(centroid) or 1.0)

    def similar(self, centroid: np.ndarray, *, old: bool = False) -> np.ndarray:
        """Which rows (of ``x``, or of ``old``) are about the topic: cosine to its centroid ≥ ``LINK``."""
        rows = self.old if old else self.x
        if rows is None:
            return np.zeros(0, dtype=bool)
        return np.asarray(rows @ centroid >= LINK).ravel()


def clusters(texts: Sequence[str], before: Sequence[str] = ()) -> Clustering:
    """Cluster ``texts`` (subject and content of each ticket); ``before`` only shares the vocabulary and
    weighting, for baselines. No database."""
    tokens = [segment(t) for t in texts]
    old_tokens = [segment(t) for t in before]
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - slow import, on use

    vectorizer = TfidfVectorizer(analyzer=pretokenized, sublinear_tf=True)
    vectorizer.fit([*background_tokens(), *tokens, *old_tokens])
    x = vectorizer.transform(tokens).tocsr()
    old = vectorizer.transform(old_tokens).tocsr() if before else None
    graph = neighbours(x)
    graph = graph.maximum(graph.T).tocsr()
    count, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for row, comp in enumerate(labels):
        groups.setdefault(int(comp), []).append(row)
    found = [
        part
        for members in groups.values()
        if len(members) >= RISE_MIN_TICKETS
        for piece in components(graph, members)
        for part in split(x, piece)
    ]
    vocabulary = vectorizer.get_feature_names_out()
    total = np.asarray(x.sum(axis=0)).ravel()
    return Clustering(x, old, [m for m in found if len(m) >= RISE_MIN_TICKETS], vocabulary, total)


def cluster(window: Sequence[tuple], before: Sequence[tuple], *, days: int = 7) -> list[Topic]:
    """The hot topics among ``window`` rows (``_FIELDS``), with ``before`` (the 4 weeks before) as baseline.
    No database: the benchmark feeds it generated rows."""
    if not window:
        return []
    found = clusters([f"{r[2]} {r[3]}" for r in window], [f"{r[2]} {r[3]}" for r in before])
    topics = []
    per_window = days / (7 * BASELINE_WEEKS)
    for members in found.clusters:
        requesters = len({who(window[i]) for i in members})
        baseline = 0.0
        if found.old is not None:
            baseline = float(found.similar(found.centroid(members), old=True).sum()) * per_window
        if len(members) >= MIN_TICKETS and requesters >= MIN_REQUESTERS:
            reason = VOLUME
        elif requesters >= RISE_MIN_REQUESTERS and baseline > 0 and len(members) >= RISE * baseline:
            reason = RISE_REASON
        else:
            continue
        terms = found.terms(members)
        rows = [window[i] for i in members]
        topics.append(
            Topic(
                label="、".join(terms),
                terms=terms,
                ticket_ids=[r[0] for r in rows],
                numbers=[r[1] for r in rows],
                requesters=requesters,
                units=sorted({r[6] for r in rows if r[6]}),
                since=min(r[7] for r in rows),
                baseline=round(baseline, 2),
                reason=reason,
                received=[r[7] for r in rows],
            )
        )
    topics.sort(key=lambda t: (-len(t.ticket_ids), t.since))
    return topics
