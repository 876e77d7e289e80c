"""Spreadsheet cells safe for Excel and WPS (``jiesu.xlsx``): no formula injection, no illegal characters."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from jiesu import xlsx

FORMULA = '=HYPERLINK("http://evil.example/","x")'


@pytest.mark.parametrize("write_only", [True, False])
def test_text_starting_with_an_equals_sign_stays_text_in_both_kinds_of_sheet(write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    sheet.append(xlsx.row(sheet, [FORMULA, "张\x07三", 3, None, "-5"]))
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()))
    cells = list(read.worksheets[-1].iter_rows(min_row=1, max_row=1))[0]
    assert [c.value for c in cells[:5]] == [FORMULA, "张三", 3, None, "-5"]
    assert cells[0].data_type == "s"


def test_without_the_helper_openpyxl_would_store_a_formula() -> None:
    """The reason for the helper: the same text appended as is becomes a formula."""
    book = Workbook()
    book.active.append([FORMULA])
    assert book.active["A1"].data_type == "f"


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-3", "-3"),
        ("+12.5%", "+12.5%"),
        ("供暖", "供暖"),
        (7, 7),
    ],
)
def test_csv_fields_never_start_a_formula(value: object, field: object) -> None:
    assert xlsx.csv_field(value) == field
    out = io.StringIO()
    csv.writer(out).writerow([xlsx.csv_field(value)])
    assert out.getvalue().rstrip("\r\n").strip('"') == str(field)
