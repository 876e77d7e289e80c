"""Read-only admin views of the inbox and the outbox (writes go through the services and the worker)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiesu.notify.models import Notification, Outbox, Preference


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(_ReadOnly):
    list_display = ("created_at", "recipient", "event", "title", "read_at")
    list_filter = ("event",)
    raw_id_fields = ("recipient", "ticket")


@admin.register(Outbox)
class OutboxAdmin(_ReadOnly):
    list_display = ("created_at", "event", "channel", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "channel", "event")
    # R10.2: contacts stay off the admin; R10.1: a message body may hold a tracking code or a rating link.
    exclude = ("address", "subject", "body")


@admin.register(Preference)
class PreferenceAdmin(_ReadOnly):
    list_display = ("user", "email", "sms", "wecom", "updated_at")
    raw_id_fields = ("user",)
