"""Chinese text in Word documents (python-docx), for every app that writes one (the weekly report, the inspection
notice, the reception day's list). Each run names its East-Asian font (``w:rFonts w:eastAsia``) beside the Latin
one, so WPS and Word render the Chinese text in a Chinese face instead of a fallback."""

from __future__ import annotations

import copy
import functools
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.run import Run

BODY_FONT = "仿宋"  # FangSong: the usual body face of official documents
TITLE_FONT = "宋体"  # SimSun
LATIN_FONT = "Times New Roman"


@functools.cache
def _run_properties(east_asia: str, size: float, bold: bool) -> Any:
    """A ``w:rPr`` naming the Latin and East-Asian fonts, built once per style and copied onto each run (setting
    the fonts through the run's properties costs ~0.5 ms a run; a report has thousands of table cells)."""
    bold_xml = "<w:b/><w:bCs/>" if bold else ""
    half_points = int(size * 2)
    return parse_xml(
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" '
        f'w:eastAsia="{east_asia}"/>{bold_xml}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    )


def add_text(
    paragraph: Any, text: str, *, font: str = BODY_FONT, size: float = 12, bold: bool = False
) -> Run:
    """Append a run of ``text`` in ``font`` (East-Asian) and Times New Roman (Latin)."""
    run = paragraph.add_run(text)
    run.element.insert(0, copy.deepcopy(_run_properties(font, size, bold)))
    return run


def set_fonts(run_or_style: Any, east_asia: str, size: float | None = None, *, bold: bool = False) -> None:
    """Name both fonts on a style (or an existing run), for text Word adds later."""
    font = run_or_style.font
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold:
        font.bold = True
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
