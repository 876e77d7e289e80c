"""Importing people from Excel: all or nothing, idempotent on the student or staff number."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from jiesu.org.models import User
from jiesu.people import imports
from jiesu.people.errors import PeopleError
from jiesu.people.models import PeopleAction, PeopleLog
from tests.support import user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

HEADER = ["学号/工号", "姓名", "人员类别", "校区", "手机", "邮箱"]


def sheet(*rows: list[object], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    book.active.append(header)  # type: ignore[union-attr]
    for row in rows:
        book.active.append(list(row))  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(data: bytes) -> imports.ImportResult:
    check = imports.read_sheet(data)
    return imports.people_import(actor=user("admin"), rows=[(r.line, r.values) for r in check.rows])


def written() -> tuple[int, int]:
    return User.objects.count(), PeopleLog.objects.count()


GOOD = [
    ["2026010001", "王小明", "学生", "北京校区", "13800000001", "wxm@example.edu.cn"],
    [20260002, "李老师", "教师", "", "", ""],  # a number typed as a number
]


def test_template_has_the_columns_the_import_reads() -> None:
    """The downloaded template's header is what the import expects; empty, it holds nobody."""
    data = imports.template_workbook()
    assert [c.value for c in load_workbook(io.BytesIO(data)).worksheets[0][1]] == HEADER
    assert imports.read_sheet(data).errors == ["表格中没有人员。"]


def test_a_good_sheet_imports_and_a_second_run_changes_nothing() -> None:
    """New numbers are added (no local password, the number as username), an existing one is updated, and the
    same sheet again changes nothing and logs nothing."""
    User.objects.filter(username="teacher").update(number="20260002")
    check = imports.read_sheet(sheet(*GOOD))
    assert check.ok and [r.action for r in check.rows] == ["create", "update"]
    result = run(sheet(*GOOD))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    new = User.objects.get(number="2026010001")
    assert (new.username, new.full_name, new.kind, new.campus.code, new.has_usable_password()) == (
        "2026010001",
        "王小明",
        "student",
        "beijing",
        False,
    )
    teacher = User.objects.get(username="teacher")
    assert (teacher.full_name, teacher.kind, teacher.email) == (
        "李老师",
        "faculty",
        "teacher@demo.jiesu.edu.cn",
    )
    assert set(PeopleLog.objects.values_list("action", flat=True)) == {
        PeopleAction.PERSON_IMPORTED,
        PeopleAction.PERSON_UPDATED,
    }
    before = written()
    again = run(sheet(*GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert written() == before


def test_a_missing_column_is_a_sheet_error() -> None:
    check = imports.read_sheet(sheet(["1", "张三"], header=["学号/工号", "姓名"]))
    assert not check.ok and check.errors == ["缺少列：人员类别。"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["2026010003", "张三", "校长", "", "", ""], "未知的人员类别"),
        (["2026010003", "张三", "学生", "火星校区", "", ""], "未知的校区"),
        (["2026010003", "张三", "学生", "", "abc", ""], "手机号码无效"),
        (["2026010003", "张三", "学生", "", "", "a@b.c, d@e.f"], "电子邮箱地址无效"),
        (["2026010003", "<script>alert(1)</script>", "学生", "", "", ""], "尖括号"),
        (["2026 010003", "张三", "学生", "", "", ""], "学号/工号"),
        (["", "张三", "学生", "", "", ""], "为空"),
        (["2026010001", "王小明二", "学生", "", "", ""], "已在第2行"),
        (["student", "冒名", "学生", "", "", ""], "另一人"),
    ],
)
def test_one_bad_row_refuses_the_whole_sheet(bad: list[object], message: str) -> None:
    """The preview names the bad row's problem; importing anyway writes nobody, not even the good rows."""
    check = imports.read_sheet(sheet(GOOD[0], bad))
    [row] = check.bad_rows
    assert row.line == 3 and message in " ".join(row.errors), row.errors
    before = written()
    with pytest.raises(PeopleError) as refused:
        imports.people_import(actor=user("admin"), rows=[(r.line, r.values) for r in check.rows])
    assert refused.value.code == "sheet_errors" and "未导入" in str(refused.value)
    assert written() == before
    assert not User.objects.filter(number="2026010001").exists()


def test_a_file_that_is_not_excel_is_refused() -> None:
    assert imports.read_sheet(b"number,name\n1,x\n").errors == ["这不是 Excel（.xlsx）文件。请下载模板填写。"]


def test_rows_checked_at_preview_are_checked_again_at_import() -> None:
    """A number taken as a username between the preview and the confirmation refuses the import."""
    check = imports.read_sheet(sheet(GOOD[0]))
    assert check.ok
    User.objects.create(username="2026010001")
    before = written()
    with pytest.raises(PeopleError):
        imports.people_import(actor=user("admin"), rows=[(r.line, r.values) for r in check.rows])
    assert written() == before
