"""Every write of the notify app (conventions: services for writes).

Writers of notifications run inside the caller's transaction, so the inbox and outbox rows commit or roll back
with the change that caused them (issue 5 §3):

- ``notify_ticket_event`` — registered with ``tickets.services.subscribe_in_transaction``: every ticket event.
- ``notify_bulk`` — the minute sweep's alerts (due soon, overdue, follow-up due), set-based: a constant number
  of queries per call whatever the number of alerts, rows inserted in batches.
- ``notify_users`` — a message the caller wrote (the Office's overdue summary, a head's daily digest).

Each returns the number of rows written (inbox notifications plus outbox messages). After a commit that wrote
outbox rows the hooks registered with ``on_outbox_committed`` run (the worker app registers its wake-up, so
this app never imports the worker); the worker's minute sweep delivers anyway.

The inbox's own writes: ``notification_mark_read``, ``notification_mark_all_read``, ``preference_update``,
and the Office's ``outbox_retry``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.notify import messages
from jiesu.notify.models import Notification, Outbox, OutboxChannel, OutboxState, Preference
from jiesu.notify.permissions import may_manage_outbox
from jiesu.notify.plan import Plan
from jiesu.notify.recipients import RECEIPTS, AlertLike, Facts, Route, Target, local, person_target
from jiesu.org.models import User
from jiesu.privacy import mask_contacts
from jiesu.tickets.errors import NotAllowed
from jiesu.tickets.services import TicketEvent

BATCH_SIZE = 500


@dataclass(frozen=True)
class Alert:
    """One fact for ``notify_bulk``: ``due_soon``, ``overdue`` or ``followup_due`` (or any ticket event name)
    about one ticket, with the sweep's data (``clock``, ``due_at``, and ``unit_id`` for a co-handling clock)."""

    event: str
    ticket_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    actor_id: int | None = None  # who acted (a ticket event): not told in the inbox of their own action


_BODIES = {
    OutboxChannel.EMAIL: lambda m: (m.subject, m.email_body),
    OutboxChannel.SMS: lambda m: ("", m.sms),
    OutboxChannel.WECOM: lambda m: (m.title, m.wecom),
}


@dataclass
class _Rows:
    """Rows waiting for their bulk insert.

    With ``combine`` (the sweep's alerts), a person's email, SMS and WeCom messages of one batch are merged
    into one message per channel — 300 tickets breaching in one minute make 300 inbox lines but one email,
    not 300 — while a single alert keeps its own words."""

    now: dt.datetime
    combine: bool = False
    notifications: list[Notification] = field(default_factory=list)
    outbox: list[Outbox] = field(default_factory=list)
    _grouped: dict[tuple[str, str], list[tuple[str, Notification | None, messages.Rendered]]] = field(
        default_factory=dict
    )

    def add(
        self,
        target: Target,
        message: messages.Rendered,
        *,
        event: str,
        ticket_id: int | None,
        inbox: bool = True,
    ) -> None:
        note = None
        if inbox and target.user_id is not None:
            note = Notification(
                recipient_id=target.user_id,
                event=event,
                ticket_id=ticket_id,
                title=message.title,
                body=message.inbox_body,
                url=message.url,
                created_at=self.now,
            )
            self.notifications.append(note)
        for channel, address in target.channels():
            if self.combine:
                self._grouped.setdefault((channel, address), []).append((event, note, message))
            else:
                self._queue(channel, address, event, note, message)

    def _queue(
        self, channel: str, address: str, event: str, note: Notification | None, message: messages.Rendered
    ) -> None:
        subject, body = _BODIES[OutboxChannel(channel)](message)
        self.outbox.append(
            Outbox(
                notification=note,
                event=event,
                channel=channel,
                address=address[:254],
                subject=subject,
                body=body,
                next_attempt_at=self.now,
                created_at=self.now,
            )
        )

    def merge(self, inbox_url: str) -> None:
        """Turn the grouped messages into outbox rows (inside ``messages.language()``)."""
        for (channel, address), items in self._grouped.items():
            if len(items) == 1:
                self._queue(channel, address, *items[0])
                continue
            events = {event for event, _note, _message in items}
            event = events.pop() if len(events) == 1 else "alerts"
            merged = messages.combined([message for _e, _n, message in items], url=inbox_url)
            self._queue(channel, address, event, None, merged)
        self._grouped.clear()

    def save(self, *, wake: bool = True) -> tuple[int, int]:
        """Insert in batches; with ``wake``, a worker is asked to deliver once the transaction commits."""
        # Notifications first: their ids (RETURNING, on PostgreSQL and SQLite ≥ 3.35) become the outbox's FKs.
        Notification.objects.bulk_create(self.notifications, batch_size=BATCH_SIZE)
        Outbox.objects.bulk_create(self.outbox, batch_size=BATCH_SIZE)
        if self.outbox and wake:
            transaction.on_commit(wake_worker)
        return len(self.notifications), len(self.outbox)


_outbox_hooks: list[Callable[[], None]] = []


def on_outbox_committed(hook: Callable[[], None]) -> Callable[[], None]:
    """Register ``hook`` to run after every commit that wrote outbox rows (the worker app asks for a delivery
    this way: domain apps never import the queue)."""
    if hook not in _outbox_hooks:
        _outbox_hooks.append(hook)
    return hook


def wake_worker() -> None:
    """Run the registered after-commit hooks (``on_outbox_committed``)."""
    for hook in _outbox_hooks:
        hook()


class _Paths:
    """Ticket page and tracking paths, reversed once per call rather than once per message."""

    def __init__(self) -> None:
        placeholder = "00000000-000000"
        self._ticket = reverse("work:ticket", args=[placeholder]).replace(placeholder, "{}")
        self.track = reverse("intake:track")
        self.inbox = reverse("notify:inbox")

    def ticket(self, number: str) -> str:
        return self._ticket.format(number)


def _context(facts: Facts, route: Route) -> dict[str, Any]:
    subject = facts["subject"] if route.requester else mask_contacts(facts["subject"])
    return {
        "number": facts["number"],
        "subject": subject,
        "unit": facts["lead_unit__name"] or "",
        "due": local(facts["next_due_at"]),
        "round": facts["round"],
        "reply": facts.get("reply_text", ""),
        "planned": facts.get("planned", ""),
        **route.context,
    }


def _write_plan(plan: Plan, *, now: dt.datetime, wake: bool = True, combine: bool = False) -> tuple[int, int]:
    rows = _Rows(now, combine=combine)
    paths = _Paths()
    with messages.language():
        for alert, facts, route in plan.items:
            targets = plan.targets(route)
            if not targets:
                continue
            receipt = alert.event in RECEIPTS
            if route.requester and not facts["requester_id"]:
                url = paths.track  # a caller without an account follows the ticket with number and code
            else:
                url = paths.ticket(facts["number"])
            message = messages.render(route.key, _context(facts, route), url=url)
            actor_id = getattr(alert, "actor_id", None)  # a ticket event's actor; sweep alerts have none
            for target in targets:
                own = actor_id is not None and target.user_id == actor_id
                if own and not receipt:
                    continue  # never the actor of their own action
                rows.add(target, message, event=alert.event, ticket_id=facts["id"], inbox=not own)
        rows.merge(paths.inbox)
    return rows.save(wake=wake)


def notify_ticket_event(event: TicketEvent) -> int:
    """The in-transaction writer for every ticket event (``subscribe_in_transaction``); unknown names are
    ignored. Returns the number of inbox and outbox rows written; a worker is woken after the commit."""
    return notify_ticket_events([event])


def notify_ticket_events(events: Sequence[TicketEvent]) -> int:
    """``notify_ticket_event`` for a batch (``tickets.services.publish_many``, a bulk intake): the same rows as
    one call per event — nothing merged — from a constant number of queries for the whole batch."""
    with messages.language():  # route texts (outcome labels …) in the site's language, not the actor's
        plan = Plan([Alert(e.name, e.ticket_id, dict(e.data), actor_id=e.actor_id) for e in events])
    if not plan.items:
        return 0
    notes, outbox = _write_plan(plan, now=timezone.now())
    return notes + outbox


def notify_bulk(alerts: Sequence[AlertLike]) -> int:
    """The sweep's alerts, set-based: tickets, records and people for all of them in a constant number of
    queries, rows inserted in batches of 500. Each alert is one inbox line per person; a person's email, SMS
    and WeCom messages of the batch are merged into one per channel. Runs in the caller's transaction;
    returns the rows written."""
    if not alerts:
        return 0
    with messages.language():
        plan = Plan(alerts)
    notes, outbox = _write_plan(plan, now=timezone.now(), combine=True)
    return notes + outbox


def notify_users(
    event: str,
    users: Iterable[User],
    *,
    title: str,
    body: str,
    url: str = "",
    ticket: Any = None,
) -> int:
    """A message the caller wrote (summaries, digests) to these people: inbox plus their chosen channels.

    ``url`` is site-relative; ``ticket`` (a Ticket or its id) links the notification to a ticket."""
    ids = {u.pk for u in users if u is not None}
    if not ids:
        return 0
    people = User.objects.filter(pk__in=ids, is_active=True).select_related("notify_preference")
    ticket_id = getattr(ticket, "pk", ticket)
    rows = _Rows(timezone.now())
    with messages.language():
        message = messages.free(title, body, url=url)
        for person in people:
            rows.add(person_target(person), message, event=event, ticket_id=ticket_id)
    notes, outbox = rows.save()
    return notes + outbox


# --- The inbox ------------------------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the person's notifications read (idempotent: the first reading time stays)."""
    if notification.recipient_id != user.pk:
        raise NotAllowed(_("This notification is addressed to someone else."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_update(*, user: User, email: bool, sms: bool, wecom: bool) -> Preference:
    """Which extra channels the person wants (the inbox is always on)."""
    prefs, _created = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "wecom": wecom}
    )
    return prefs


@transaction.atomic
def outbox_retry(*, actor: User, ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """The Office sends failed or waiting messages again now; a failed one gets a fresh round of attempts.
    Sent messages are never touched. Returns how many rows were rescheduled."""
    if not may_manage_outbox(actor):
        raise NotAllowed(_("Only the Party and Administration Office can resend messages."))
    now = now or timezone.now()
    waiting = Q(state=OutboxState.PENDING) | Q(state=OutboxState.FAILED)
    return Outbox.objects.filter(waiting, pk__in=list(ids)).update(
        state=OutboxState.PENDING, next_attempt_at=now, attempts=0, lease_until=None
    )
