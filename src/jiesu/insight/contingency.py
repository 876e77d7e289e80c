"""Contingency plans 预案 for seasonal peaks (R9.4), the writes, and the notice 4 weeks ahead of a peak.

A unit head or information officer (or the Office) records a plan for a coming peak of the unit: the measures,
an owner from the unit, the day it must be ready by, and its state (being prepared → ready → activated →
finished). Every change is a ``ContingencyEvent`` in the same transaction. The nightly computation tells each
unit's head of a peak starting within 4 weeks, once per peak (``SeasonalNotice``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.insight import peaks, seasonal
from jiesu.insight.models import ContingencyEvent, ContingencyPlan, SeasonalModel, SeasonalNotice
from jiesu.notify.services import notify_users
from jiesu.org.models import Membership, User
from jiesu.org.selectors import unit_heads
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError

MEASURES_MAX = 5000
State = ContingencyPlan.State
MOVES: dict[str, frozenset[str]] = {  # the allowed state changes
    State.DRAFT: frozenset({State.READY}),
    State.READY: frozenset({State.DRAFT, State.ACTIVE}),
    State.ACTIVE: frozenset({State.DONE}),
    State.DONE: frozenset(),
}


def owner_choices(unit_id: int) -> QuerySet[User]:
    """Who may own a unit's plan: an active member of the unit."""
    members = Membership.objects.filter(unit_id=unit_id).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members).order_by("full_name", "username")


def plans_for(user: User, unit_ids: list[int] | None) -> QuerySet[ContingencyPlan]:
    qs = ContingencyPlan.objects.select_related("unit", "owner").order_by("-peak_start", "id")
    return qs if unit_ids is None else qs.filter(unit_id__in=unit_ids)


def _check(
    *, measures: str, owner: User | None, ready_by: dt.date | None, unit_id: int, peak_end: dt.date
) -> str:
    measures = (measures or "").strip()
    if not measures:
        raise DomainError(_("Write the measures: staff, supplies, notices, hours."), field="measures")
    if len(measures) > MEASURES_MAX:
        raise DomainError(
            _("The measures are too long: at most %(n)d characters.") % {"n": MEASURES_MAX}, field="measures"
        )
    if owner is None or not owner_choices(unit_id).filter(pk=owner.pk).exists():
        raise DomainError(_("Choose an owner from the unit."), field="owner")
    if ready_by is None:
        raise DomainError(_("Choose the day the plan must be ready by."), field="ready_by")
    if ready_by < timezone.localdate():
        raise DomainError(_("The ready-by day cannot be in the past."), field="ready_by")
    if ready_by > peak_end:
        raise DomainError(_("The plan must be ready before the peak is over."), field="ready_by")
    return measures


def _log(plan: ContingencyPlan, kind: str, actor: User, at: dt.datetime, text: str = "") -> None:
    ContingencyEvent.objects.create(plan=plan, kind=kind, at=at, actor=actor, state=plan.state, text=text)


def plan_record(
    *,
    actor: User,
    topic_id: int,
    peak_start: dt.date | None,
    measures: str,
    owner: User | None,
    ready_by: dt.date | None,
    model: SeasonalModel | None = None,
) -> ContingencyPlan:
    """R9.4: record the contingency plan of a coming peak (one per unit, topic and peak)."""
    model = model or seasonal.latest()
    today = timezone.localdate()
    peak = peaks.peak_for(model, topic_id, peak_start, today) if peak_start else None
    if peak is None:
        raise DomainError(_("This peak is not among the coming 4 weeks' peaks any more."))
    if not peaks.may_plan_for(actor, peak.topic.unit_id):
        raise NotAllowed(_("Only the unit or the Office may record a plan for this peak."))
    measures = _check(
        measures=measures, owner=owner, ready_by=ready_by, unit_id=peak.topic.unit_id, peak_end=peak.end
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            plan = ContingencyPlan.objects.create(
                unit_id=peak.topic.unit_id,
                topic=peak.topic.label,
                terms=peak.topic.terms,
                peak_start=peak.start,
                peak_end=peak.end,
                expected=peak.expected,
                normal=peak.topic.normal,
                measures=measures,
                owner=owner,  # type: ignore[misc]  # _check refused None
                ready_by=ready_by,  # type: ignore[misc]
                created_at=now,
                created_by=actor,
            )
            _log(plan, ContingencyEvent.Kind.RECORDED, actor, now, measures)
    except IntegrityError:
        raise TransitionError(_("A plan for this peak has already been recorded.")) from None
    if owner is not None and owner.pk != actor.pk:
        notify_users(
            "contingency_plan",
            [owner],
            title=_("You own the contingency plan for %(topic)s") % {"topic": plan.topic},
            body=_("Expected peak from %(start)s; the plan must be ready by %(day)s.")
            % {"start": plan.peak_start.isoformat(), "day": plan.ready_by.isoformat()},
            url=reverse("insight:seasonal_plan", args=[plan.pk]),
        )
    return plan


def _for_change(actor: User, plan: ContingencyPlan) -> ContingencyPlan:
    if not peaks.may_plan_for(actor, plan.unit_id):
        raise NotAllowed(_("Only the unit or the Office may change this plan."))
    locked = ContingencyPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.state == State.DONE:
        raise TransitionError(_("This plan is finished."))
    return locked


def plan_revise(
    *, actor: User, plan: ContingencyPlan, measures: str, owner: User | None, ready_by: dt.date | None
) -> ContingencyPlan:
    """Revise the measures, owner or ready-by day of a plan not finished."""
    measures = _check(
        measures=measures, owner=owner, ready_by=ready_by, unit_id=plan.unit_id, peak_end=plan.peak_end
    )
    now = timezone.now()
    with transaction.atomic():
        locked = _for_change(actor, plan)
        locked.measures, locked.owner, locked.ready_by = measures, owner, ready_by  # type: ignore[assignment]
        locked.save(update_fields=["measures", "owner", "ready_by"])
        _log(locked, ContingencyEvent.Kind.REVISED, actor, now, measures)
    return locked


def plan_move(*, actor: User, plan: ContingencyPlan, state: str, note: str = "") -> ContingencyPlan:
    """Change the plan's state along ``MOVES`` (a wrong move is refused with the reason)."""
    now = timezone.now()
    with transaction.atomic():
        locked = _for_change(actor, plan)
        if state not in MOVES[locked.state]:
            raise TransitionError(
                _("A plan that is %(now)s cannot become %(new)s.")
                % {"now": locked.get_state_display(), "new": dict(State.choices).get(state, state)}
            )
        updated = ContingencyPlan.objects.filter(pk=locked.pk, state=locked.state).update(state=state)
        if updated != 1:  # pragma: no cover - the row is locked
            raise TransitionError(_("The plan changed meanwhile; reload the page."))
        locked.state = state
        _log(locked, ContingencyEvent.Kind.STATE, actor, now, (note or "").strip())
    return locked


# --- Notices 4 weeks ahead -----------------------------------------------------------------------------------


def peak_notices_send(*, model: SeasonalModel | None = None, now: dt.datetime | None = None) -> int:
    """Tell each unit's head of its peaks starting within the next 4 weeks, once per peak. Returns how many."""
    model = model or seasonal.latest()
    now = now or timezone.now()
    today = seasonal.local_day(now)
    coming = [p for p in peaks.upcoming(model, None, today) if 0 <= p.in_days <= 7 * peaks.AHEAD_WEEKS]
    if not coming:
        return 0
    told = set(
        SeasonalNotice.objects.filter(
            Q(unit_id__in={p.topic.unit_id for p in coming}) & Q(peak_start__in={p.start for p in coming})
        ).values_list("unit_id", "topic", "peak_start")
    )
    heads = unit_heads({p.topic.unit_id for p in coming})
    sent = 0
    for peak in coming:
        key = (peak.topic.unit_id, peak.topic.label, peak.start)
        if key in told:
            continue
        with transaction.atomic():
            SeasonalNotice.objects.create(unit_id=key[0], topic=key[1], peak_start=key[2], notified_at=now)
            notify_users(
                "seasonal_peak",
                [heads.get(peak.topic.unit_id)],  # type: ignore[list-item]
                title=_("Seasonal peak ahead: %(topic)s") % {"topic": peak.topic.label},
                body=_(
                    "From %(start)s about %(expected)s requests a week are expected (a normal week: %(normal)s). "
                    "Record a contingency plan."
                )
                % {"start": peak.start.isoformat(), "expected": peak.expected, "normal": peak.topic.normal},
                url=reverse("insight:seasonal") + f"?unit={peak.topic.unit_id}",
            )
        told.add(key)
        sent += 1
    return sent


def seasonal_refresh(
    *, trigger: str = SeasonalModel.Trigger.NIGHTLY, actor: User | None = None
) -> tuple[SeasonalModel, int]:
    """The nightly work: a new computation, then the notices of the peaks now 4 weeks ahead."""
    model = seasonal.seasonal_compute(trigger=trigger, actor=actor)
    return model, peak_notices_send(model=model)


_computers: list[Callable[[int | None], None]] = []


def on_compute_requested(computer: Callable[[int | None], None]) -> None:
    """The worker registers how an on-demand computation is queued (the insight app never imports the queue)."""
    if computer not in _computers:
        _computers.append(computer)


def seasonal_compute_request(*, actor: User) -> bool:
    """ "Recompute now": queue a computation after the request commits; without a worker hooked on, compute
    here and now. True when it was queued."""
    if _computers:
        for computer in _computers:
            transaction.on_commit(lambda c=computer: c(actor.pk))  # type: ignore[misc]
        return True
    seasonal_refresh(trigger=SeasonalModel.Trigger.ON_DEMAND, actor=actor)
    return False
