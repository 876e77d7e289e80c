"""Admin: requests accepted through the API that are waiting to be recorded, or could not be (read-only; the
one action retries recording through the service). Tickets themselves have no admin: every change to a
ticket goes through ``jiesu.tickets.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jiesu.tickets.models import StagedIntake
from jiesu.tickets.services import staged_retry


@admin.register(StagedIntake)
class StagedIntakeAdmin(admin.ModelAdmin):
    list_display = ("number", "accepted_at", "error")
    search_fields = ("number",)
    # R10.1 / R10.2: the payload holds the requester's contacts and the plain tracking code.
    exclude = ("payload",)
    readonly_fields = ("number", "accepted_at", "error")
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Retry recording"), permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[StagedIntake]) -> None:
        recorded = staged_retry(numbers=list(queryset.values_list("number", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d request recorded.", "%(count)d requests recorded.", recorded)
            % {"count": recorded},
            messages.SUCCESS if recorded else messages.WARNING,
        )
