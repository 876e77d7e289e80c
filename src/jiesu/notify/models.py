"""Notifications (issue 5 §3): the in-app inbox, the outbox of messages to send, and each person's channels.

An event is written as one ``Notification`` per person (the inbox, always on) plus one ``Outbox`` row per
message per extra channel (email, SMS, WeCom), in the same transaction as the change that caused it; the
worker sends outbox rows with retries (``delivery.deliver_due``). People without an account (a hotline
caller) get outbox rows only, addressed to the contact on the ticket.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a person's in-app inbox."""

    # No separate FK index: the composite indexes below start with the recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    event = models.SlugField(max_length=40)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Message"), blank=True)
    url = models.CharField(max_length=300, blank=True)  # site-relative; opening the notification goes there
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")
        indexes = [
            # "My unread, newest first" and the nav badge's count read only this person's unread rows.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Outbox(models.Model):
    """One message to send through one channel. A row is claimed by one worker at a time (``state`` sending
    with a lease) and, once ``sent``, never sent again."""

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox"
    )
    event = models.SlugField(max_length=40)
    channel = models.CharField(max_length=8, choices=OutboxChannel.choices)
    address = models.CharField(max_length=254)  # email address, phone number or WeCom user id
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Outgoing message")
        verbose_name_plural = _("Outgoing messages")
        indexes = [
            # The worker reads only rows that are due: its cost follows their number, not the table's size.
            models.Index(fields=["next_attempt_at"], name="outbox_pending_due", condition=Q(state="pending")),
            models.Index(fields=["lease_until"], name="outbox_sending_lease", condition=Q(state="sending")),
            models.Index(fields=["-created_at"], name="outbox_failed", condition=Q(state="failed")),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.state}"


class Preference(models.Model):
    """Which extra channels a person wants; the in-app inbox is always on. No row means the defaults.

    Addresses come from the person: ``User.email``, ``User.phone``, and for WeCom the username, which the
    school's WeCom directory uses as the member's userid (one less field to keep in step)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    email = models.BooleanField(_("Email"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)
    wecom = models.BooleanField(_("WeCom"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Notification preference")
        verbose_name_plural = _("Notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms} wecom={self.wecom}"
