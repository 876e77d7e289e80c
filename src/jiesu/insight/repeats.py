"""Repeat detection (R6.1): the same requester's earlier tickets and near-duplicates from anyone.

Texts (subject and content) are compared as TF-IDF vectors of their words (rjieba with the campus dictionary,
``insight.text.segment``), by cosine. The IDF comes from the remit documents and the pool being compared, so
words every request uses weigh little and a small pool still weighs shared words. A near-duplicate from someone else must reach ``NEAR_DUPLICATE`` (chosen on ``tests/data/repeat_pairs.tsv``);
the same requester's tickets are shown from a lower ``SAME_PERSON`` score, ranked first. R10.3: only tickets
the viewer may open are ever compared or named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from jiesu.insight import learn
from jiesu.insight.text import segment
from jiesu.org.models import User
from jiesu.tickets.hints import Probe, RepeatHint
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import visible_tickets
from jiesu.tickets.states import Status

NEAR_DUPLICATE = 0.3
SAME_PERSON = 0.15
SAME_PERSON_DAYS = 90
ANYONE_DAYS = 30
POOL = 1000
LIMIT = 5
_FIELDS = ("id", "number", "subject", "status", "received_at", "requester_id", "contact_phone", "content")


def text_of(ticket: Ticket) -> str:
    return f"{ticket.subject} {ticket.content}"


@cache
def background_tokens() -> tuple[tuple[str, ...], ...]:
    """The remit documents, segmented once: part of every IDF, so a small pool cannot make the words two
    requests share weigh nothing."""
    return tuple(tuple(segment(text)) for text, _ in learn.remit_documents())


def pretokenized(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _vectors(*groups: Sequence[str]) -> list[csr_matrix]:
    """TF-IDF rows of each group of texts, with one IDF over the background and every group."""
    tokenized = [[segment(t) for t in group] for group in groups]
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - slow import, on use

    vectorizer = TfidfVectorizer(analyzer=pretokenized, sublinear_tf=True)
    vectorizer.fit([*background_tokens(), *(t for group in tokenized for t in group)])
    return [vectorizer.transform(group) for group in tokenized]


def cosine(probes: Sequence[str], docs: Sequence[str]) -> NDArray:
    """Cosine similarity of each probe text to each doc text."""
    if not probes or not docs:
        return np.zeros((len(probes), len(docs)))
    left, right = _vectors(probes, docs)
    return (left @ right.T).toarray()


def common_words(a: str, b: str, n: int = 4) -> list[str]:
    """The words two texts share (the reason shown beside a candidate)."""
    seen = set(segment(b))
    return list(dict.fromkeys(t for t in segment(a) if t in seen and len(t) > 1))[:n]


@dataclass(frozen=True)
class _Key:
    requester_id: int | None
    phone: str

    def same(self, ticket: Ticket) -> bool:
        if self.requester_id is not None:
            return ticket.requester_id == self.requester_id
        return bool(self.phone) and ticket.contact_phone == self.phone


def _rank(probe: str, key: _Key, pool: Sequence[Ticket], scores: Sequence[float]) -> list[RepeatHint]:
    status = dict(Status.choices)
    found = []
    for ticket, score in zip(pool, scores, strict=True):
        mine = key.same(ticket)
        if score < (SAME_PERSON if mine else NEAR_DUPLICATE):
            continue
        words = "、".join(common_words(probe, text_of(ticket)))
        if mine:
            reason = _("Same requester; shared words: %(words)s") % {"words": words}
        else:
            reason = _("Similar request from another person; shared words: %(words)s") % {"words": words}
        hint = RepeatHint(
            ticket.number,
            ticket.subject,
            str(status.get(ticket.status, ticket.status)),
            ticket.received_at,
            float(score),
            reason,
            same_requester=mine,
        )
        found.append((mine, float(score), hint))
    found.sort(key=lambda f: (not f[0], -f[1]))
    return [hint for _, _, hint in found[:LIMIT]]


def _pool(viewer: User, keys: Sequence[_Key], exclude: Sequence[int]) -> list[Ticket]:
    """The tickets to compare with: anyone's of the last 30 days and the requesters' own of the last 90 days,
    all within what the viewer may open (two queries at most)."""
    now = timezone.now()
    visible = visible_tickets(viewer).exclude(pk__in=exclude).only(*_FIELDS)
    recent = list(
        visible.filter(received_at__gte=now - dt.timedelta(days=ANYONE_DAYS)).order_by("-received_at")[:POOL]
    )
    who = Q()
    for key in keys:
        if key.requester_id is not None:
            who |= Q(requester_id=key.requester_id)
        elif key.phone:
            who |= Q(contact_phone=key.phone)
    seen = {t.pk for t in recent}
    if who:
        since = now - dt.timedelta(days=SAME_PERSON_DAYS)
        own = visible.filter(who, received_at__gte=since).exclude(pk__in=seen).order_by("-received_at")[:POOL]
        recent.extend(own)
    return recent


def for_probe(viewer: User, probe: Probe) -> list[RepeatHint]:
    """At intake: the request being recorded against the viewer's visible tickets."""
    text = f"{probe.subject} {probe.content}".strip()
    if not segment(text):
        return []
    key = _Key(probe.requester.pk if probe.requester is not None else None, probe.phone)
    pool = _pool(viewer, [key], exclude=())
    scores = cosine([text], [text_of(t) for t in pool])
    return _rank(text, key, pool, scores[0] if len(pool) else [])


def for_tickets(viewer: User, tickets: Sequence[Ticket]) -> dict[int, list[RepeatHint]]:
    """In the Office's queue: each listed ticket against the viewer's other visible tickets, in one pass."""
    if not tickets:
        return {}
    keys = [_Key(t.requester_id, t.contact_phone) for t in tickets]
    pool = _pool(viewer, keys, exclude=())  # the page's own tickets too: an earlier one may be on it
    texts = [text_of(t) for t in tickets]
    scores = cosine(texts, [text_of(t) for t in pool])
    out = {}
    for row, (ticket, key) in enumerate(zip(tickets, keys, strict=True)):
        mine = (ticket.received_at, ticket.pk)
        earlier = [i for i, other in enumerate(pool) if (other.received_at, other.pk) < mine]
        hints = _rank(texts[row], key, [pool[i] for i in earlier], [scores[row][i] for i in earlier])
        if hints:
            out[ticket.pk] = hints
    return out


def pair_scores(pairs: Sequence[tuple[str, str]]) -> list[float]:
    """Cosine of each (a, b) pair, with one IDF over the background and all their texts (the labelled-pairs
    evaluation)."""
    if not pairs:
        return []
    a, b = _vectors([p[0] for p in pairs], [p[1] for p in pairs])
    return [float(v) for v in np.asarray(a.multiply(b).sum(axis=1)).ravel()]
