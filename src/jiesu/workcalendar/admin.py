"""django.contrib.admin registrations: read-mostly; changes go through the calendar pages' services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jiesu.workcalendar.models import (
    CalendarChange,
    CalendarImport,
    CalendarOverride,
    OfficialDay,
    OfficialYear,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Writes must go through the services (history, version token, recompute), so the admin only reads."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ["date", "working", "note", "created_by", "created_at", "updated_by", "updated_at"]
    list_filter = ["working"]
    date_hierarchy = "date"


@admin.register(CalendarImport)
class CalendarImportAdmin(ReadOnlyAdmin):
    list_display = [
        "filename",
        "years",
        "row_count",
        "changed_days",
        "recomputed",
        "imported_by",
        "imported_at",
    ]


@admin.register(OfficialYear)
class OfficialYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source"]


@admin.register(OfficialDay)
class OfficialDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "working", "name", "source"]
    list_filter = ["working"]
    date_hierarchy = "date"


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "date", "years", "note"]
    list_filter = ["action"]
