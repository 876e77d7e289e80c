"""R2.1 leaders' reception day: the rota, bookings, the day-before reminder, visits and their tickets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jiesu.channels import permissions
from jiesu.channels.models import (
    NOTES_MAX,
    TOPIC_MAX,
    Booking,
    BookingTicket,
    ReceptionSession,
    ReceptionSlot,
)
from jiesu.channels.services.common import log, require, text
from jiesu.notify.services import notify_users
from jiesu.org.models import Campus, Role, User
from jiesu.org.selectors import roles_for
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR
from jiesu.tickets.errors import Conflict, DomainError
from jiesu.tickets.models import Channel, Ticket, TicketType
from jiesu.tickets.services import instruct, ticket_create

MAX_SLOTS = 24
MAX_CAPACITY = 50


@transaction.atomic
def session_create(
    *,
    actor: User,
    leader: User,
    day: dt.date,
    place: str,
    campus: Campus,
    slots: Sequence[tuple[dt.time, dt.time]],
    capacity: int,
) -> ReceptionSession:
    """The Office publishes a leader's reception day with its time slots (each with ``capacity`` places)."""
    require(permissions.may_manage_reception(actor))
    if not roles_for(leader).has(Role.LEADER):
        raise DomainError(_("Choose a school leader."), field="leader")
    if not (EARLIEST_YEAR <= day.year <= LATEST_YEAR) or day < timezone.localdate():
        raise DomainError(_("Choose a date from today on."), field="day")
    place = text(place, "place", limit=100, required=_("Say where the leader receives."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(
            _("Each slot takes between 1 and %(max)d people.") % {"max": MAX_CAPACITY}, field="capacity"
        )
    if not 1 <= len(slots) <= MAX_SLOTS or any(end <= start for start, end in slots):
        raise DomainError(_("Give between 1 and 24 time slots, each ending after it starts."), field="slots")
    session = ReceptionSession.objects.create(
        leader=leader, day=day, place=place, campus=campus, created_by=actor, created_at=timezone.now()
    )
    ReceptionSlot.objects.bulk_create(
        [ReceptionSlot(session=session, starts=s, ends=e, capacity=capacity) for s, e in slots]
    )
    log(
        actor,
        "session_create",
        f"session:{session.pk}",
        leader=leader.get_full_name(),
        day=str(day),
        place=place,
        slots=[f"{s:%H:%M}-{e:%H:%M}" for s, e in slots],
        capacity=capacity,
    )
    return session


@transaction.atomic
def booking_create(*, actor: User, slot: ReceptionSlot, topic: str) -> Booking:
    """A signed-in requester books a place. The slot row is locked and its count raised with a conditional
    update, and a database constraint backs both rules: no overbooking, one booking per person per day."""
    require(permissions.may_book(actor))
    topic = text(topic, "topic", limit=TOPIC_MAX, required=_("Say what you want to raise."), multiline=True)
    slot = ReceptionSlot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    if slot.session.day <= timezone.localdate():
        raise DomainError(_("Bookings for this reception day are closed."), field="slot")
    if (
        Booking.objects.filter(session=slot.session, requester=actor)
        .exclude(status=Booking.Status.CANCELLED)
        .exists()
    ):
        raise Conflict(
            _("You have already booked this reception day; cancel that booking to choose another time.")
        )
    taken = ReceptionSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if taken != 1:
        raise Conflict(_("This time slot is full. Please choose another time or another reception day."))
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=slot.session, slot=slot, requester=actor, topic=topic, booked_at=timezone.now()
            )
    except IntegrityError:
        raise Conflict(
            _("You have already booked this reception day; cancel that booking to choose another time.")
        ) from None
    log(actor, "booking_create", f"booking:{booking.pk}", slot=slot.pk, topic=topic)
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking) -> Booking:
    """The requester cancels their own booking before the day; the place becomes free again."""
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    require(booking.requester_id == actor.pk)
    if booking.status != Booking.Status.BOOKED:
        raise Conflict(_("This booking can no longer be cancelled."))
    if booking.session.day < timezone.localdate():
        raise Conflict(_("This reception day is over."))
    ReceptionSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    log(actor, "booking_cancel", f"booking:{booking.pk}")
    return booking


@transaction.atomic
def booking_record_visit(*, actor: User, booking: Booking, attended: bool, notes: str) -> Booking:
    """The Office records the visit on or after the day: attended or did not come, with its notes."""
    require(permissions.may_manage_reception(actor))
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    notes = text(notes, "notes", limit=NOTES_MAX, multiline=True)
    if booking.session.day > timezone.localdate():
        raise DomainError(_("Visits are recorded on the reception day or after it."), field="attended")
    if booking.status != Booking.Status.BOOKED:
        raise Conflict(_("This visit has already been recorded."))
    booking.status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
    booking.notes = notes
    booking.recorded_by = actor
    booking.recorded_at = timezone.now()
    booking.save(update_fields=["status", "notes", "recorded_by", "recorded_at"])
    log(actor, "booking_visit", f"booking:{booking.pk}", status=booking.status, notes=notes)
    return booking


@transaction.atomic
def booking_ticket_create(
    *, actor: User, booking: Booking, content: str, instruction: str, type: str = TicketType.HELP
) -> Ticket:
    """Turn a recorded visit into a ticket (channel reception day) whose requester is the visitor, carrying the
    leader's instruction recorded as any instruction is (R6.3), in the leader's name. One visit may give
    several tickets."""
    require(permissions.may_manage_reception(actor))
    booking = (
        Booking.objects.select_for_update()
        .select_related("session__leader", "session__campus", "requester")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.ATTENDED:
        raise Conflict(_("Record the visit as attended before making a ticket of it."))
    content = text(content, "content", limit=5000, required=_("Describe the request."), multiline=True)
    instruction = text(
        instruction,
        "instruction",
        limit=NOTES_MAX,
        required=_("Write the leader's instruction."),
        multiline=True,
    )
    if type not in TicketType.values:
        raise DomainError(_("Unknown request type."), field="type")
    created = ticket_create(
        actor=actor,
        channel=Channel.RECEPTION_DAY,
        type=type,
        campus=booking.session.campus,
        content=content,
        requester=booking.requester,
    )
    ticket = created.ticket
    instruct(actor=booking.session.leader, ticket=ticket, body=instruction)
    BookingTicket.objects.create(booking=booking, ticket=ticket)
    log(
        actor,
        "booking_ticket",
        f"booking:{booking.pk}",
        ticket=ticket.number,
        leader=booking.session.leader.get_full_name(),
    )
    return ticket


def reception_reminders(*, now: dt.datetime) -> int:
    """R2.1, called by the worker's sweep: each booking of tomorrow's reception days is reminded once (a
    conditional update claims it, so two sweeps never send it twice). Returns the notifications written."""
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    ids = list(
        Booking.objects.filter(
            session__day=tomorrow, status=Booking.Status.BOOKED, reminded_at__isnull=True
        ).values_list("pk", flat=True)[:500]
    )
    written = 0
    for pk in ids:
        with transaction.atomic(), override("zh-hans"):
            if Booking.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue
            booking = Booking.objects.select_related("session__leader", "slot", "requester").get(pk=pk)
            session = booking.session
            values = {
                "day": f"{session.day:%Y-%m-%d}",
                "time": f"{booking.slot.starts:%H:%M}",
                "place": session.place,
                "leader": session.leader.get_full_name(),
            }
            written += notify_users(
                "reception_reminder",
                [booking.requester],
                title=_("Reminder: your reception day booking is tomorrow"),
                body=_("%(leader)s receives you on %(day)s at %(time)s, at %(place)s.") % values,
                url=reverse("channels:reception"),
            )
            log(None, "booking_reminded", f"booking:{pk}")
    return written
