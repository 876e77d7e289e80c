"""API intake in two steps (R1, R2; docs/architecture.md "API intake"): accept, then record.

``ticket_accept`` does everything the requester's answer depends on — validation, the receiver's right (R2),
the number (R1) and the tracking code — and stores the prepared ticket as one ``StagedIntake`` row: two short
statements under the write lock instead of a dozen. ``record_staged`` (the worker, woken after the commit and
every minute) writes the tickets, clocks, history and notifications of up to ``BATCH`` accepted requests at
once, one statement per kind, then deletes their staged rows. Until then the number is already readable:
``record_if_staged`` (called by every lookup by number that found nothing) records it on the spot, so a
client that reads back what it posted never sees a 404.

Clocks run from ``received_at`` (R4.1, R4.5), which the request carries, so the moment of recording does not
move any deadline; an answered-on-the-call acknowledgement keeps the time it was accepted.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu import fastsql
from jiesu.org.models import Campus, Role, Unit, User
from jiesu.tickets import clockwork
from jiesu.tickets.models import StagedIntake, Ticket, TicketSequence
from jiesu.tickets.services import base
from jiesu.tickets.services.intake import Created, Prepared, acknowledge_at_intake, prepare, record_new
from jiesu.tickets.states import Status

log = logging.getLogger(__name__)

BATCH = 200  # staged requests recorded per transaction: the write lock is held a few tens of milliseconds
ATTEMPTS = 3  # a request that fails this often is kept aside with its error and the Office is told
CATCH_UP_AFTER = dt.timedelta(minutes=1)  # older than this, the Office's queue records it itself


class Unrecordable(ValueError):
    """A staged request names something that no longer exists (its message is safe to show)."""


_SKIP = frozenset({"id", "number", "tracking_code_hash", "created_at", "updated_at"})


def ticket_accept(**fields: Any) -> Created:
    """Accept a request through the API: number and tracking code now, the ticket moments later (or at its
    first read). Takes ``ticket_create``'s arguments and refuses exactly what it refuses."""
    prepared = prepare(**fields)
    ticket = prepared.ticket
    accepted = base.now()
    payload = _payload(prepared, accepted)
    day = timezone.localtime(ticket.received_at).date()
    if connection.vendor == "postgresql":
        # One statement — the day's counter and the staged row — is one round trip and its own transaction
        # (inside a caller's transaction, a savepoint keeps a failure from aborting it).
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            ticket.number = _accept_in_one_statement(day, payload, accepted)
        transaction.on_commit(_wake)
    else:
        with transaction.atomic():  # SQLite has no INSERT inside WITH: two statements, one transaction
            ticket.number = base.next_number(day)
            fastsql.insert([StagedIntake(number=ticket.number, payload=payload, accepted_at=accepted)])
            transaction.on_commit(_wake)
    ticket.tracking_code_hash = base.hash_tracking_code(ticket.number, prepared.code)
    if prepared.acknowledge:
        ticket.status = Status.HANDLING  # what recording it will make it (R4.1: answered on the call)
    return Created(ticket, prepared.code)


def _accept_in_one_statement(day: dt.date, payload: dict[str, Any], accepted: dt.datetime) -> str:
    """PostgreSQL: take the day's next number (``base.next_number``'s upsert) and store the staged row with it,
    in one statement; returns the number."""
    q = fastsql.quote
    counter, staged = q(TicketSequence._meta.db_table), q(StagedIntake._meta.db_table)
    sql = (
        f"WITH n AS (INSERT INTO {counter} (day, last) VALUES (%s, 1) ON CONFLICT (day) DO UPDATE"  # noqa: S608
        f" SET last = {counter}.last + 1 RETURNING last)"
        f" INSERT INTO {staged} (number, payload, accepted_at, attempts, error)"
        # Six digits as base.next_number's {last:06d}, more past 999,999 (lpad alone would cut them).
        f" SELECT %s || '-' || CASE WHEN n.last < 1000000 THEN lpad(n.last::text, 6, '0') ELSE n.last::text END,"
        f" %s, %s, 0, '' FROM n RETURNING number"
    )
    field = StagedIntake._meta.get_field("payload")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [day, f"{day:%Y%m%d}", field.get_db_prep_save(payload, connection), accepted],  # type: ignore[union-attr]
        )
        (number,) = cursor.fetchone()
    return str(number)


def _payload(prepared: Prepared, accepted: dt.datetime) -> dict[str, Any]:
    ticket = prepared.ticket
    values = {
        f.attname: f.value_from_object(ticket) for f in ticket._meta.concrete_fields if f.attname not in _SKIP
    }
    return {
        # Dates and date-times as full ISO 8601 (DjangoJSONEncoder would drop microseconds).
        "ticket": {
            k: (v if isinstance(v, str | int | bool | None) else v.isoformat()) for k, v in values.items()
        },
        "tracking_code": prepared.code,  # for the requester's "received" message only; deleted with the row
        "acknowledge_at": accepted.isoformat() if prepared.acknowledge else None,
    }


def _ticket(row: StagedIntake) -> tuple[Ticket, str, dt.datetime | None]:
    data = row.payload
    fields = data["ticket"]
    code = data["tracking_code"]
    known = {"number": row.number, "tracking_code_hash": base.hash_tracking_code(row.number, code)}
    values = []
    for f, text in _fields():
        if f.attname in fields:
            value = fields[f.attname]
            values.append(value if value is None or (text and type(value) is str) else f.to_python(value))
        else:  # the key, the number, the code's hash; auto_now stamps are set at insert
            values.append(known[f.attname] if f.attname in known else f.get_default())
    ticket = Ticket(*values)  # type: ignore[misc]  # positional, as Model.from_db builds rows: a third of the keyword path's cost
    ack = data.get("acknowledge_at")
    return ticket, code, dt.datetime.fromisoformat(ack) if ack else None


@cache
def _fields() -> tuple[tuple[Any, bool], ...]:
    """Ticket's concrete fields in order, each with whether a JSON string is already its Python value."""
    return tuple((f, fastsql.plain_type(f) is str) for f in Ticket._meta.concrete_fields)


def _wake() -> None:
    from jiesu.worker.queue import enqueue_recording  # noqa: PLC0415 - the worker imports this app

    enqueue_recording()


def record_staged(*, limit: int = BATCH, number: str | None = None) -> int:
    """Record up to ``limit`` accepted requests (oldest first; or just ``number``) in one transaction.

    Safe beside other recorders: PostgreSQL skips rows another one holds; SQLite's IMMEDIATE transaction
    already holds the only write lock. A batch that fails is retried row by row, so one bad request cannot
    hold up the others (it is tried again up to ``ATTEMPTS`` times, then kept with its error for the Office).
    Returns how many tickets were written."""
    return _record_batch(limit=limit, number=number)[1]


def record_waiting(*, older_than: dt.timedelta = CATCH_UP_AFTER) -> int:
    """Record one batch of requests accepted more than ``older_than`` ago: what the worker should have done. The
    Office's dispatch queue calls it, so API requests reach the queue even while no worker runs."""
    return _record_batch(limit=BATCH, number=None, before=base.now() - older_than)[1]


def _record_batch(*, limit: int, number: str | None, before: dt.datetime | None = None) -> tuple[int, int]:
    """(staged rows taken, tickets written)."""
    with transaction.atomic():
        qs = StagedIntake.objects.filter(error="").order_by("id")
        if number is not None:
            qs = qs.filter(number=number)
        if before is not None:
            qs = qs.filter(accepted_at__lt=before)
        if connection.vendor == "postgresql":
            # The worker skips rows another recorder holds; a reader waiting for one number waits for it
            # instead, then finds the row gone and the ticket committed.
            qs = qs.select_for_update(skip_locked=number is None)
        rows = list(qs[:limit])
        if not rows:
            return 0, 0
        try:
            with transaction.atomic():
                _record(rows)
        except Exception:  # noqa: BLE001 - isolate the failing request below, keep the rest
            log.exception("recording %d staged requests failed; retrying one by one", len(rows))
            return len(rows), _record_one_by_one(rows)
        # R10.1: the plain tracking code and the contacts leave with the staged row, in the same transaction.
        StagedIntake.objects.filter(pk__in=[row.pk for row in rows]).delete()
        return len(rows), len(rows)


def _record_one_by_one(rows: list[StagedIntake]) -> int:
    written = 0
    for row in rows:
        try:
            with transaction.atomic():
                _record([row])
                StagedIntake.objects.filter(pk=row.pk).delete()
            written += 1
        except Exception as error:  # noqa: BLE001 - counted on the row; after ATTEMPTS shown to the Office
            log.exception("staged request %s could not be recorded", row.number)
            _failed(row, error)
    return written


def _failed(row: StagedIntake, error: Exception) -> None:
    """Count a failed attempt; after ``ATTEMPTS`` keep the row aside with its error and tell the Office. The
    error names the cause without the database's detail (which may quote the row: contacts, R10.2)."""
    attempts = row.attempts + 1
    if attempts < ATTEMPTS:
        StagedIntake.objects.filter(pk=row.pk).update(attempts=attempts)
        return
    text = str(error) if isinstance(error, Unrecordable) else type(error).__name__
    StagedIntake.objects.filter(pk=row.pk).update(attempts=attempts, error=text[:500])
    transaction.on_commit(lambda: _tell_office(row.number, text))


def _tell_office(number: str, cause: str) -> None:
    from jiesu.notify import messages  # noqa: PLC0415 - notify imports the ticket services
    from jiesu.notify.recipients import office_people  # noqa: PLC0415
    from jiesu.notify.services import notify_users  # noqa: PLC0415

    url = reverse("admin:tickets_stagedintake_changelist") + "?" + urlencode({"q": number})
    with messages.language(), transaction.atomic():
        notify_users(
            "intake_failed",
            office_people(Role.DISPATCHER, Role.DUTY_OPERATOR),  # both record requests for the Office
            title=_("Request %(number)s could not be recorded") % {"number": number},
            body=_(
                "The request numbered %(number)s was accepted through the API but could not be recorded "
                "(%(cause)s). Its requester already has the number. Retry it under “Requests awaiting "
                "recording” in the administration once the cause is fixed, or record it by hand."
            )
            % {"number": number, "cause": cause},
            url=url,
        )


def _record(rows: list[StagedIntake]) -> None:
    items = []
    acknowledge: list[tuple[Ticket, dt.datetime]] = []
    memo: dict[tuple[Any, ...], Any] = {}  # the batch's deadlines, shared by tickets of the same minute
    for row in rows:
        ticket, code, ack_at = _ticket(row)
        items.append((ticket, clockwork.intake_clocks(ticket, memo), code))
        if ack_at is not None:
            acknowledge.append((ticket, ack_at))
    _attach(items)
    events = record_new(items)
    for ticket, at in acknowledge:
        acknowledge_at_intake(ticket, at=at)
    base.publish_all(events)


def _attach(items: list[tuple[Ticket, Any, str]]) -> None:
    """Load the people, units and campuses the tickets name, once per batch, and refuse a ticket whose
    references are gone: foreign keys are checked only at commit, where one bad row would fail the batch."""
    unit_ids = {i for t, _c, _code in items for i in (t.lead_unit_id, t.receiving_unit_id) if i}
    user_ids = {i for t, _c, _code in items for i in (t.recorded_by_id, t.requester_id) if i}
    units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
    users = User.objects.in_bulk(user_ids) if user_ids else {}
    campuses = set(
        Campus.objects.filter(pk__in={t.campus_id for t, _c, _code in items}).values_list("pk", flat=True)
    )
    for ticket, _clocks, _code in items:
        missing = [
            name
            for name, value, found in (
                ("campus", ticket.campus_id, campuses),
                ("lead_unit", ticket.lead_unit_id, units),
                ("receiving_unit", ticket.receiving_unit_id, units),
                ("recorded_by", ticket.recorded_by_id, users),
                ("requester", ticket.requester_id, users),
            )
            if value and value not in found
        ]
        if missing:
            raise Unrecordable(f"{', '.join(missing)} no longer exist(s)")
        if ticket.lead_unit_id:
            ticket.lead_unit = units[ticket.lead_unit_id]
        if ticket.recorded_by_id:
            ticket.recorded_by = users[ticket.recorded_by_id]


def record_all() -> int:
    """Record every accepted request (the worker's task and the minute sweep)."""
    total = 0
    while True:
        taken, written = _record_batch(limit=BATCH, number=None)
        total += written
        if taken < BATCH or not written:  # no progress: failed rows wait for the next wake-up or sweep
            return total


def staged_retry(*, numbers: list[str]) -> int:
    """Try again to record accepted requests that failed (their references are back, or the cause is fixed).
    Returns how many are recorded now; the others keep their new error."""
    StagedIntake.objects.filter(number__in=numbers).exclude(error="").update(error="", attempts=0)
    return sum(record_staged(number=number) for number in numbers)


def record_if_staged(number: str) -> None:
    """A lookup by ``number`` found no ticket: if it was accepted and awaits recording, record it now. The
    caller looks again either way — the worker may have committed it between the miss and this call."""
    if number and StagedIntake.objects.filter(number=number, error="").exists():
        record_staged(number=number)


def first_by_number(qs: QuerySet[Ticket], number: str) -> Ticket | None:
    """``qs.filter(number=number).first()``, recording an accepted request of that number first if needed."""
    found = qs.filter(number=number).first()
    if found is None:
        record_if_staged(number)
        found = qs.filter(number=number).first()
    return found
