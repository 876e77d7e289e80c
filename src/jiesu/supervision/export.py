"""Files out of the assessment and the dashboards: the assessment workbook (R8.6) and each chart's table as CSV
or XLSX. Only aggregates are written: nothing here names a requester or a ticket."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jiesu import xlsx

if TYPE_CHECKING:
    from jiesu.supervision.assessment import AssessmentReport

COUNT_COLUMNS = (
    "received",
    "response_met",
    "response_due",
    "reply_met",
    "reply_due",
    "closed_resolved",
    "closed_unsatisfied",
    "closed_explained",
    "closed_unreachable",
    "closed_without_followup",
    "satisfied",
    "basically",
    "dissatisfied",
    "rated",
    "unreachable_calls",
    "anonymous",
    "repeats",
    "overdue",
)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def write_assessment(report: AssessmentReport, target: Any) -> None:
    """Sheet 1: the ranking with rates, score and every count; sheet 2: the formulas and settings."""
    from jiesu.supervision.assessment import FIGURE_LABELS

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("Assessment")
    header = [
        _("Rank"),
        _("Unit"),
        _("Score"),
        _("Response rate"),
        _("On-time reply rate"),
        _("Resolution rate"),
        _("Satisfaction rate"),
        _("Repeat rate"),
        *(str(FIGURE_LABELS[k]) for k in COUNT_COLUMNS),
        _("Inspection findings"),
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in [*report.rows(), report.total()]:
        c = row.counts
        sheet.append(
            xlsx.row(
                sheet,
                [
                    row.rank,
                    row.unit_name,
                    row.score,
                    *(
                        _pct(row.rates[k])
                        for k in ("response", "ontime", "resolution", "satisfaction", "repeat")
                    ),
                    *(getattr(c, k) for k in COUNT_COLUMNS),
                    c.findings,
                ],
            )
        )
    for column in "DEFGH":
        for cell in sheet[column][1:]:
            cell.number_format = "0.00%"
    sheet.freeze_panes = "C2"
    notes = book.create_sheet(_("Formulas"))
    notes.append([_("Figure"), _("Formula")])
    for figure in report.total().figures():
        notes.append(xlsx.row(notes, [figure.label, figure.formula]))
    notes.append(
        [_("Score"), _("weighted mean of the response, resolution and satisfaction rates, in points")]
    )
    notes.append(
        [
            _("Period"),
            f"{report.period.first.isoformat()} — {report.period.last.isoformat()}",
        ]
    )
    names = {
        "response": _("Response rate"),
        "resolution": _("Resolution rate"),
        "satisfaction": _("Satisfaction rate"),
    }
    for key, weight in report.weights.items():
        notes.append([_("Weight: %(name)s") % {"name": names.get(key, key)}, weight])
    book.save(target)


def table_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and WPS open the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([xlsx.csv_field(v) for v in header])
    writer.writerows([xlsx.csv_field("" if v is None else v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx.row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
