"""Long-running tickets and the special-study list (R9.3): the reads and the writes.

A ticket is long-running when it is still open (not closed) more than 10 working days after the unit had it (受理,
R4.0), when it has been reopened at least twice (round ≥ 3, R7.2), or when the Office closed it unsatisfied (R7.2:
it stays on the list). The Office takes such a ticket onto the special-study list with an owner, a plan and a
review date; the owner (or the Office) records each review with the plan as revised and the next review date,
and concludes the study with what was done. Every change is a ``SpecialStudyEvent`` in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiesu.insight.models import SpecialStudy, SpecialStudyEvent
from jiesu.insight.permissions import may_see_insight
from jiesu.notify.services import notify_users
from jiesu.org.models import Membership, Role, User
from jiesu.org.selectors import unit_heads
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import CLOSED_STATUSES, Status
from jiesu.workcalendar.clocks import SHANGHAI, end_of_day
from jiesu.workcalendar.selectors import get_calendar

LONG_OPEN_WORKING_DAYS = 10  # R9.3: open more than 10 working days
REOPENED_ROUND = 3  # R9.3: reopened at least twice (the first round is 1)
PLAN_MAX = 5000

REASONS = {
    "open_long": gettext_lazy("Open more than 10 working days"),
    "reopened": gettext_lazy("Reopened twice or more"),
    "closed_unsatisfied": gettext_lazy("Closed unsatisfied"),
}


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now, SHANGHAI).date()


def long_open_since(now: dt.datetime) -> dt.datetime:
    """The first instant of the first day whose 10 working days have all passed by ``now``'s day.

    A ticket the unit had before this instant has been open more than 10 working days: the 10th working day after
    its day of 受理 (the day itself not counted) is over. Pure calendar arithmetic, a few steps back from today."""
    calendar = get_calendar()
    today = _today(now)
    day = today - dt.timedelta(days=1)
    while calendar.add_working_days(day, LONG_OPEN_WORKING_DAYS) >= today:
        day -= dt.timedelta(days=1)
    return end_of_day(day)


def _criteria(since: dt.datetime) -> Q:
    return (
        (~Q(status__in=CLOSED_STATUSES) & Q(had_at__lt=since))
        | Q(round__gte=REOPENED_ROUND)
        | Q(status=Status.CLOSED_UNSATISFIED)
    )


def reasons_of(ticket: Ticket, now: dt.datetime, since: dt.datetime | None = None) -> list[str]:
    """Why this ticket is long-running (keys of ``REASONS``); empty when it is not. ``since`` is
    ``long_open_since(now)``, passed in when many tickets are judged at once."""
    had = ticket.accepted_at or ticket.received_at
    found = []
    if ticket.status not in CLOSED_STATUSES and had < (since or long_open_since(now)):
        found.append("open_long")
    if ticket.round >= REOPENED_ROUND:
        found.append("reopened")
    if ticket.status == Status.CLOSED_UNSATISFIED:
        found.append("closed_unsatisfied")
    return found


@dataclass(frozen=True)
class Candidate:
    ticket: Ticket
    reasons: list[str]
    head: User | None

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def _long_running(since: dt.datetime) -> QuerySet[Ticket]:
    return Ticket.objects.annotate(had_at=Coalesce("accepted_at", "received_at")).filter(_criteria(since))


def candidates(*, now: dt.datetime | None = None, limit: int = 200) -> list[Candidate]:
    """Long-running tickets not yet on the list, the longest-held first, with the lead unit's head (two queries)."""
    now = now or timezone.now()
    since = long_open_since(now)
    rows = list(
        _long_running(since)
        .filter(special_study__isnull=True)
        .select_related("lead_unit")
        .order_by("had_at", "id")[:limit]  # type: ignore[misc]  # an annotation the plugin misses
    )
    heads = unit_heads({t.lead_unit_id for t in rows if t.lead_unit_id})
    return [Candidate(t, reasons_of(t, now, since), heads.get(t.lead_unit_id)) for t in rows]  # type: ignore[arg-type]


def studies_for(user: User, *, concluded: bool = False) -> QuerySet[SpecialStudy]:
    """Open (or concluded) studies this person may read: all for the Office, their own for an owner."""
    status = SpecialStudy.Status.CONCLUDED if concluded else SpecialStudy.Status.OPEN
    qs = SpecialStudy.objects.filter(status=status).select_related("ticket", "ticket__lead_unit", "owner")
    if not may_see_insight(user):
        qs = qs.filter(owner=user)
    return qs.order_by("-concluded_at", "-id") if concluded else qs.order_by("review_date", "id")


def may_see_studies(user: User) -> bool:
    """The Office sees the list and takes tickets onto it; an owner sees the studies they own."""
    if not getattr(user, "is_authenticated", False):
        return False
    return may_see_insight(user) or SpecialStudy.objects.filter(owner=user).exists()


def may_manage(user: User, study: SpecialStudy) -> bool:
    return may_see_insight(user) or study.owner_id == user.pk


def proposed_owner(ticket: Ticket) -> User | None:
    """The owner proposed when a ticket is put on the list: its lead unit's head (R9.3)."""
    if ticket.lead_unit_id is None:
        return None
    return unit_heads([ticket.lead_unit_id]).get(ticket.lead_unit_id)


def owner_choices(ticket: Ticket) -> QuerySet[User]:
    """Who may own a ticket's study: an active member of its lead unit, or a person of the Office."""
    members = Membership.objects.filter(
        Q(unit_id=ticket.lead_unit_id) | Q(role__in=[Role.DISPATCHER, Role.DUTY_OPERATOR])
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members).order_by("full_name", "username")


def _check_plan(plan: str, review_date: dt.date | None, now: dt.datetime) -> str:
    plan = (plan or "").strip()
    if not plan:
        raise DomainError(_("Write the plan: what will be studied and done, by whom."), field="plan")
    if len(plan) > PLAN_MAX:
        raise DomainError(
            _("The plan is too long: at most %(n)d characters.") % {"n": PLAN_MAX}, field="plan"
        )
    if review_date is None:
        raise DomainError(_("Choose the review date."), field="review_date")
    if review_date < _today(now):
        raise DomainError(_("The review date cannot be in the past."), field="review_date")
    return plan


def _log(
    study: SpecialStudy,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    text: str = "",
    review: dt.date | None = None,
) -> None:
    SpecialStudyEvent.objects.create(
        study=study, kind=kind, at=at, actor=actor, text=text, review_date=review
    )


def _tell_owner(study: SpecialStudy, title: str) -> None:
    notify_users(
        "special_study",
        [study.owner],
        title=title,
        body=_("Request %(number)s is on the special-study list; next review on %(day)s.")
        % {"number": study.ticket.number, "day": study.review_date.isoformat()},
        url=reverse("insight:study", args=[study.pk]),
        ticket=study.ticket_id,
    )


def study_open(
    *, actor: User, ticket: Ticket, owner: User, plan: str, review_date: dt.date | None
) -> SpecialStudy:
    """R9.3: the Office takes a long-running ticket onto the special-study list."""
    if not may_see_insight(actor):
        raise NotAllowed(_("Only the Office may put a request on the special-study list."))
    now = timezone.now()
    plan = _check_plan(plan, review_date, now)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        reasons = reasons_of(locked, now)
        if not reasons:
            raise DomainError(
                _("This request is not long-running: nothing puts it on the special-study list.")
            )
        if SpecialStudy.objects.filter(ticket=locked).exists():
            raise TransitionError(_("This request is already on the special-study list."))
        if not owner_choices(locked).filter(pk=owner.pk).exists():
            raise DomainError(_("Choose an owner from the lead unit or the Office."), field="owner")
        study = SpecialStudy.objects.create(
            ticket=locked,
            reasons=reasons,
            owner=owner,
            plan=plan,
            review_date=review_date,  # type: ignore[misc]  # _check_plan refused None
            opened_at=now,
            opened_by=actor,
        )
        _log(study, SpecialStudyEvent.Kind.OPENED, actor, now, plan, review_date)
        _tell_owner(study, _("You own the special study of request %(number)s") % {"number": locked.number})
    return study


def _for_change(actor: User, study: SpecialStudy) -> SpecialStudy:
    if not may_manage(actor, study):
        raise NotAllowed(_("Only the Office or the study's owner may do this."))
    locked = SpecialStudy.objects.select_for_update().select_related("ticket", "owner").get(pk=study.pk)
    if locked.status != SpecialStudy.Status.OPEN:
        raise TransitionError(_("This special study is concluded."))
    return locked


def study_review(
    *, actor: User, study: SpecialStudy, findings: str, plan: str, review_date: dt.date | None
) -> SpecialStudy:
    """Record a review: what was found, the plan as revised and the next review date."""
    now = timezone.now()
    plan = _check_plan(plan, review_date, now)
    findings = (findings or "").strip()
    if not findings:
        raise DomainError(_("Write what the review found."), field="findings")
    with transaction.atomic():
        locked = _for_change(actor, study)
        locked.plan, locked.review_date = plan, review_date  # type: ignore[assignment]
        locked.save(update_fields=["plan", "review_date"])
        _log(locked, SpecialStudyEvent.Kind.REVIEWED, actor, now, f"{findings}\n\n{plan}", review_date)
    return locked


def study_conclude(*, actor: User, study: SpecialStudy, conclusion: str) -> SpecialStudy:
    """End the study with what was done about the cause."""
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise DomainError(_("Write what was done before concluding."), field="conclusion")
    now = timezone.now()
    with transaction.atomic():
        locked = _for_change(actor, study)
        locked.status, locked.concluded_at, locked.conclusion = SpecialStudy.Status.CONCLUDED, now, conclusion
        locked.save(update_fields=["status", "concluded_at", "conclusion"])
        _log(locked, SpecialStudyEvent.Kind.CONCLUDED, actor, now, conclusion)
    return locked


def reviews_due(*, now: dt.datetime | None = None) -> QuerySet[SpecialStudy]:
    """Open studies whose review date has come."""
    return SpecialStudy.objects.filter(
        status=SpecialStudy.Status.OPEN, review_date__lte=_today(now or timezone.now())
    )


def studies_remind_review(*, now: dt.datetime | None = None) -> int:
    """R9.3: when an open study's review date comes, its owner is told once for that date (a review sets the next
    date, which is told again when it comes), with a line in the study's log. Run by the minute sweep: an idle
    run is one indexed query. Returns the number of notifications written."""
    now = now or timezone.now()
    due = reviews_due(now=now).filter(Q(review_told_on__isnull=True) | ~Q(review_told_on=F("review_date")))
    told = 0
    for pk in due.order_by("review_date", "id").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            study = (
                SpecialStudy.objects.select_for_update(of=("self",))
                .select_related("ticket", "owner")
                .filter(pk=pk, status=SpecialStudy.Status.OPEN)
                .first()
            )
            if study is None or study.review_told_on == study.review_date:  # concluded or told meanwhile
                continue
            study.review_told_on = study.review_date
            study.save(update_fields=["review_told_on"])
            _log(study, SpecialStudyEvent.Kind.REVIEW_DUE, None, now, "", study.review_date)
            told += notify_users(
                "special_study_review",
                [study.owner],
                title=_("A special study is due for review"),
                body=_(
                    "Request %(number)s on the special-study list was due for review on %(day)s: record the "
                    "review with the plan as revised and the next review date, or conclude the study."
                )
                % {"number": study.ticket.number, "day": study.review_date.isoformat()},
                url=reverse("insight:study", args=[study.pk]),
                ticket=study.ticket_id,
            )
    return told
