"""The export's memory stays flat as the ledger grows (R8.1: constant memory at a million rows)."""

from __future__ import annotations

import tempfile
import tracemalloc

import pytest

from jiesu.ledger.permissions import Scope, ScopeKind
from jiesu.ledger.reports import LedgerFilter, LedgerReport
from tests.ledger.conftest import bulk_tickets

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def export_peak(report: LedgerReport) -> tuple[int, int]:
    """Peak traced Python memory while writing the whole workbook, and the rows written."""
    with tempfile.TemporaryFile() as handle:
        tracemalloc.start()
        try:
            rows = report.write_xlsx(handle)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, rows


def test_export_peak_does_not_grow_with_rows(person, beijing, unit) -> None:
    """5,000 and 20,000 rows export with about the same peak memory (ratio < 1.5), well under 20 MB."""
    first = bulk_tickets(5_000, campus=beijing, lead_unit=unit("logistics"))[0]
    dispatcher, school = person("dispatcher"), Scope(ScopeKind.SCHOOL)
    # Warm-up on one row: imports, translation catalogs, openpyxl's templates are not the export's cost.
    export_peak(LedgerReport(user=dispatcher, scope=school, filters=LedgerFilter(q=first.number)))
    report = LedgerReport(user=dispatcher, scope=school, filters=LedgerFilter())
    small, small_rows = export_peak(report)
    bulk_tickets(15_000, campus=beijing, lead_unit=unit("library"))
    large, large_rows = export_peak(report)
    assert (small_rows, large_rows) == (5_000, 20_000)
    print(f"export peak: {small / 1e6:.2f} MB at 5k rows, {large / 1e6:.2f} MB at 20k rows")
    assert large / small < 1.5, (small, large)
    assert large < 20 * 1024 * 1024, large
