"""The minute sweep (issue 5 §4, R4.8): breaches and due-soon clocks → notifications, plus the daily digest.

Each batch of clocks is taken, recorded and notified in ONE transaction (``tickets.sweep`` + ``notify``), so a
worker killed mid-sweep leaves no clock marked without its notification and none notified twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jiesu.channels.services import reception_reminders, symposium_reminders
from jiesu.insight.frequency_measures import measures_remind_overdue
from jiesu.insight.longrunning import studies_remind_review
from jiesu.knowledge.services import answers_flag_review
from jiesu.notify.recipients import office_people
from jiesu.notify.services import Alert, notify_bulk, notify_users
from jiesu.org.models import Membership, Role, User
from jiesu.org.selectors import unit_heads
from jiesu.reporting.services import flag_missing_reports
from jiesu.supervision import sweep as order_sweep
from jiesu.supervision.services.orders import OrderChange
from jiesu.tickets import sweep as ticket_sweep
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import OPEN_STATUSES, Status
from jiesu.workcalendar.rules import clock_rules
from jiesu.workcalendar.selectors import get_calendar
from jiesu.worker.models import Digest

log = logging.getLogger(__name__)

BATCH = int(os.environ.get("JIESU_SWEEP_BATCH", "1000"))


@dataclass
class SweepResult:
    overdue: int = 0
    due_soon: int = 0
    notifications: int = 0
    digests: int = 0
    orders: int = 0  # R8.2 supervision orders escalated


def run_sweep(*, now: dt.datetime | None = None, batch: int | None = None) -> SweepResult:
    """Sweep until no clock is newly due; each batch commits with its notifications."""
    now = now or timezone.now()
    size = batch or BATCH
    result = SweepResult()
    for take in ticket_sweep.BATCHES:
        while True:
            with transaction.atomic():
                got = take(now, size)
                if got.alerts:
                    result.notifications += notify_bulk(
                        [Alert(a.event, a.ticket_id, a.data) for a in got.alerts]
                    )
            if take in ticket_sweep.BREACHES:
                result.overdue += len(got.alerts)
            else:
                result.due_soon += len(got.alerts)
            if got.taken < size:
                break
    if result.overdue:
        result.notifications += _office_summary(result.overdue)
    result.orders, told = escalate_orders(now=now, size=size)
    result.notifications += told
    result.digests = make_digests(now=now)
    result.notifications += flag_missing_reports(now=now)  # R8.4: units without a daily report at the cut-off
    result.notifications += answers_flag_review(
        now=now
    )  # R2.8: answers past their review date, to their unit
    result.notifications += reception_reminders(now=now)  # R2.1: the day before a booked reception
    result.notifications += symposium_reminders(now=now)  # R2.4: organizers with none by mid-semester
    result.notifications += measures_remind_overdue(now=now)  # R9.2: root-cause measures past their due date
    result.notifications += studies_remind_review(now=now)  # R9.3: special studies whose review date came
    if result.overdue or result.due_soon or result.digests or result.orders:
        log.info("sweep: %s", result)
    return result


def escalate_orders(*, now: dt.datetime, size: int) -> tuple[int, int]:
    """R8.2: overdue supervision orders go to the unit head, then to the leader in charge; each step is
    recorded and notified in one transaction per batch. An idle sweep costs one index probe."""
    escalated = told = 0
    while True:
        ids = order_sweep.pending_ids(now, size)
        if not ids:
            break
        with override("zh-hans"), transaction.atomic():
            for step in order_sweep.take_escalations(now, ids):
                escalated += 1
                told += notify_users(
                    "order_escalated", step.recipients, **_escalation_text(step), ticket=step.ticket_id
                )
        if len(ids) < size:
            break
    return escalated, told


def _escalation_text(step: order_sweep.Escalation) -> dict[str, str]:
    due = timezone.localtime(step.deadline_at)
    values = {"subject": step.subject, "due": f"{due:%Y-%m-%d %H:%M}"}
    if step.step == 1:
        title = _("Supervision order overdue: %(subject)s") % values
        body = _("Your unit has not answered this supervision order, due %(due)s. Please answer in writing.")
    else:
        title = _("Supervision order still unanswered: %(subject)s") % values
        body = _(
            "The unit in your charge has still not answered this supervision order, due %(due)s, although its "
            "head was alerted."
        )
    return {"title": title, "body": body % values, "url": reverse("supervision:order", args=[step.order_id])}


def _office_summary(count: int) -> int:
    """R4.8: the Office hears of new breaches once per sweep, not once per ticket."""
    with override("zh-hans"), transaction.atomic():
        return notify_users(
            "overdue_summary",
            office_people(),
            title=_("%(count)d deadlines were newly missed") % {"count": count},
            body=_("%(count)d deadlines were missed since the last check. See the overdue board.")
            % {"count": count},
            url=reverse("work:overdue"),
        )


def digest_due(now: dt.datetime) -> bool:
    """The digest goes out once a working day, from ``DIGEST_TIME`` (default 08:00, Asia/Shanghai)."""
    local = timezone.localtime(now)
    return local.time() >= clock_rules().DIGEST_TIME and get_calendar().is_working_day(local.date())


_digests_done_for: dt.date | None = None


def make_digests(*, now: dt.datetime) -> int:
    """A daily digest for each unit head: open, overdue, due soon, awaiting approval, follow-ups due."""
    global _digests_done_for
    day = timezone.localdate(now)
    if _digests_done_for == day or not digest_due(now):
        return 0  # (this process already saw every head's digest for today made)
    done = set(Digest.objects.filter(day=day).values_list("unit_id", flat=True))
    heads: dict[int, User] = {
        int(m.unit_id): m.user  # type: ignore[arg-type]  # heads always have a unit
        for m in Membership.objects.filter(role=Role.UNIT_HEAD, user__is_active=True)
        .exclude(unit_id__in=done)
        .select_related("user")
    }
    if not heads:
        _digests_done_for = day
        return 0
    live = [*OPEN_STATUSES, Status.REPLIED]
    figures_by_unit: dict[int, dict[str, int]] = {}
    rows = (
        Ticket.objects.filter(lead_unit_id__in=list(heads), status__in=live)
        .values("lead_unit_id")
        .annotate(
            n_open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
            n_overdue=Count("id", filter=Q(next_due_at__lte=now)),
            n_due_soon=Count("id", filter=Q(next_soon_at__lte=now, next_due_at__gt=now)),
            n_approval=Count("id", filter=Q(status=Status.PENDING_APPROVAL)),
            n_followups=Count("id", filter=Q(status=Status.REPLIED)),
        )
    )
    for row in rows:
        figures_by_unit[int(row["lead_unit_id"])] = {
            "open": row["n_open"],
            "overdue": row["n_overdue"],
            "due_soon": row["n_due_soon"],
            "approval": row["n_approval"],
            "followups": row["n_followups"],
        }
    made = 0
    empty = dict.fromkeys(("open", "overdue", "due_soon", "approval", "followups"), 0)
    for unit_id, head in heads.items():
        figures = figures_by_unit.get(unit_id, empty)
        try:
            with transaction.atomic():
                Digest.objects.create(unit_id=unit_id, day=day, counts=figures)
                made += notify_users("digest", [head], **_digest_text(day, figures))
        except IntegrityError:
            continue  # another worker made it first
    return made


def _digest_text(day: dt.date, figures: dict[str, int]) -> dict[str, str]:
    with override("zh-hans"):
        title = _("Daily digest for %(day)s") % {"day": f"{day:%Y-%m-%d}"}
        body = (
            _(
                "Open: %(open)d; overdue: %(overdue)d; due soon: %(due_soon)d; replies awaiting your approval: "
                "%(approval)d; follow-ups due: %(followups)d."
            )
            % figures
        )
    return {"title": title, "body": body, "url": reverse("work:inbox")}


def notify_order_change(change: OrderChange) -> int:
    """R8.2, in the change's transaction: a new or returned order reaches the unit's head and information
    officers; an answer reaches whoever issued the order; a decision reaches the unit's head and whoever
    answered."""
    order = change.order
    if change.name in ("issue", "return"):
        people = list(
            User.objects.filter(
                memberships__unit_id=order.unit_id,
                memberships__role__in=[Role.UNIT_HEAD, Role.INFO_OFFICER],
                is_active=True,
            ).distinct()
        )
    elif change.name == "answer":
        people = [order.issued_by]
    else:
        heads = unit_heads([order.unit_id])
        people = [p for p in (heads.get(order.unit_id), order.answered_by) if p is not None]
    people = [p for p in people if change.actor is None or p.pk != change.actor.pk]
    with override("zh-hans"):
        values = {"subject": order.subject}
        title = {
            "issue": _("New supervision order: %(subject)s"),
            "return": _("Supervision order answer returned: %(subject)s"),
            "answer": _("Supervision order answered: %(subject)s"),
            "accept": _("Supervision order answer accepted: %(subject)s"),
            "withdraw": _("Supervision order withdrawn: %(subject)s"),
        }[change.name] % values
        due = timezone.localtime(order.deadline_at)
        body = (
            _("Answer in writing by %(due)s.") % {"due": f"{due:%Y-%m-%d %H:%M}"}
            if change.name in ("issue", "return")
            else title
        )
    return notify_users(
        "order_" + change.name,
        people,
        title=title,
        body=body,
        url=reverse("supervision:order", args=[order.pk]),
        ticket=order.ticket_id,
    )
