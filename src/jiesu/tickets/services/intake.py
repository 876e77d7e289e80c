"""Intake (R1, R2, R4.1): record a request from any channel, with its number, tracking code and clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu import privacy
from jiesu.org.models import Campus, Role, Unit, User
from jiesu.org.selectors import roles_for
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR, control_character, is_single_email
from jiesu.tickets import clockwork
from jiesu.tickets.errors import BadValue, DomainError, NotAllowed
from jiesu.tickets.models import DIRECT_CHANNELS, Channel, Clock, Event, Ticket, TicketType
from jiesu.tickets.services import base
from jiesu.tickets.services.dispatch import acknowledged
from jiesu.tickets.states import Status
from jiesu.tickets.text import search_text

MAX_CONTENT = 5000
_CHANNELS = frozenset(Channel.values)  # computed once: Choices.values builds a new list on each call
_TYPES = frozenset(TicketType.values)
_MEMBER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
BACKDATE_FREE = dt.timedelta(hours=1)  # recording a call within the hour needs no reason
# Fields set by the server and the signed-in person on a web request (issue 17 item 3), never by the body.
WEB_SERVER_FIELDS = (
    "received_at",
    "requester_name",
    "requester_kind",
    "source_name",
    "source_reference",
    "source_due_at",
)


@dataclass(frozen=True)
class Created:
    ticket: Ticket
    tracking_code: str  # shown once to the requester; only its hash is stored


def _check_receiver(
    actor: User | None, channel: str, receiving_unit: Unit | None, requester: User | None
) -> None:
    """R2: who may record a request depends on its channel."""
    roles = roles_for(actor) if actor else None
    # R2.2 / R1.3: a requester writes a letter themselves, anonymous (no one signed in) or signed in.
    self_written = actor is not None and requester is not None and actor.pk == requester.pk
    if channel == Channel.MAILBOX and ((actor is None and requester is None) or self_written):
        return
    if channel == Channel.WEB:
        if actor is None or requester is None or actor.pk != requester.pk:
            raise NotAllowed(_("Web requests are submitted by the requester, signed in."))
        return
    if roles is None:
        raise NotAllowed(_("Only signed-in staff can record requests from this channel."))
    if channel in DIRECT_CHANNELS:
        if receiving_unit is None:
            raise DomainError(_("Choose the unit that received the call or visit."), field="receiving_unit")
        if receiving_unit.pk not in roles.unit_ids(*_MEMBER_ROLES):
            raise NotAllowed(_("You can record hotline calls and visits only for your own unit."))
        return
    if not roles.is_office:
        raise NotAllowed(_("Requests from this channel are recorded by the Party and Administration Office."))


def check_date(value: dt.datetime | dt.date | None, field: str) -> None:
    """Dates outside 2000–2100 are refused: clock arithmetic near year 9999 overflows."""
    if value is not None and not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        raise BadValue(_("Enter a date between the years 2000 and 2100."), field=field)


def check_texts(texts: dict[str, str], *, multiline: tuple[str, ...] = ()) -> None:
    """No control characters in any text (line breaks and tabs only in multi-line ones)."""
    for field, value in texts.items():
        if value and control_character(value, multiline=field in multiline) is not None:
            raise BadValue(
                _("The text contains control characters (such as a NUL byte); remove them and try again."),
                field=field,
            )


def check_backdate(received_at: dt.datetime | None, reason: str, *, now: dt.datetime) -> None:
    """Staff may date a request earlier than its recording only within ``JIESU_INTAKE_BACKDATE_DAYS`` and, beyond
    the hour, with a reason (kept in the history); never in the future. The API and the staff form call this;
    imports and the demo, which record the past on purpose, do not."""
    if received_at is None:
        return
    days = int(getattr(settings, "JIESU_INTAKE_BACKDATE_DAYS", 7))
    if received_at > now + dt.timedelta(minutes=1):
        raise DomainError(_("The time received cannot be in the future."), field="received_at")
    if received_at < now - dt.timedelta(days=days):
        raise BadValue(
            _("The time received may be at most %(days)d days ago.") % {"days": days}, field="received_at"
        )
    if received_at < now - BACKDATE_FREE and not reason.strip():
        raise DomainError(
            _("Say why the request is recorded more than an hour after it was received."),
            field="backdate_reason",
        )


def _check_fields(  # noqa: C901 - one check per rule, each with its own message
    *,
    channel: str,
    type: str,
    content: str,
    requester_name: str,
    contact_phone: str,
    contact_email: str,
    anonymous: bool,
    urgent: bool,
    urgent_reason: str,
    received_at: dt.datetime,
    source_name: str,
) -> None:
    if channel not in _CHANNELS:
        raise DomainError(_("Unknown channel."), field="channel")
    check_date(received_at, "received_at")
    if contact_email and not is_single_email(contact_email.strip()):
        raise BadValue(_("Enter one valid email address."), field="contact_email")
    if type not in _TYPES:
        raise DomainError(_("Unknown request type."), field="type")
    if not content.strip():
        raise DomainError(_("Describe the request."), field="content")
    if len(content) > MAX_CONTENT:
        raise DomainError(_("The description is too long (at most 5000 characters)."), field="content")
    if anonymous and channel != Channel.MAILBOX:
        raise DomainError(_("Only mailbox letters may be anonymous (R1.3)."), field="anonymous")
    if not anonymous and not requester_name.strip():
        raise DomainError(_("Give the requester's name (R1.2)."), field="requester_name")
    if not anonymous and not (contact_phone.strip() or contact_email.strip()):
        raise DomainError(
            _("Give a phone number or an email address to reply to (R1.2)."), field="contact_phone"
        )
    if contact_phone and not all(c.isdigit() or c in "+- " for c in contact_phone):
        raise DomainError(
            _("The phone number may contain only digits, spaces, + and -."), field="contact_phone"
        )
    if urgent and channel == Channel.WEB:
        raise DomainError(_("Urgency is set by the person who receives the request (R1.5)."), field="urgent")
    if urgent and not urgent_reason.strip():
        raise DomainError(_("Say why the request is urgent (R1.5)."), field="urgent_reason")
    if received_at > base.now() + dt.timedelta(minutes=1):
        raise DomainError(_("The time received cannot be in the future."), field="received_at")
    if channel == Channel.REFERRAL and not source_name.strip():
        raise DomainError(_("Name the body that referred the request (R2.6)."), field="source_name")


def validate(**fields: Any) -> None:
    """``prepare``'s checks alone, with its arguments and its ``DomainError``: nothing built (no ticket, tokens
    or tracking code). A bulk import's preview judges every row this way."""
    _validated(**{k: v for k, v in fields.items() if k not in ("campus", "acknowledge")})


def _validated(  # noqa: PLR0913 - prepare's facts, checked
    *,
    actor: User | None,
    channel: str,
    type: str,
    content: str,
    subject: str = "",
    requester: User | None = None,
    requester_name: str = "",
    requester_kind: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    anonymous: bool = False,
    urgent: bool = False,
    urgent_reason: str = "",
    received_at: dt.datetime | None = None,
    receiving_unit: Unit | None = None,
    source_name: str = "",
    source_reference: str = "",
    source_due_at: dt.datetime | None = None,
    backdate_reason: str = "",
) -> tuple[str, str, str, str, dt.datetime]:
    """Validation and the receiver's right (R2): the requester's name, kind and contacts (from their account when
    the form left them empty) and the time received, to the minute."""
    if requester is not None:
        requester_name = requester_name or requester.get_full_name()
        requester_kind = requester_kind or requester.kind
        contact_phone = contact_phone or requester.phone
        contact_email = contact_email or requester.email
    # R1.2: received_at to the minute, Asia/Shanghai.
    received = (received_at or base.now()).replace(second=0, microsecond=0)
    check_date(source_due_at, "source_due_at")
    check_texts(
        {
            "content": content,
            "subject": subject,
            "requester_name": requester_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
            "urgent_reason": urgent_reason,
            "source_name": source_name,
            "source_reference": source_reference,
            "backdate_reason": backdate_reason,
        },
        multiline=("content",),
    )
    _check_fields(
        channel=channel,
        type=type,
        content=content,
        requester_name=requester_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        anonymous=anonymous,
        urgent=urgent,
        urgent_reason=urgent_reason,
        received_at=received,
        source_name=source_name,
    )
    _check_receiver(actor, channel, receiving_unit, requester)
    return requester_name, requester_kind, contact_phone, contact_email, received


class Prepared(NamedTuple):
    ticket: Ticket  # not saved, not numbered
    code: str
    acknowledge: bool
    backdate_reason: str = ""


def prepare(  # noqa: PLR0913 - a request has many recorded facts (R1.2)
    *,
    actor: User | None,
    channel: str,
    type: str,
    campus: Campus,
    content: str,
    subject: str = "",
    requester: User | None = None,
    requester_name: str = "",
    requester_kind: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    anonymous: bool = False,
    urgent: bool = False,
    urgent_reason: str = "",
    received_at: dt.datetime | None = None,
    receiving_unit: Unit | None = None,
    acknowledge: bool = False,
    source_name: str = "",
    source_reference: str = "",
    source_due_at: dt.datetime | None = None,
    backdate_reason: str = "",
) -> Prepared:
    """Everything intake decides before it writes: validation, the receiver's right (R2), the text's tokens.

    It runs before any transaction opens: on SQLite a transaction holds the database's only write lock
    (``BEGIN IMMEDIATE``), so intake keeps it just for its writes."""
    requester_name, requester_kind, contact_phone, contact_email, received = _validated(
        actor=actor,
        channel=channel,
        type=type,
        content=content,
        subject=subject,
        requester=requester,
        requester_name=requester_name,
        requester_kind=requester_kind,
        contact_phone=contact_phone,
        contact_email=contact_email,
        anonymous=anonymous,
        urgent=urgent,
        urgent_reason=urgent_reason,
        received_at=received_at,
        receiving_unit=receiving_unit,
        source_name=source_name,
        source_reference=source_reference,
        source_due_at=source_due_at,
        backdate_reason=backdate_reason,
    )
    content = content.strip()
    # R10.2: the subject is the request's label in every list, message and report; contacts typed into it
    # (or into the first line it is taken from) are masked there. The content keeps them (R1.2).
    # Only what can reach the 120 characters is checked (a long first line costs nothing more).
    subject = privacy.mask_contacts((subject.strip() or content.splitlines()[0])[:160])[:120]
    direct = channel in DIRECT_CHANNELS
    ticket = Ticket(
        type=type,
        channel=channel,
        campus=campus,
        subject=subject,
        content=content,
        urgent=urgent,
        urgent_reason=urgent_reason.strip(),
        requester=requester,
        requester_name="" if anonymous else requester_name.strip(),
        requester_kind=requester_kind or "external",
        contact_phone="" if anonymous else contact_phone.strip(),
        contact_email="" if anonymous else contact_email.strip(),
        anonymous=anonymous,
        received_at=received,
        accepted_at=received if direct else None,  # R4.0: Office channels are accepted at their dispatch
        recorded_by=actor,
        receiving_unit=receiving_unit if direct else None,
        lead_unit=receiving_unit if direct else None,
        status=Status.DISPATCHED if direct else Status.NEW,
        source_name=source_name.strip(),
        source_reference=source_reference.strip(),
        source_due_at=source_due_at,
        search_text=search_text(subject, content),
    )
    return Prepared(ticket, base.new_tracking_code(), direct and acknowledge, backdate_reason.strip()[:500])


def ticket_create(**fields: Any) -> Created:
    """Record a request from any channel, the API included: the ticket, its clocks, its history and its
    notifications are committed before this returns. Direct channels make the receiving unit the lead unit
    (R2); others await dispatch. Takes ``prepare``'s arguments. The batch path of one (``_write``)."""
    return _write([prepare(**fields)])[0]


def ticket_create_many(rows: Sequence[Mapping[str, Any]]) -> list[Created]:
    """Record several requests exactly as ``ticket_create`` records one — the same ``prepare`` for each (validation,
    the receiver's right, the tokens), the same ``_write`` (number, ticket, clocks, "create" history, the
    "received" event and its notifications) — with one insert per table: a bulk import (the referral sheets, issue
    15 item 5) writes thousands of requests in chunks. All or nothing: an invalid row raises its ``DomainError``
    (with ``index``, its position in ``rows``) before anything is written."""
    prepared: list[Prepared] = []
    for index, fields in enumerate(rows):
        try:
            prepared.append(prepare(**fields))
        except DomainError as error:
            error.index = index  # type: ignore[attr-defined]
            raise
    return _write(prepared)


def _write(prepared: Sequence[Prepared]) -> list[Created]:
    """The one intake writer: clocks built before the transaction opens (pure arithmetic), then per day one number
    reservation, and one insert per table for tickets, clocks and history; events published in the same
    transaction (their outbox rows commit with the tickets)."""
    clocks = []
    for item in prepared:
        own = clockwork.intake_clocks(item.ticket)
        clockwork.add_source_clock(item.ticket, own)  # R2.6: a referral's own deadline, a clock of its own
        clocks.append(own)
    days: dict[dt.date, list[Prepared]] = {}
    for item in prepared:
        days.setdefault(timezone.localtime(item.ticket.received_at).date(), []).append(item)
    with transaction.atomic():
        for day, items in days.items():
            for item, sequence in zip(items, base.reserve_numbers(day, len(items)), strict=True):
                item.ticket.number = base.ticket_number(day, sequence)
                item.ticket.tracking_code_hash = base.hash_tracking_code(item.ticket.number, item.code)
        Ticket.objects.bulk_create([item.ticket for item in prepared])
        for item, own in zip(prepared, clocks, strict=True):
            for clock in own:
                clock.ticket = item.ticket
        Clock.objects.bulk_create([clock for own in clocks for clock in own])
        base.record_many([event for item in prepared for event in _intake_history(item)])
        for item in prepared:
            if item.acknowledge:
                acknowledge_at_intake(item.ticket, at=base.now())
        base.publish_many([_received(item) for item in prepared])
    return [Created(item.ticket, item.code) for item in prepared]


def _intake_history(prepared: Prepared) -> list[Event]:
    """The "create" history row of a just-saved ticket (and "backdated" when staff gave a reason)."""
    ticket = prepared.ticket
    events = [
        base.history(
            ticket,
            actor_id=ticket.recorded_by_id,
            action="create",
            from_status="-",
            to_status=ticket.status,
            public=True,
            at=ticket.received_at,
            after={
                "channel": ticket.channel,
                "type": ticket.type,
                "lead_unit": ticket.lead_unit.name if ticket.lead_unit else None,
            },
        )
    ]
    if prepared.backdate_reason:
        events.append(
            base.history(
                ticket,
                actor_id=ticket.recorded_by_id,
                action="backdated",
                reason=prepared.backdate_reason,
                after={"received_at": ticket.received_at.isoformat(), "recorded_at": base.now().isoformat()},
            )
        )
    return events


def _received(prepared: Prepared) -> base.TicketEvent:
    """The "received" event (the requester's receipt, with the tracking code)."""
    ticket = prepared.ticket
    return base.TicketEvent(
        "received", ticket.pk, ticket.number, ticket.recorded_by_id, {"tracking_code": prepared.code}
    )


def acknowledge_at_intake(ticket: Ticket, *, at: dt.datetime) -> None:
    """The receiving officer answered on the call: the response clock is met at intake (R4.1)."""
    ticket.status = Status.HANDLING
    acknowledged(ticket, actor=ticket.recorded_by, at=at)
    base.save(ticket, "status")
