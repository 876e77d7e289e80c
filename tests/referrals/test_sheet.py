"""Reading a referral sheet: headers matched tolerantly, dates in the forms sheets carry, whole-file refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.referrals.sheet import BadDate, SheetError, normalize, read_sheet, template_workbook, to_datetime
from jiesu.workcalendar.clocks import SHANGHAI
from tests.referrals.sheets import HEADERS, row, xlsx


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("工单编号", "工单编号"),
        (" 受理时间(北京时间) ", "受理时间"),
        ("*诉求内容：", "诉求内容"),
        ("截止时间", "截止时间"),
    ],
)
def test_headers_are_matched_after_normalizing(header: str, key: str) -> None:
    """Spaces, asterisks, colons and remarks in brackets do not hide a header."""
    assert normalize(header) == key


def test_a_sheet_with_other_accepted_headers_and_a_title_row_is_read() -> None:
    """A title above the header row and the 12345 system's own header names are accepted."""
    data = xlsx(
        [["BJ-1", "2026/12/1 9:30", "李四", 13900001111, "宿舍漏水", "2026年12月3日", "12345市民服务热线"]],
        headers=["工单号", "来电时间", "来电人", "来电号码", "来电内容", "办结时限", "来源"],
        title="12345市民服务热线转办工单（2026年12月）",
    )
    sheet = read_sheet(data)
    assert set(sheet.columns) == {
        "received_at",
        "reference",
        "requester_name",
        "contact_phone",
        "content",
        "source_due_at",
        "source_name",
    }
    assert sheet.rows[0].line == 3
    assert sheet.rows[0].values["reference"] == "BJ-1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01 09:30", dt.datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)),
        ("2026/12/1 9:30", dt.datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)),
        ("2026年12月1日 9时30分", dt.datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)),
        (dt.datetime(2026, 12, 1, 9, 30), dt.datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)),  # noqa: DTZ001
        (46357.5, dt.datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)),  # Excel's serial day
        ("", None),
    ],
)
def test_dates_in_the_forms_sheets_carry(value: object, expected: dt.datetime | None) -> None:
    assert to_datetime(value) == expected


def test_a_deadline_given_as_a_date_alone_is_the_end_of_that_day() -> None:
    assert to_datetime("2026-12-03", end_of_date=True) == dt.datetime(2026, 12, 4, tzinfo=SHANGHAI)


@pytest.mark.parametrize("value", ["明天", "2026-13-45", "2026-02-30 10:00", True])
def test_unknown_dates_are_refused(value: object) -> None:
    with pytest.raises(BadDate):
        to_datetime(value)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"<html><body>not a sheet</body></html>", "not_excel"),
        (b"PK\x03\x04 broken zip", "not_excel"),
        (xlsx([], headers=[]), "empty_sheet"),
        (xlsx([row()], headers=["甲", "乙", "丙"]), "no_header"),
        (xlsx([], headers=HEADERS), "no_rows"),
        (xlsx([row()[1:]], headers=HEADERS[1:]), "missing_columns"),
    ],
)
def test_a_file_that_is_not_a_referral_sheet_is_refused_as_a_whole(data: bytes, code: str) -> None:
    with pytest.raises(SheetError) as caught:
        read_sheet(data)
    assert caught.value.code == code


def test_the_missing_column_is_named() -> None:
    with pytest.raises(SheetError) as caught:
        read_sheet(xlsx([row()[1:]], headers=HEADERS[1:]))
    assert "工单编号" in caught.value.message
    assert caught.value.details == {"missing": ["reference"]}


def test_the_template_is_a_sheet_the_import_reads() -> None:
    sheet = read_sheet(template_workbook())
    assert len(sheet.rows) == 1
    assert len(sheet.columns) == 8


def test_the_judgement_kept_for_the_run_comes_back_equal() -> None:
    """``rows.pack`` / ``unpack``: the run takes up exactly the rows the upload judged (dates aware, in
    Asia/Shanghai; a missing deadline; a row's own errors); anything else is None (the run reads the sheet)."""
    from jiesu.referrals.rows import check_sheet, pack, unpack

    sheet = read_sheet(
        xlsx(
            [row(), row(reference="B2", due=None), row(reference="B3", received="明天"), row(reference="B2")]
        )
    )
    checked = check_sheet(sheet, default_source="12345市民服务热线")
    back = unpack(pack(checked))
    assert back is not None
    assert [(c.line, c.source_name, c.reference, c.fields, c.errors) for c in back] == [
        (c.line, c.source_name, c.reference, c.fields, c.errors) for c in checked
    ]
    assert back[0].fields["received_at"].tzinfo == SHANGHAI and back[1].fields["source_due_at"] is None
    assert [bool(c.errors) for c in back] == [False, False, True, True]
    assert unpack(b"") is None and unpack(b"not zlib") is None
