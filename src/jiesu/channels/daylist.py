"""R2.1: the reception day's list as a Word document (python-docx), for the leader's desk. Chinese fonts are set on
every run (``jiesu.docxtext``), so WPS and Word render the text in a Chinese face."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from jiesu.channels.models import Booking, ReceptionSession
from jiesu.docxtext import TITLE_FONT
from jiesu.docxtext import add_text as _text


def day_list_docx(session: ReceptionSession, bookings: Sequence[Booking]) -> bytes:
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(title, _("Leaders' reception day: the day's list"), font=TITLE_FONT, size=18, bold=True)
    facts = _("%(leader)s · %(day)s · %(place)s") % {
        "leader": session.leader.get_full_name(),
        "day": f"{session.day:%Y-%m-%d}",
        "place": session.place,
    }
    _text(doc.add_paragraph(), facts)
    header = [_("Time"), _("Name"), _("Topic"), _("Visit"), _("Notes")]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        _text(cell.paragraphs[0], label, size=10.5, bold=True)
    for booking in bookings:
        row = [
            f"{booking.slot.starts:%H:%M}–{booking.slot.ends:%H:%M}",
            booking.requester.get_full_name(),
            booking.topic,
            "" if booking.status == Booking.Status.BOOKED else str(booking.get_status_display()),
            booking.notes,
        ]
        for cell, value in zip(table.add_row().cells, row, strict=True):
            _text(cell.paragraphs[0], value, size=10.5)
    if not bookings:
        _text(doc.add_paragraph(), _("No booking for this day."))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
