"""The sensitive period's summary as a workbook (openpyxl, R8.4): one sheet per unit totals, one with every
report. Written with the write-only workbook, row by row."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jiesu import xlsx
from jiesu.reporting.models import SensitivePeriod
from jiesu.reporting.selectors import period_grid, period_reports
from jiesu.supervision.figures import SHANGHAI


def write_period_summary(period: SensitivePeriod, target: Any) -> int:
    """Write the workbook to ``target``; returns the number of report rows exported."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary"))
    summary.append(
        xlsx.row(summary, [period.name, f"{period.first_day:%Y-%m-%d}", f"{period.last_day:%Y-%m-%d}"])
    )
    summary.append([_("Unit"), _("Reports"), _("Zero reports"), _("Late"), _("Missing"), _("New requests")])
    for s in period_grid(period):
        summary.append(
            xlsx.row(summary, [s.unit.name, s.reported, s.zero, s.late, s.missing, s.new_requests])
        )
    detail = book.create_sheet(_("Reports"))
    detail.append(
        [
            _("Day"),
            _("Unit"),
            _("Zero report"),
            _("New requests"),
            _("Notable issues"),
            _("Submitted at"),
            _("Late"),
        ]
    )
    rows = 0
    yes, no = _("Yes"), _("No")
    for r in period_reports(period).iterator():
        detail.append(
            xlsx.row(
                detail,
                [
                    f"{r.day:%Y-%m-%d}",
                    r.unit.name,
                    yes if r.is_zero else no,
                    r.new_requests,
                    r.notable,
                    f"{timezone.localtime(r.submitted_at, SHANGHAI):%Y-%m-%d %H:%M}",
                    yes if r.late else no,
                ],
            )
        )
        rows += 1
    book.save(target)
    return rows
