"""Reads of the ledger app's own tables: the export audit log (issue 17 item 4)."""

from __future__ import annotations

from django.db.models import QuerySet

from jiesu.ledger.models import LedgerExport


def export_log() -> QuerySet[LedgerExport]:
    """Every recorded export, newest first, with the exporting person in the same query."""
    return LedgerExport.objects.select_related("user").order_by("-at", "-id")
