"""The final report of an import as a workbook: created, skipped as duplicates, failed (contacts masked)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from jiesu import xlsx
from jiesu.referrals.models import ReferralImport
from jiesu.referrals.selectors import created_rows


def _append(sheet: Any, values: list[Any]) -> None:
    sheet.append(xlsx.row(sheet, values))


def report_workbook(batch: ReferralImport) -> bytes:
    """Three sheets: the requests created, the rows skipped as already imported, the rows refused and why."""
    workbook = Workbook(write_only=True)
    created = workbook.create_sheet(_("Created"))
    _append(
        created, [_("Row"), _("Reference"), _("Request number"), _("Requester"), _("Phone"), _("Subject")]
    )
    for row in created_rows(batch):
        _append(
            created,
            [row["line"], row["reference"], row["number"], row["requester"], row["phone"], row["subject"]],
        )
    skipped = workbook.create_sheet(_("Skipped as duplicates"))
    _append(skipped, [_("Row"), _("Reference"), _("Request number")])
    for item in batch.duplicates:
        _append(skipped, [item["line"], item["reference"], item["number"]])
    failed = workbook.create_sheet(_("Failed"))
    _append(failed, [_("Row"), _("Reference"), _("Errors")])
    for item in batch.failures:
        _append(failed, [item["line"], item["reference"], "；".join(item["errors"])])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
