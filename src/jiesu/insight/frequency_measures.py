"""Root-cause measures (源头治理) on high-frequency issues (R9.2): the writes.

For a high-frequency issue of a unit, the unit's head or information officer, or the Office, records the cause
found, the measure taken, its owner and due date; later the progress, that it was carried out, and — once the
following semester has begun — an evaluation: did the volume drop? (the page shows the similar requests of the
following semester beside it). Every change is a ``RootCauseEvent`` in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.insight import frequency
from jiesu.insight.models import FrequentTopic, RootCauseEvent, RootCauseMeasure
from jiesu.insight.permissions import may_record_root_cause
from jiesu.notify.services import notify_users
from jiesu.org.models import Membership, Role, User
from jiesu.org.selectors import unit_heads
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.workcalendar.clocks import SHANGHAI

TEXT_MAX = 5000

# The allowed moves: status → statuses it may go to (evaluation once the following semester has begun).
MOVES = {
    RootCauseMeasure.Status.IN_PROGRESS: {RootCauseMeasure.Status.DONE, RootCauseMeasure.Status.EVALUATED},
    RootCauseMeasure.Status.DONE: {RootCauseMeasure.Status.EVALUATED},
    RootCauseMeasure.Status.EVALUATED: set(),
}


def owner_choices(unit_id: int) -> QuerySet[User]:
    """Who may own a measure: an active member of the unit, or a person of the Office."""
    members = Membership.objects.filter(
        Q(unit_id=unit_id) | Q(role__in=[Role.DISPATCHER, Role.DUTY_OPERATOR])
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members).order_by("full_name", "username")


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > TEXT_MAX:
        raise DomainError(_("The text is too long: at most %(n)d characters.") % {"n": TEXT_MAX}, field=field)
    return value


def _log(measure: RootCauseMeasure, kind: str, actor: User | None, at: dt.datetime, text: str) -> None:
    RootCauseEvent.objects.create(measure=measure, kind=kind, actor=actor, at=at, text=text)


def root_cause_record(
    *,
    actor: User,
    topic: FrequentTopic,
    cause: str,
    measure: str,
    owner: User | None,
    due_date: dt.date | None,
) -> RootCauseMeasure:
    """R9.2: record the cause found and the measure taken on a unit's high-frequency issue."""
    if not may_record_root_cause(actor, topic.unit_id):
        raise NotAllowed(_("Only the Office or the unit's head or information officer may record a measure."))
    now = timezone.now()
    cause = _text(cause, "cause", _("Write the cause found."))
    measure = _text(measure, "measure", _("Write the measure taken."))
    if owner is None or not owner_choices(topic.unit_id).filter(pk=owner.pk).exists():
        raise DomainError(_("Choose an owner from the unit or the Office."), field="owner")
    if due_date is None:
        raise DomainError(_("Choose the due date."), field="due_date")
    if due_date < timezone.localtime(now, SHANGHAI).date():
        raise DomainError(_("The due date cannot be in the past."), field="due_date")
    with transaction.atomic():
        locked = FrequentTopic.objects.select_for_update().get(pk=topic.pk)
        row = RootCauseMeasure.objects.create(
            topic=locked,
            cause=cause,
            measure=measure,
            owner=owner,
            due_date=due_date,
            recorded_at=now,
            recorded_by=actor,
        )
        _log(row, RootCauseEvent.Kind.RECORDED, actor, now, f"{cause}\n\n{measure}")
    return row


def _for_change(actor: User, measure: RootCauseMeasure) -> RootCauseMeasure:
    locked = RootCauseMeasure.objects.select_for_update().select_related("topic").get(pk=measure.pk)
    if not may_record_root_cause(actor, locked.topic.unit_id):
        raise NotAllowed(_("Only the Office or the unit's head or information officer may do this."))
    if locked.status == RootCauseMeasure.Status.EVALUATED:
        raise TransitionError(_("This measure has been evaluated; it can no longer change."))
    return locked


def _move(measure: RootCauseMeasure, to: RootCauseMeasure.Status) -> None:
    if to not in MOVES[RootCauseMeasure.Status(measure.status)]:
        raise TransitionError(
            _("This measure cannot go from %(old)s to %(new)s.")
            % {"old": measure.get_status_display(), "new": to.label}
        )
    measure.status = to


def root_cause_progress(
    *, actor: User, measure: RootCauseMeasure, text: str, done: bool = False
) -> RootCauseMeasure:
    """Record progress on the measure; ``done``: it has now been carried out."""
    text = _text(text, "text", _("Write what was done."))
    now = timezone.now()
    with transaction.atomic():
        locked = _for_change(actor, measure)
        kind = RootCauseEvent.Kind.PROGRESS
        if done and locked.status != RootCauseMeasure.Status.DONE:
            _move(locked, RootCauseMeasure.Status.DONE)
            locked.save(update_fields=["status"])
            kind = RootCauseEvent.Kind.DONE
        _log(locked, kind, actor, now, text)
    return locked


def root_cause_evaluate(
    *, actor: User, measure: RootCauseMeasure, effective: bool | None, text: str
) -> RootCauseMeasure:
    """Evaluate the measure once the following semester has begun: did the volume drop?"""
    if effective is None:
        raise DomainError(_("Say whether the volume dropped."), field="effective")
    text = _text(text, "evaluation", _("Write the evaluation."))
    now = timezone.now()
    with transaction.atomic():
        locked = _for_change(actor, measure)
        after = frequency.following(frequency.of_key(locked.topic.semester))
        if not frequency.has_begun(after, now):
            raise DomainError(
                _("The evaluation is made once the following semester has begun (%(day)s).")
                % {"day": frequency.span(after)[0].date().isoformat()},
                field="effective",
            )
        _move(locked, RootCauseMeasure.Status.EVALUATED)
        locked.effective, locked.evaluation, locked.evaluated_at = effective, text, now
        locked.save(update_fields=["status", "effective", "evaluation", "evaluated_at"])
        _log(locked, RootCauseEvent.Kind.EVALUATED, actor, now, text)
    return locked


def measures_remind_overdue(*, now: dt.datetime | None = None) -> int:
    """R9.2: a measure still in progress after its due date is told, once, to its owner and to the head of the
    topic's unit (the first responsible person, Art. 6), with a line in its log; the page marks it overdue.
    Run by the minute sweep: an idle run is one indexed query. Returns the number of notifications written."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    due = RootCauseMeasure.objects.filter(
        status=RootCauseMeasure.Status.IN_PROGRESS, due_date__lt=today, overdue_told_at__isnull=True
    )
    told = 0
    for pk in due.order_by("due_date", "id").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            measure = (
                RootCauseMeasure.objects.select_for_update(of=("self",))
                .select_related("topic", "topic__unit", "owner")
                .filter(pk=pk, status=RootCauseMeasure.Status.IN_PROGRESS, overdue_told_at__isnull=True)
                .first()
            )
            if measure is None:  # carried out, or told by another sweep, meanwhile
                continue
            measure.overdue_told_at = now
            measure.save(update_fields=["overdue_told_at"])
            _log(measure, RootCauseEvent.Kind.OVERDUE, None, now, "")
            head = unit_heads([measure.topic.unit_id]).get(measure.topic.unit_id)
            told += notify_users(
                "root_cause_overdue",
                [measure.owner, *([head] if head else [])],
                title=_("A root-cause measure is past its due date"),
                body=_(
                    "The measure on “%(topic)s” (%(unit)s) was due on %(date)s and has not been carried out: "
                    "record its progress, or that it was carried out."
                )
                % {
                    "topic": measure.topic.label,
                    "unit": measure.topic.unit.name,
                    "date": measure.due_date.isoformat(),
                },
                url=reverse("insight:high_frequency_topic", args=[measure.topic_id]),
            )
    return told
