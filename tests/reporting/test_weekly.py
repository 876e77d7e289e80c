"""The weekly 情况专报's figures (R8.3, Art. 14): Monday 00:00 to the next Monday 00:00, Asia/Shanghai; the
tables add up to the tickets received that week, checked against the database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from jiesu.reporting.docx import render_docx
from jiesu.reporting.weekly import SECTIONS, Week, WeekError, WeeklyReport
from jiesu.tickets.models import Ticket
from tests.reporting.conftest import AS_OF, MONDAY, NEXT_MONDAY, WEEK

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", dt.date(2026, 11, 23)),
        ("2026-w01", dt.date(2025, 12, 29)),
        (" 2020-W53 ", dt.date(2020, 12, 28)),
    ],
)
def test_a_week_is_read_as_its_iso_monday(text: str, monday: dt.date) -> None:
    assert Week.parse(text).start == monday


@pytest.mark.parametrize("text", ["2026-48", "2026-W54", "2026-W00", "", "W48-2026"])
def test_a_bad_week_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(WeekError) as caught:
        Week.parse(text)
    assert caught.value.message


def test_the_week_runs_from_monday_midnight_to_the_next_monday_midnight_in_beijing() -> None:
    week = Week.parse(WEEK)
    assert week.period.start == MONDAY and week.end == NEXT_MONDAY
    assert week.label == WEEK


def test_the_tables_add_up_to_the_tickets_received_that_week(known_week) -> None:
    """Channel, type and unit tables each sum to the week's tickets counted straight from the database."""
    figures = WeeklyReport(Week.parse(WEEK), as_of=AS_OF).figures()
    in_db = Ticket.objects.filter(received_at__gte=MONDAY, received_at__lt=NEXT_MONDAY).count()
    assert in_db == 5  # w1–w5; x1 (Sunday before) and x2 (next Monday 00:00) are outside
    assert figures.received == in_db
    assert sum(n for _label, n in figures.by_channel) == in_db
    assert sum(n for _label, n in figures.by_type) == in_db
    assert sum(line.counts.received for line in figures.units) == in_db
    assert figures.total.counts.received == in_db


def test_units_carry_their_rates_and_missed_deadlines(known_week) -> None:
    with translation.override("zh-hans"):
        figures = WeeklyReport(Week.parse(WEEK), as_of=AS_OF).figures()
    lines = {line.name: line for line in figures.units}
    logistics = lines["后勤管理处"]
    assert logistics.counts.received == 3
    assert logistics.rates["response"] == 1.0  # w1, w2 met on time; w3 has no clock
    assert logistics.rates["ontime"] == 0.5  # w1 on time, w2 missed
    assert logistics.counts.overdue == 1
    assert lines["网络信息中心"].counts.received == 1
    assert lines["未分派"].counts.received == 1


def test_the_lists_name_the_overdue_important_and_meeting_items(known_week) -> None:
    t = known_week.tickets
    figures = WeeklyReport(Week.parse(WEEK), as_of=AS_OF).figures()
    assert [r["number"] for r in figures.overdue.rows] == [t["w2"].number]
    # escalated (Monday), urgent (Wednesday): in the order received
    assert [r["number"] for r in figures.important.rows] == [t["w4"].number, t["w2"].number]
    assert [r["number"] for r in figures.meeting.rows] == [t["w3"].number]
    assert figures.meeting.rows[0]["text"] == "建议提交校长办公会研究食堂改造方案。"  # Art. 9.3: the proposal


def test_the_document_has_the_tables_and_chinese_fonts_on_its_runs(known_week) -> None:
    """Opened with python-docx: the channel table sums to the week's total, the rates table lists each unit,
    the Office's text is there, an omitted section is not, and every run names an East-Asian font."""
    with translation.override("zh-hans"):
        figures = WeeklyReport(Week.parse(WEEK), as_of=AS_OF).figures()
        content = render_docx(
            figures, texts={"summary": "本周总体平稳。", "hot_topics": "供暖"}, omitted=["committee"]
        )
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本周总体平稳。" in text and "供暖" in text
    assert str(SECTIONS["committee"]) not in text and "重大事项" not in text
    channel, kinds, units, rates, overdue, important, meeting = doc.tables
    assert channel.rows[0].cells[0].text == "渠道"
    body = [[c.text for c in row.cells] for row in channel.rows[1:]]
    assert body[-1] == ["合计", "5"]
    assert sum(int(n) for _name, n in body[:-1]) == 5
    assert sum(int(row.cells[1].text) for row in kinds.rows[1:-1]) == 5
    rate_rows = {row.cells[0].text: [c.text for c in row.cells] for row in rates.rows[1:]}
    assert rate_rows["后勤管理处"][1:4] == ["3", "100.0%", "50.0%"]
    assert rate_rows["全校"][1] == "5"
    assert overdue.rows[1].cells[0].text == known_week.tickets["w2"].number
    assert meeting.rows[1].cells[4].text == "建议提交校长办公会研究食堂改造方案。"
    runs = [r for p in doc.paragraphs for r in p.runs] + [
        r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs
    for run in runs:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text


def test_an_empty_week_still_makes_a_document() -> None:
    figures = WeeklyReport(Week.parse("2020-W10")).figures()
    assert figures.received == 0 and figures.units == []
    doc = Document(io.BytesIO(render_docx(figures, texts={}, omitted=[])))
    assert len(doc.tables) == 4  # channel, type, unit, rates; the lists say "none"


def test_the_figures_take_a_fixed_number_of_queries(known_week, django_assert_max_num_queries) -> None:
    """Set-based: the same query count whatever the number of tickets."""
    with django_assert_max_num_queries(10):
        WeeklyReport(Week.parse(WEEK), as_of=AS_OF).figures()


def test_the_lists_mask_contacts_in_titles_and_replies(known_week) -> None:
    """R10.2: the report is circulated beyond the lead unit; a title recorded before intake masked contacts (or
    a reply quoting one) shows them masked."""
    w2 = known_week.tickets["w2"]
    Ticket.objects.filter(pk=w2.pk).update(subject="暖气不热，电话13900001111")
    figures = WeeklyReport(Week.parse(WEEK), as_of=AS_OF).figures()
    shown = [r["subject"] for r in figures.overdue.rows + figures.important.rows if r["number"] == w2.number]
    assert shown == ["暖气不热，电话139****1111"] * 2
