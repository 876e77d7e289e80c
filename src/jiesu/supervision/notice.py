"""The inspection notice 通报 as a Word document (python-docx). Every run carries the East Asian font as well
as the Latin one (``jiesu.docxtext``), so WPS and Word show the Chinese text in a Chinese font."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document

from jiesu.docxtext import add_text
from jiesu.supervision.models import Finding, Inspection

FONT = "宋体"
TITLE_FONT = "黑体"


def _check(value: str) -> str:
    return str(Finding.Check(value).label)


def notice_docx(
    *,
    inspection: Inspection,
    findings: Sequence[Finding],
    title: str,
    body: str,
    issued_at: dt.datetime,
) -> bytes:
    """The notice's bytes: title, the inspection's scope (unit, period, seed, population and sample), the
    text, and one table row per finding. Its creation time is the issue instant, so nothing else varies."""
    with override("zh-hans"):
        doc = Document()
        doc.core_properties.created = issued_at
        doc.core_properties.modified = issued_at
        doc.core_properties.title = title
        heading = doc.add_paragraph()
        add_text(heading, title, font=TITLE_FONT, size=18, bold=True)
        scope = _(
            "Unit: %(unit)s. Requests received from %(first)s to %(last)s: %(population)d; sampled: "
            "%(sample)d (seed %(seed)s)."
        ) % {
            "unit": inspection.unit.name,
            "first": f"{inspection.first_day:%Y-%m-%d}",
            "last": f"{inspection.last_day:%Y-%m-%d}",
            "population": len(inspection.population),
            "sample": len(inspection.sample),
            "seed": inspection.seed,
        }
        add_text(doc.add_paragraph(), scope, font=FONT)
        for paragraph in body.splitlines():
            if paragraph.strip():
                add_text(doc.add_paragraph(), paragraph.strip(), font=FONT)
        headers = [_("Ticket"), _("Response"), _("Resolution"), _("Satisfaction"), _("Finding")]
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            add_text(cell.paragraphs[0], text, font=FONT, bold=True)
        for f in findings:
            values = [
                f.ticket.number,
                _check(f.response),
                _check(f.resolution),
                _check(f.satisfaction),
                f.finding or "—",
            ]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                add_text(cell.paragraphs[0], text, font=FONT)
        issued = _("Issued %(day)s") % {"day": f"{timezone.localtime(issued_at):%Y-%m-%d}"}
        add_text(doc.add_paragraph(), issued, font=FONT)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
