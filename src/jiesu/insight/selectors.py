"""Reads of the insight app: the model in use, suggestions, the acceptance rate, the training set."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiesu.insight import learn, repeats
from jiesu.insight.models import DispatchModel, DispatchSuggestion, HotTopic, TaskForce, TaskForceTicket
from jiesu.org.models import Unit, User
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import visible_tickets
from jiesu.tickets.states import CLOSED_STATUSES

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

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


def acceptance(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> Acceptance:
    """R9.5: how often the Office chose the first suggestion among dispatches from ``since`` up to ``until``
    (exclusive), one aggregate query."""
    qs = DispatchSuggestion.objects.all()
    if since is not None:
        qs = qs.filter(dispatched_at__gte=since)
    if until is not None:
        qs = qs.filter(dispatched_at__lt=until)
    row = qs.aggregate(
        n=Count("id"), ok=Count("id", filter=Q(accepted=True)), top=Count("id", filter=Q(in_top3=True))
    )
    return Acceptance(row["n"], row["ok"], row["top"])


def latest_version() -> DispatchModel | None:
    return DispatchModel.objects.defer("payload").select_related("trained_by").first()


def units_by_name(names: Sequence[str]) -> dict[str, Unit]:
    return {u.name: u for u in Unit.objects.filter(name__in=set(names), is_active=True)}


# --- Hot topics and task forces (R9.1, R6.4) ------------------------------------------------------------------

TREND_DAYS = 14
LISTED_TOPICS = 20


def hot_topics(*, days: int = 30) -> list[HotTopic]:
    """The topics seen hot in the last ``days`` days, newest first, with their ticket counts (one query)."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        HotTopic.objects.filter(last_seen__gte=since)
        .annotate(n_tickets=Count("tickets", distinct=True), n_forces=Count("task_forces", distinct=True))
        .order_by("-last_seen", "-id")[:LISTED_TOPICS]
    )


def topic_units(topics: Sequence[HotTopic]) -> dict[int, list[str]]:
    """The lead units of each topic's tickets (one query)."""
    rows = (
        HotTopic.tickets.through.objects.filter(hottopic__in=topics, ticket__lead_unit__isnull=False)
        .values_list("hottopic_id", "ticket__lead_unit__name")
        .distinct()
    )
    out: dict[int, list[str]] = {}
    for topic_id, name in rows:
        out.setdefault(topic_id, []).append(name)
    return {k: sorted(v) for k, v in out.items()}


def trend(topics: Sequence[HotTopic], *, days: int = TREND_DAYS) -> dict[str, object]:
    """Requests per day of each topic over the last ``days`` days (Asia/Shanghai dates; one query)."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    rows = (
        HotTopic.tickets.through.objects.filter(hottopic__in=topics, ticket__received_at__date__gte=first)
        .annotate(day=TruncDate("ticket__received_at", tzinfo=tz))
        .values_list("hottopic_id", "day")  # type: ignore[misc]  # an annotation the plugin misses
        .annotate(n=Count("id"))
    )
    counts = {(t, d): n for t, d, n in rows}
    return {
        "categories": [d.strftime("%m-%d") for d in dates],
        "series": [{"name": t.label, "data": [counts.get((t.pk, d), 0) for d in dates]} for t in topics],
    }


def topic_tickets(viewer: User, topic: HotTopic) -> list[Ticket]:
    """R10.3: the topic's tickets the viewer may open, oldest first."""
    return list(
        visible_tickets(viewer, topic.tickets.all()).select_related("lead_unit").order_by("received_at", "id")
    )


def task_forces(*, status: str | None = None) -> list[TaskForce]:
    qs = TaskForce.objects.select_related("lead_unit", "leader", "hot_topic").annotate(
        n_tickets=Count("links", distinct=True)
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-opened_at", "-id")[:200])


def task_force_tickets(viewer: User, task_force: TaskForce) -> list[Ticket]:
    return list(
        visible_tickets(viewer, Ticket.objects.filter(task_forces=task_force))
        .select_related("lead_unit")
        .order_by("received_at", "id")
    )


PROPOSAL_DAYS = 30
PROPOSALS = 10


def task_force_proposals(viewer: User, task_force: TaskForce) -> list[tuple[Ticket, float]]:
    """New tickets similar to the task force's linked ones, proposed for linking (R6.4): received since a week
    before it opened (at most 30 days back), not linked yet, visible to the viewer, at the near-duplicate
    threshold of repeat detection against any linked ticket."""
    linked = list(Ticket.objects.filter(task_forces=task_force).only("subject", "content"))
    if not linked or task_force.status != TaskForce.Status.OPEN:
        return []
    since = max(
        task_force.opened_at - dt.timedelta(days=7), timezone.now() - dt.timedelta(days=PROPOSAL_DAYS)
    )
    pool = list(
        visible_tickets(viewer)
        .filter(received_at__gte=since)
        .exclude(task_forces=task_force)
        .only("number", "subject", "content", "received_at", "status")
        .order_by("-received_at")[: repeats.POOL]
    )
    if not pool:
        return []
    scores = repeats.cosine([repeats.text_of(t) for t in pool], [repeats.text_of(t) for t in linked]).max(
        axis=1
    )
    found = [(t, float(s)) for t, s in zip(pool, scores, strict=True) if s >= repeats.NEAR_DUPLICATE]
    found.sort(key=lambda f: -f[1])
    return found[:PROPOSALS]


def task_forces_of(ticket_ids: Sequence[int]) -> dict[int, list[TaskForce]]:
    """The task forces each ticket is linked to (the ticket page shows them; one query)."""
    out: dict[int, list[TaskForce]] = {}
    links = TaskForceTicket.objects.filter(ticket_id__in=ticket_ids).select_related("task_force__lead_unit")
    for link in links.order_by("linked_at"):
        out.setdefault(link.ticket_id, []).append(link.task_force)
    return out
