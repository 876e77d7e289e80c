"""Writes of the insight app: training a dispatch model version, recording a dispatch against its suggestion."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.insight import hot, learn, selectors
from jiesu.insight.models import DispatchModel, DispatchSuggestion, HotTopic
from jiesu.notify.recipients import office_people
from jiesu.notify.services import notify_users
from jiesu.org.models import Unit, User
from jiesu.tickets.models import Ticket

TRAINING_LIMIT = 100_000  # the newest closed tickets a version learns from (training stays within minutes)


def dispatch_model_train(
    *, trigger: str = DispatchModel.Trigger.ON_DEMAND, actor: User | None = None, limit: int = TRAINING_LIMIT
) -> DispatchModel:
    """R9.5: learn a new version from the remit (cold start) and the newest dispatched-and-closed tickets.

    The fit runs outside any transaction (it takes seconds to minutes); only the finished row is written."""
    remit = learn.remit_documents()
    rows = selectors.training_tickets(limit=limit)
    texts = [text for text, _ in remit] + [f"{s} {c}" for s, c, _, _ in rows]
    labels = [unit for _, unit in remit] + [unit for _, _, unit, _ in rows]
    started = time.perf_counter()
    model = learn.train(texts, labels)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        version = DispatchModel.objects.create(
            trained_at=timezone.now(),
            tickets=len(rows),
            remit_documents=len(remit),
            newest_ticket_at=max((r[3] for r in rows), default=None),
            units=sorted(set(labels)),
            seconds=round(seconds, 2),
            trigger=trigger,
            trained_by=actor,
            payload=learn.dumps(model),
        )
    return version


def dispatch_suggestion_record(*, ticket_id: int, chosen_unit_id: int, actor_id: int | None) -> None:
    """R9.5: at the first dispatch, keep what was suggested beside the lead unit chosen (the acceptance rate).

    Runs inside the dispatch's transaction (a rolled-back dispatch records nothing); a later re-dispatch does
    not change the record of the first decision."""
    if DispatchSuggestion.objects.filter(ticket_id=ticket_id).exists():
        return
    ticket = Ticket.objects.only("subject", "content").get(pk=ticket_id)
    version, units = selectors.suggest_units(f"{ticket.subject} {ticket.content}")
    names = [s.unit for s in units]
    by_name = dict(Unit.objects.filter(name__in=names[:1]).values_list("name", "pk"))
    chosen = Unit.objects.only("name").get(pk=chosen_unit_id)
    DispatchSuggestion.objects.create(
        ticket_id=ticket_id,
        model_id=version,
        suggested=[{"unit": s.unit, "confidence": s.confidence} for s in units],
        suggested_unit_id=by_name.get(names[0]) if names else None,
        chosen_unit=chosen,
        accepted=bool(names) and names[0] == chosen.name,
        in_top3=chosen.name in names,
        dispatched_at=timezone.now(),
        dispatched_by_id=actor_id,
    )


_trainers: list[Callable[[int | None], None]] = []


def on_training_requested(trainer: Callable[[int | None], None]) -> None:
    """The worker registers how a retraining is queued (the insight app never imports the queue)."""
    if trainer not in _trainers:
        _trainers.append(trainer)


def dispatch_model_training_request(*, actor: User) -> bool:
    """R9.5 "retrain now": queue a training after the request commits; without a worker hooked on, train here
    and now. True when it was queued."""
    if _trainers:
        for trainer in _trainers:
            transaction.on_commit(lambda t=trainer: t(actor.pk))  # type: ignore[misc]
        return True
    dispatch_model_train(trigger=DispatchModel.Trigger.ON_DEMAND, actor=actor)
    return False


# --- Hot topics (R9.1) ----------------------------------------------------------------------------------------

SAME_TOPIC_DAYS = 14  # a cluster sharing tickets with a topic seen hot this recently is that topic again


def _same_topic(ticket_ids: list[int], now: dt.datetime) -> HotTopic | None:
    """The kept topic sharing the most tickets with a new cluster (one query)."""
    best = (
        HotTopic.tickets.through.objects.filter(
            ticket_id__in=ticket_ids, hottopic__last_seen__gte=now - dt.timedelta(days=SAME_TOPIC_DAYS)
        )
        .values("hottopic_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-hottopic_id")
        .first()
    )
    return HotTopic.objects.get(pk=best["hottopic_id"]) if best else None


def _alert(topic: HotTopic) -> None:
    """R9.1: the Office hears of a topic once, when it is first found hot (inbox and its chosen channels)."""
    title = _("Hot topic: %(label)s") % {"label": topic.label}
    body = _("%(tickets)s similar requests from %(requesters)s people since %(since)s.") % {
        "tickets": topic.tickets.count(),
        "requesters": topic.requesters,
        "since": timezone.localtime(topic.since).strftime("%Y-%m-%d %H:%M"),
    }
    url = reverse("insight:hot_topic", args=[topic.pk])
    notify_users("hot_topic", office_people(), title=title, body=body, url=url)


def hot_topics_record(
    *, days: int = 7, now: dt.datetime | None = None, found: list[hot.Topic] | None = None
) -> tuple[list[HotTopic], list[HotTopic]]:
    """R9.1: find the hot topics and keep them; a topic not seen before alerts the Office (once).

    Returns (new topics, refreshed topics). The clustering runs outside any transaction; each topic is written
    in its own short one, with its alert. ``found``: topics the caller already computed for this moment."""
    now = now or timezone.now()
    if found is None:
        found = hot.find(days=days, now=now)
    new, seen = [], []
    for topic in found:
        with transaction.atomic():
            row = _same_topic(topic.ticket_ids, now)
            fields = {
                "label": topic.label,
                "terms": topic.terms,
                "requesters": topic.requesters,
                "baseline": topic.baseline,
                "reason": topic.reason,
                "last_seen": now,
            }
            if row is None:
                row = HotTopic.objects.create(since=topic.since, first_seen=now, alerted_at=now, **fields)
                row.tickets.set(topic.ticket_ids)
                _alert(row)
                new.append(row)
            else:
                HotTopic.objects.filter(pk=row.pk).update(since=min(row.since, topic.since), **fields)
                row.tickets.add(*topic.ticket_ids)
                seen.append(row)
    return new, seen
