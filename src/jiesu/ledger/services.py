"""Writes of the ledger app: the export audit record (R8.1, R10.2)."""

from __future__ import annotations

from django.utils import timezone

from jiesu.ledger.models import LedgerExport
from jiesu.ledger.reports import LedgerReport
from jiesu.org.models import User


def ledger_export_record(
    *, actor: User | None, report: LedgerReport, row_count: int, source: str, full_contacts: bool
) -> LedgerExport:
    """Record who exported which ledger, with which filters and how many rows (append-only)."""
    return LedgerExport.objects.create(
        user=actor,
        at=timezone.now(),
        source=source,
        scope=report.scope.kind.value,
        filters=report.filters.as_json()
        | ({"units": sorted(report.scope.unit_ids)} if report.scope.unit_ids else {}),
        row_count=row_count,
        full_contacts=full_contacts,
    )
