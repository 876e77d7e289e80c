"""Writes of the insight app: training a dispatch model version, recording a dispatch against its suggestion."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from jiesu.insight import learn, selectors
from jiesu.insight.models import DispatchModel, DispatchSuggestion
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
