"""Read-only views of the external identities and the sign-in log: links are made by signing in, never by hand."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiesu.identity.models import ExternalIdentity, SignInEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdmin):
    list_display = ["provider", "subject", "user", "first_seen", "last_seen"]
    list_filter = ["provider"]
    search_fields = ["subject", "user__username", "user__full_name", "user__number"]
    list_select_related = ["user"]


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "provider", "subject", "user", "outcome", "reason"]
    list_filter = ["provider", "outcome"]
    search_fields = ["subject"]
    list_select_related = ["user"]
