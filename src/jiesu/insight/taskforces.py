"""Task forces 专班 (R6.4, Art. 9.6, 13): the writes. The Office opens one (from a hot topic or by hand), led by
the head of the lead unit; the Office or its leader links tickets, records meetings and actions, and closes it
with a root-cause measure. Every change is a ``TaskForceEvent`` written in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.insight.models import HotTopic, TaskForce, TaskForceEvent, TaskForceTicket
from jiesu.insight.permissions import may_manage_task_force, may_open_task_force
from jiesu.notify.services import notify_users
from jiesu.org.models import Unit, User
from jiesu.org.selectors import unit_heads
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Ticket


def _log(task_force: TaskForce, kind: str, actor: User, text: str = "", ticket: Ticket | None = None) -> None:
    TaskForceEvent.objects.create(
        task_force=task_force, kind=kind, at=timezone.now(), actor=actor, text=text, ticket=ticket
    )


def _link(task_force: TaskForce, tickets: Iterable[Ticket], actor: User) -> int:
    have = set(task_force.links.values_list("ticket_id", flat=True))
    added = 0
    for ticket in tickets:
        if ticket.pk in have:
            continue
        TaskForceTicket.objects.create(
            task_force=task_force, ticket=ticket, linked_at=timezone.now(), linked_by=actor
        )
        _log(task_force, TaskForceEvent.Kind.LINKED, actor, ticket=ticket)
        have.add(ticket.pk)
        added += 1
    return added


def _open_for_change(task_force: TaskForce, actor: User) -> TaskForce:
    """The task force locked for this change; refused when the actor may not act or it is closed."""
    if not may_manage_task_force(actor, task_force):
        raise NotAllowed(_("Only the Office or the task force's leader may do this."))
    locked = TaskForce.objects.select_for_update().get(pk=task_force.pk)
    if locked.status != TaskForce.Status.OPEN:
        raise TransitionError(_("This task force is closed."))
    return locked


def task_force_open(
    *,
    actor: User,
    name: str,
    lead_unit: Unit,
    hot_topic: HotTopic | None = None,
    tickets: Iterable[Ticket] = (),
) -> TaskForce:
    """R6.4: open a task force led by ``lead_unit``'s head; a hot topic's tickets are linked at once."""
    if not may_open_task_force(actor):
        raise NotAllowed(_("Only the Office may open a task force."))
    name = name.strip()
    if not name:
        raise DomainError(_("Give the task force a name."), field="name")
    head = unit_heads([lead_unit.pk]).get(lead_unit.pk)
    if head is None:
        raise DomainError(_("This unit has no head to lead the task force."), field="lead_unit")
    with transaction.atomic():
        task_force = TaskForce.objects.create(
            name=name[:200],
            hot_topic=hot_topic,
            lead_unit=lead_unit,
            leader=head,
            opened_at=timezone.now(),
            opened_by=actor,
        )
        _log(task_force, TaskForceEvent.Kind.OPENED, actor, text=name)
        chosen = list(tickets)
        if hot_topic is not None:
            chosen += list(hot_topic.tickets.order_by("received_at"))
        _link(task_force, chosen, actor)
        notify_users(
            "task_force",
            [head],
            title=_("You lead the task force: %(name)s") % {"name": task_force.name},
            body=_("The Office opened a task force led by you (Article 13)."),
            url=reverse("insight:task_force", args=[task_force.pk]),
        )
    return task_force


def task_force_link(*, actor: User, task_force: TaskForce, tickets: Iterable[Ticket]) -> int:
    """Link tickets to an open task force (already linked ones are skipped); returns how many were added."""
    with transaction.atomic():
        locked = _open_for_change(task_force, actor)
        return _link(locked, tickets, actor)


def task_force_note(*, actor: User, task_force: TaskForce, kind: str, text: str) -> TaskForceEvent:
    """Record a meeting or an action of an open task force."""
    if kind not in (TaskForceEvent.Kind.MEETING, TaskForceEvent.Kind.ACTION):
        raise DomainError(_("Choose a meeting or an action."), field="kind")
    text = text.strip()
    if not text:
        raise DomainError(_("Write what was decided or done."), field="text")
    with transaction.atomic():
        locked = _open_for_change(task_force, actor)
        _log(locked, kind, actor, text=text)
        return locked.events.order_by("-id").first()  # type: ignore[return-value]


def task_force_close(*, actor: User, task_force: TaskForce, measure: str) -> TaskForce:
    """Close a task force with the root-cause measure taken (源头治理)."""
    measure = measure.strip()
    if not measure:
        raise DomainError(_("Record the root-cause measure before closing."), field="measure")
    with transaction.atomic():
        locked = _open_for_change(task_force, actor)
        locked.status = TaskForce.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.root_cause_measure = measure
        locked.save(update_fields=["status", "closed_at", "root_cause_measure"])
        _log(locked, TaskForceEvent.Kind.CLOSED, actor, text=measure)
    return locked
