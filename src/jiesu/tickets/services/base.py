"""What every ticket service shares: locking, the state-machine guard, history, numbering, after-commit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiesu.org.models import User
from jiesu.tickets import clockwork
from jiesu.tickets.errors import ACTOR_MESSAGE, STATE_MESSAGE, NotAllowed, TransitionError
from jiesu.tickets.models import Event, Ticket
from jiesu.tickets.permissions import relations
from jiesu.tickets.states import ACTIONS, Action, Actor, Status

TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
TRACKING_LENGTH = 10


@dataclass(frozen=True)
class TicketEvent:
    """What listeners (notifications, next issue) receive after the transaction commits."""

    name: str
    ticket_id: int
    number: str
    actor_id: int | None
    data: dict[str, Any] = field(default_factory=dict)


_listeners: list[Callable[[TicketEvent], None]] = []
_writers: list[Callable[[TicketEvent], object]] = []
_batch_writers: dict[Callable[[TicketEvent], object], Callable[[Sequence[TicketEvent]], object]] = {}


def subscribe(listener: Callable[[TicketEvent], None]) -> Callable[[TicketEvent], None]:
    """Register a listener for ticket events; it runs only after the change commits."""
    _listeners.append(listener)
    return listener


def unsubscribe(listener: Callable[[TicketEvent], None]) -> None:
    _listeners.remove(listener)


def subscribe_in_transaction(
    writer: Callable[[TicketEvent], object],
    *,
    many: Callable[[Sequence[TicketEvent]], object] | None = None,
) -> Callable[[TicketEvent], object]:
    """Register a writer that runs inside the change's transaction (the notification outbox): its rows
    commit or roll back with the change. ``many``, when given, writes what ``writer`` writes for a batch of
    events at once (``publish_many``)."""
    _writers.append(writer)
    if many is not None:
        _batch_writers[writer] = many
    return writer


def unsubscribe_in_transaction(writer: Callable[[TicketEvent], object]) -> None:
    _writers.remove(writer)
    _batch_writers.pop(writer, None)


_muted = 0


@contextmanager
def muted() -> Iterator[None]:
    """Write tickets and their history without telling anyone: demo data describes the past, and nobody is
    notified of events that "happened" months ago. Only `jiesu demo-data` uses it."""
    global _muted
    _muted += 1
    try:
        yield
    finally:
        _muted -= 1


def publish(event: TicketEvent) -> None:
    """In-transaction writers run now; side effects after commit (conventions): a rolled-back change
    publishes nothing and leaves no outbox row. ``publish_many`` of one event."""
    publish_many([event])


def publish_many(events: Sequence[TicketEvent]) -> None:
    """``publish`` for a batch of events (a bulk intake): each in-transaction writer gets the whole batch when it
    registered a batch form (``many``), else each event in turn; listeners run after commit, event by event."""
    if _muted or not events:
        return
    for writer in _writers:
        many = _batch_writers.get(writer)
        if many is not None:
            many(events)
        else:
            for event in events:
                writer(event)
    batch = list(events)

    def send() -> None:
        for event in batch:
            for listener in _listeners:
                listener(event)

    transaction.on_commit(send)


def now() -> dt.datetime:
    return timezone.now()


def lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock (PostgreSQL) / the write lock (SQLite IMMEDIATE transactions)."""
    # FOR NO KEY UPDATE: rows that only reference the ticket (history, clocks' breaches, notifications — the
    # sweep inserts them under KEY SHARE locks) never wait on, or deadlock with, a ticket being changed.
    return (
        Ticket.objects.select_for_update(no_key=True, of=("self",))
        .select_related("lead_unit")
        .get(pk=ticket.pk)
    )


def guard(actor: User | None, ticket: Ticket, action_name: str) -> Action:
    """Check the state machine's table: the action is allowed from this state and for this person."""
    action = ACTIONS[action_name]
    if ticket.status not in action.sources:
        raise TransitionError(
            STATE_MESSAGE % {"action": action.label, "status": Status(ticket.status).label},
            code="transition_not_allowed",
        )
    related = (
        relations(actor, ticket, cohandler=Actor.COHANDLER in action.actors) if actor is not None else None
    )
    if related is not None and not (related & action.actors):
        raise NotAllowed(ACTOR_MESSAGE % {"action": action.label})
    return action


def move(ticket: Ticket, action: Action, *, expected: str, target: Status | None = None) -> None:
    """Apply the action's target state (or one of its declared alternatives) with a conditional update (a
    second racer finds no row)."""
    if target is not None and not action.leads_to(target):
        raise ValueError(f"{action.name} never leads to {target}")  # a programming error, not a user's
    target = target or action.target
    if target is None or target == expected:
        return
    updated = Ticket.objects.filter(pk=ticket.pk, status=expected).update(status=target)
    if updated != 1:
        raise TransitionError(
            STATE_MESSAGE % {"action": action.label, "status": Status(expected).label}, code="conflict"
        )
    ticket.status = target


def record(ticket: Ticket, *, actor: User | None, **facts: Any) -> Event:
    """R10.4: append one history row, in the caller's transaction (``history``'s arguments)."""
    event = history(ticket, actor_id=actor.pk if actor is not None else None, **facts)
    record_many([event])
    return event


def history(
    ticket: Ticket,
    *,
    actor_id: int | None,
    action: str,
    from_status: str = "",
    to_status: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    public: bool = False,
    at: dt.datetime | None = None,
) -> Event:
    """One history row, not yet written (``record_many`` writes a batch)."""
    return Event(
        ticket=ticket,
        at=at or now(),
        actor_id=actor_id,
        action=action,
        from_status=from_status,
        to_status=to_status or (ticket.status if from_status else ""),
        before=before or {},
        after=after or {},
        reason=reason,
        public=public,
    )


def record_many(events: list[Event]) -> None:
    """R10.4: append history rows in one insert, in the caller's transaction (the history is append-only)."""
    Event.objects.bulk_create(events)


def save(ticket: Ticket, *fields: str) -> None:
    """Save the ticket's changed fields together with its nearest-deadline columns."""
    clockwork.refresh_next_due(ticket)
    ticket.save(
        update_fields=[*fields, "next_due_at", "next_soon_at", "next_clock", "overdue_count", "updated_at"]
    )


def reserve_numbers(day: dt.date, count: int = 1) -> range:
    """Take ``count`` consecutive numbers of the day's counter behind ``YYYYMMDD-NNNNNN``: one atomic upsert, safe
    under concurrent intake on both databases. The one statement that moves the counter (intake and the demo's
    bulk loader both reserve here)."""
    if count < 1:
        raise ValueError("reserve at least one number")
    table = "tickets_ticketsequence"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, %s) "  # noqa: S608 - constant table name
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + excluded.last RETURNING last",
            [day, count],
        )
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def ticket_number(day: dt.date, sequence: int) -> str:
    """YYYYMMDD-NNNNNN (more digits past 999,999)."""
    return f"{day:%Y%m%d}-{sequence:06d}"


def next_number(day: dt.date) -> str:
    """The day's next ticket number."""
    return ticket_number(day, reserve_numbers(day)[0])


def new_tracking_code() -> str:
    """R10.1: the requester's secret code, TRACKING_LENGTH characters of TRACKING_ALPHABET drawn uniformly.

    One read of the system's random source per code rather than one per character (a bulk import makes tens of
    thousands): a byte below the largest multiple of the alphabet's size picks a character, the others are
    dropped, so every character stays equally likely."""
    size = len(TRACKING_ALPHABET)
    limit = 256 - 256 % size
    code: list[str] = []
    while len(code) < TRACKING_LENGTH:
        code += [TRACKING_ALPHABET[b % size] for b in secrets.token_bytes(TRACKING_LENGTH + 4) if b < limit]
    return "".join(code[:TRACKING_LENGTH])


def hash_tracking_code(number: str, code: str) -> str:
    """Only a hash of the requester's secret code is stored (R10.1)."""
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{number}:{normalized}".encode()).hexdigest()


def tracking_code_matches(ticket: Ticket, code: str) -> bool:
    return hmac.compare_digest(ticket.tracking_code_hash, hash_tracking_code(ticket.number, code))
