"""The inspection notice 通报 as a Word document (python-docx). Every run carries the East Asian font as well
as the Latin one (``w:eastAsia``), so WPS and Word show the Chinese text in a Chinese font."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from jiesu.supervision.models import Finding, Inspection

FONT = "宋体"
TITLE_FONT = "黑体"


def _font(run: Run, name: str = FONT, size: int = 12, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()  # noqa: SLF001 - python-docx exposes no East Asian font setter
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


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
        _font(heading.add_run(title), TITLE_FONT, 18, bold=True)
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
        _font(doc.add_paragraph().add_run(scope))
        for paragraph in body.splitlines():
            if paragraph.strip():
                _font(doc.add_paragraph().add_run(paragraph.strip()))
        headers = [_("Ticket"), _("Response"), _("Resolution"), _("Satisfaction"), _("Finding")]
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            _font(cell.paragraphs[0].add_run(text), bold=True)
        for f in findings:
            values = [
                f.ticket.number,
                _check(f.response),
                _check(f.resolution),
                _check(f.satisfaction),
                f.finding or "—",
            ]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                _font(cell.paragraphs[0].add_run(text))
        issued = _("Issued %(day)s") % {"day": f"{timezone.localtime(issued_at):%Y-%m-%d}"}
        _font(doc.add_paragraph().add_run(issued))
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
