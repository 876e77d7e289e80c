"""The weekly report as a Word document (python-docx). Every run gets an East-Asian font (``w:rFonts
w:eastAsia``) as well as the Latin one, so WPS and Word render the Chinese text in a Chinese font instead of a
fallback; the Normal style carries the same settings for text Word adds later."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from jiesu.docxtext import BODY_FONT, TITLE_FONT
from jiesu.docxtext import add_text as _text
from jiesu.docxtext import set_fonts as _fonts
from jiesu.reporting.weekly import SECTIONS, ListPart, UnitLine, WeeklyFigures

# Sections with no figures of their own: the Office's text, or "none this week" (hot topics do not exist yet).
TEXT_ONLY = ("hot_topics", "committee")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        _text(cell.paragraphs[0], title, size=10.5, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _text(cell.paragraphs[0], "" if value is None else str(value), size=10.5)


def _heading(doc: Any, text: str) -> None:
    paragraph = doc.add_paragraph()
    _text(paragraph, text, font="黑体", size=14, bold=True)


def _free_text(doc: Any, text: str) -> None:
    for line in (text or "").splitlines():
        if line.strip():
            _text(doc.add_paragraph(), line.strip())


def _more(doc: Any, part: ListPart) -> None:
    if part.total > len(part.rows):
        _text(
            doc.add_paragraph(), _("… and %(n)d more (see the ledger).") % {"n": part.total - len(part.rows)}
        )


def _rates_row(line: UnitLine) -> list[Any]:
    r = line.rates
    return [
        line.name,
        line.counts.received,
        _pct(r["response"]),
        _pct(r["ontime"]),
        _pct(r["resolution"]),
        _pct(r["satisfaction"]),
        line.counts.overdue,
    ]


def _section_tables(doc: Any, key: str, f: WeeklyFigures) -> None:
    if key == "volumes":
        _text(doc.add_paragraph(), _("Requests received: %(n)d.") % {"n": f.received})
        _table(doc, [_("Channel"), _("Requests")], f.by_channel + [(_("Total"), f.received)])
        doc.add_paragraph()
        _table(doc, [_("Type"), _("Requests")], f.by_type + [(_("Total"), f.received)])
        doc.add_paragraph()
        _table(
            doc,
            [_("Unit"), _("Requests")],
            [(line.name, line.counts.received) for line in f.units] + [(_("Total"), f.received)],
        )
    elif key == "rates":
        header = [
            _("Unit"),
            _("Requests"),
            _("Response rate"),
            _("On-time reply rate"),
            _("Resolution rate"),
            _("Satisfaction rate"),
            _("Missed deadlines"),
        ]
        _table(doc, header, [_rates_row(line) for line in [*f.units, f.total]])
    elif key == "overdue":
        if not f.overdue.rows:
            _text(doc.add_paragraph(), _("No deadline was missed."))
            return
        rows = [
            (r["number"], r["unit"], r["subject"], r["deadline"], f"{r['due_at']:%Y-%m-%d %H:%M}")
            for r in f.overdue.rows
        ]
        _table(doc, [_("Number"), _("Unit"), _("Subject"), _("Deadline"), _("Due")], rows)
        _more(doc, f.overdue)
    elif key in ("important", "meeting"):
        part = f.important if key == "important" else f.meeting
        if not part.rows:
            _text(doc.add_paragraph(), _("None this week."))
            return
        third = _("How it was handled") if key == "important" else _("Proposed solution")
        rows = [(r["number"], r["unit"], r["subject"], r["status"], r["text"]) for r in part.rows]
        _table(doc, [_("Number"), _("Unit"), _("Subject"), _("Status"), third], rows)
        _more(doc, part)


def render_docx(figures: WeeklyFigures, *, texts: dict[str, str], omitted: Sequence[str]) -> bytes:
    """The report as DOCX bytes: the title, then each section kept, its free text and its tables."""
    doc = Document()
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, 12)
    week = figures.week
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(title, _("Weekly report on handling requests"), font=TITLE_FONT, size=18, bold=True)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(
        sub,
        _("Week %(week)s: %(first)s 00:00 to %(next)s 00:00 (Beijing time)")
        % {"week": week.label, "first": f"{week.start:%Y-%m-%d}", "next": f"{week.end:%Y-%m-%d}"},
    )
    as_of = timezone.localtime(figures.as_of)
    _text(doc.add_paragraph(), _("Figures as of %(at)s.") % {"at": f"{as_of:%Y-%m-%d %H:%M}"}, size=10.5)
    number = 0
    for key, label in SECTIONS.items():
        if key in omitted:
            continue
        number += 1
        _heading(doc, f"{_chinese_number(number)}、{label}")
        _free_text(doc, texts.get(key, ""))
        if key in TEXT_ONLY and not (texts.get(key) or "").strip():
            _text(doc.add_paragraph(), _("None this week."))
        _section_tables(doc, key, figures)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _chinese_number(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if 1 <= n <= 10 else str(n)
