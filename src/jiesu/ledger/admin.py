"""The export audit in the admin, read-only (R10.4: audit records are never edited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiesu.ledger.models import LedgerExport


@admin.register(LedgerExport)
class LedgerExportAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "source", "scope", "row_count", "full_contacts", "full_count", "reason")
    list_filter = ("source", "scope", "full_contacts")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
