"""Reads of the insight app: the model in use, suggestions, the acceptance rate, the training set."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from sklearn.pipeline import Pipeline

from jiesu.insight import learn
from jiesu.insight.models import DispatchModel, DispatchSuggestion
from jiesu.org.models import Unit
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import CLOSED_STATUSES

_lock = threading.Lock()
_loaded: dict[str, tuple[int | None, Pipeline]] = {}


def _cold_start() -> Pipeline:
    """The built-in model from the remit alone, for an installation with no trained version yet."""
    with _lock:
        if "cold" not in _loaded:
            docs = learn.remit_documents()
            _loaded["cold"] = (None, learn.train([t for t, _ in docs], [u for _, u in docs]))
        return _loaded["cold"][1]


def current_model() -> tuple[int | None, Pipeline]:
    """The newest trained version (one indexed query to check it; loaded once per process and version), or
    the cold-start model when none has been trained."""
    newest = DispatchModel.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return None, _cold_start()
    held = _loaded.get("trained")
    if held is None or held[0] != newest:
        payload = DispatchModel.objects.filter(pk=newest).values_list("payload", flat=True).get()
        with _lock:
            _loaded["trained"] = (newest, learn.loads(payload))
    return _loaded["trained"]


def suggest_units(text: str, k: int = 3) -> tuple[int | None, list[learn.Suggestion]]:
    """R9.5: the ``k`` most likely lead units for a request's text, with the version that said so."""
    version, model = current_model()
    return version, learn.suggest(model, [text], k=k)[0]


def suggest_many(texts: Sequence[str], k: int = 3) -> list[list[learn.Suggestion]]:
    return learn.suggest(current_model()[1], texts, k=k)


def training_tickets(*, limit: int) -> list[tuple[str, str, str, dt.datetime]]:
    """Dispatched-and-closed tickets, newest first: (subject, content, lead unit name, received)."""
    return list(
        Ticket.objects.filter(status__in=CLOSED_STATUSES, lead_unit__isnull=False)
        .order_by("-received_at")
        .values_list("subject", "content", "lead_unit__name", "received_at")[:limit]
    )


@dataclass(frozen=True)
class Acceptance:
    dispatched: int
    accepted: int
    in_top3: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.dispatched if self.dispatched else None

    @property
    def top3_rate(self) -> float | None:
        return self.in_top3 / self.dispatched if self.dispatched else None


def acceptance(*, since: dt.datetime | None = None) -> Acceptance:
    """R9.5: how often the Office chose the first suggestion (one aggregate query)."""
    qs = DispatchSuggestion.objects.all()
    if since is not None:
        qs = qs.filter(dispatched_at__gte=since)
    row = qs.aggregate(
        n=Count("id"), ok=Count("id", filter=Q(accepted=True)), top=Count("id", filter=Q(in_top3=True))
    )
    return Acceptance(row["n"], row["ok"], row["top"])


def latest_version() -> DispatchModel | None:
    return DispatchModel.objects.defer("payload").select_related("trained_by").first()


def units_by_name(names: Sequence[str]) -> dict[str, Unit]:
    return {u.name: u for u in Unit.objects.filter(name__in=set(names), is_active=True)}
