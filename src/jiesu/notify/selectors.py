"""Reads of the notify app: a person's inbox and unread count, their channel choices, the Office's outbox view."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jiesu.notify.models import Notification, Outbox, OutboxState, Preference
from jiesu.org.models import User


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's notifications, newest first (the ``notification_unread`` / ``_recipient`` indexes)."""
    items = Notification.objects.filter(recipient=user)
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """One COUNT over the partial index of the person's unread rows (the nav badge)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for(user: User, pk: int) -> Notification:
    """One of the person's own notifications; anyone else's is 404, like a missing one."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def preference_for(user: User) -> Preference:
    """The person's channel choices; the defaults (email on, SMS and WeCom off) when never saved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def undelivered() -> QuerySet[Outbox]:
    """Messages not (yet) delivered — failed first, then waiting — for the Office's outbox page."""
    return Outbox.objects.filter(state__in=[OutboxState.FAILED, OutboxState.PENDING]).order_by(
        "state", "next_attempt_at", "id"
    )
