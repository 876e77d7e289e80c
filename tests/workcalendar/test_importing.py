"""R5.2: parsing the official arrangement CSV — whole files accepted or rejected with line numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.workcalendar.importing import CalendarImportError, decode, parse_calendar_csv

GOOD = "date,kind,name\n2027-02-05,holiday,春节\n2027-02-20,workday,春节\n\n"


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(CalendarImportError) as info:
        parse_calendar_csv(text)
    return [(p.line, p.reason) for p in info.value.problems]


def test_good_file_parses() -> None:
    """R5.2: holiday rows are non-working, workday rows are working; blank lines are skipped."""
    rows = parse_calendar_csv(GOOD)
    assert [(r.line, r.date, r.working, r.name) for r in rows] == [
        (2, dt.date(2027, 2, 5), False, "春节"),
        (3, dt.date(2027, 2, 20), True, "春节"),
    ]


def test_bom_is_accepted() -> None:
    """Spreadsheet programs save UTF-8 with a BOM."""
    assert len(parse_calendar_csv(decode(("\ufeff" + GOOD).encode()))) == 2


def test_bad_header_is_rejected() -> None:
    assert problems("day,type,name\n2027-01-01,holiday,元旦\n")[0][0] == 1


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("2027-13-01,holiday,x", "日期"),
        ("2027-02-05,vacation,春节", "类型"),
        ("2027-02-05,holiday", "3列"),
        ("2027-02-03,workday,春节", "周一至周五"),  # a Wednesday is already a working day
    ],
)
def test_each_bad_line_is_reported_with_its_number(line: str, needle: str) -> None:
    """R5.2: a bad row rejects the whole file; the problem names its line (here line 3)."""
    found = problems(f"date,kind,name\n2027-01-01,holiday,元旦\n{line}\n")
    assert len(found) == 1
    assert found[0][0] == 3
    assert needle in found[0][1]


def test_all_problems_are_listed_and_duplicates_caught() -> None:
    found = problems("date,kind,name\n2027-01-01,holiday,元旦\nxx,holiday,a\n2027-01-01,holiday,元旦\n")
    assert [line for line, _ in found] == [3, 4]
    assert "第2行重复" in found[1][1]


def test_empty_and_not_utf8_files_are_rejected() -> None:
    assert problems("")[0] == (0, "文件为空")
    assert problems("date,kind,name\n")[0][0] == 0
    with pytest.raises(CalendarImportError, match="UTF-8"):
        decode("date,kind,name\n2027-01-01,holiday,元旦".encode("gbk"))
