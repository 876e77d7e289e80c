"""The Office-led channels of Art. 4: leaders' reception day (R2.1), symposiums (R2.4) and petitions (R2.5).

Each record links to the tickets it produced (tickets are created only through ``tickets.services``); every change
is appended to ``ChannelLog`` in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiesu.appendonly import AppendOnly
from jiesu.org.models import Campus, Unit
from jiesu.tickets.models import Ticket

TOPIC_MAX = 500
NOTES_MAX = 2000


class ChannelLog(AppendOnly):
    """The app's audit log: who did what to which rota, booking, petition or symposium, and when."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    subject = models.CharField(max_length=64)  # "session:3", "booking:7", "petition:2", "symposium:4"
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "at"], name="channels_log_subject_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"


# --- R2.1 leaders' reception day ------------------------------------------------------------------------------


class ReceptionSession(models.Model):
    """One leader's reception day on the rota: who receives, when and where."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("Date"))
    place = models.CharField(_("Place"), max_length=100)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["day"], name="channels_session_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.place}"


class ReceptionSlot(models.Model):
    """A time slot of a reception day with its capacity; ``booked`` is the locked count of active bookings."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="slots")
    starts = models.TimeField(_("Starts"))
    ends = models.TimeField(_("Ends"))
    capacity = models.PositiveSmallIntegerField(_("Places"))
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts", "id"]
        constraints = [
            # No overbooking, even if two people race for the last place (the service also locks the row).
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="channels_slot_not_overbooked"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="channels_slot_has_capacity"),
            models.UniqueConstraint(fields=["session", "starts"], name="channels_slot_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.starts:%H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(models.Model):
    """A requester's booked slot with the topic they want to raise; then the visit as the Office recorded it."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    session = models.ForeignKey(ReceptionSession, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(ReceptionSlot, on_delete=models.PROTECT, related_name="bookings")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    topic = models.TextField(_("Topic"), max_length=TOPIC_MAX)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day-before reminder, sent once
    notes = models.TextField(_("Notes"), blank=True, max_length=NOTES_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts", "booked_at", "id"]
        constraints = [
            # No double booking: one live booking per person per reception day.
            models.UniqueConstraint(
                fields=["session", "requester"],
                condition=~Q(status="cancelled"),
                name="channels_one_booking_per_day",
            )
        ]
        indexes = [
            models.Index(fields=["requester", "status"], name="channels_booking_requester"),
            models.Index(
                fields=["session"], name="channels_booking_to_remind", condition=Q(reminded_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk}"


class BookingTicket(models.Model):
    """A ticket made from a reception visit, carrying the leader's instruction."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="tickets")
    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"booking {self.booking_id} → ticket {self.ticket_id}"


# --- R2.5 petitions ------------------------------------------------------------------------------------------


class Petition(models.Model):
    """A petition 信访 (letter or visit) recorded by the Office; handled as its ticket plus the recorded steps."""

    class Form(models.TextChoices):
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit")

    class Origin(models.TextChoices):
        INSIDE = "inside", _("From inside the school")
        OUTSIDE = "outside", _("From outside the school")

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("Form"), max_length=8, choices=Form.choices)
    origin = models.CharField(_("Origin"), max_length=8, choices=Origin.choices)
    petitioner_name = models.CharField(_("Petitioner"), max_length=50)
    petitioner_phone = models.CharField(_("Phone"), max_length=32)
    petitioner_address = models.CharField(_("Address or workplace"), max_length=200, blank=True)
    people = models.PositiveSmallIntegerField(_("Number of people"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"petition {self.pk}"


class PetitionStep(AppendOnly):
    """The steps Art. 4.5 names, each recorded with who and when: explanation, report upward, feedback."""

    class Kind(models.TextChoices):
        EXPLAINED = "explained", _("Explanation given")
        REPORTED = "reported", _("Reported upward")
        FEEDBACK = "feedback", _("Feedback given")

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    body = models.TextField(max_length=NOTES_MAX)
    reported_to = models.CharField(max_length=100, blank=True)  # whom it was reported to (REPORTED)
    reported_at = models.DateTimeField(null=True, blank=True)  # when it was reported (REPORTED)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reported") | (Q(reported_at__isnull=False) & ~Q(reported_to="")),
                name="channels_report_says_whom_when",
            )
        ]

    def __str__(self) -> str:
        return f"petition {self.petition_id} {self.kind}"


# --- R2.4 symposiums -----------------------------------------------------------------------------------------


class Symposium(models.Model):
    """A symposium 座谈会 held by one of the four organizers; its record lists attendees and issues raised."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RECORDED = "recorded", _("Held and recorded")

    organizer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    semester = models.CharField(max_length=12)  # "2026-autumn" (``semesters.Semester.key``)
    title = models.CharField(_("Title"), max_length=100)
    day = models.DateField(_("Date"))
    place = models.CharField(_("Place"), max_length=100)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    attendees = models.TextField(_("Attendees"), blank=True, max_length=NOTES_MAX)
    contact_name = models.CharField(_("Contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("Contact phone"), max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["semester", "organizer"], name="channels_symposium_semester")]

    def __str__(self) -> str:
        return self.title


class SymposiumIssue(models.Model):
    """One issue raised at a symposium; the Office turns it into a ticket linked back here."""

    symposium = models.ForeignKey(Symposium, on_delete=models.PROTECT, related_name="issues")
    text = models.TextField(max_length=TOPIC_MAX * 2)
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"symposium {self.symposium_id} issue {self.pk}"


class SymposiumReminder(models.Model):
    """R2.4: an organizer with no symposium scheduled by mid-semester is reminded once per semester."""

    organizer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    semester = models.CharField(max_length=12)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organizer", "semester"], name="channels_remind_once_a_semester")
        ]

    def __str__(self) -> str:
        return f"{self.organizer_id} {self.semester}"
