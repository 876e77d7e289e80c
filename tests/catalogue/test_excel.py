"""The catalogue's Excel round trip (R2.7): an export imports back as no change; an edited sheet imports as one
new version; a bad sheet is answered row by row and nothing is written."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from jiesu.catalogue import excel, importing, selectors
from jiesu.catalogue.models import CatalogueVersion, ChangeAction, Matter, MatterChange
from jiesu.catalogue.services import CatalogueError
from tests.support import unit, user


def counts() -> tuple[int, int, int]:
    return Matter.objects.count(), CatalogueVersion.objects.count(), MatterChange.objects.count()


def edited(change) -> bytes:  # noqa: ANN001 - a function of the worksheet
    book = load_workbook(io.BytesIO(excel.export()))
    change(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(sheet, name: str) -> int:  # noqa: ANN001
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 3).value == name)


def sheet_of(rows: list[list[object]], header: list[str] = excel.COLUMNS) -> bytes:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_export_imports_back_as_no_change(catalogue: None) -> None:
    sheet = excel.read(excel.export())
    assert len(sheet.rows) == Matter.objects.count() and not sheet.problems
    plan = importing.plan_import(sheet)
    assert plan.ok and plan.changes == 0
    with pytest.raises(CatalogueError):
        importing.catalogue_import(
            actor=user("dispatcher"), sheet=sheet, based_on=plan.based_on, filename="x"
        )


def test_an_edited_sheet_imports_as_one_version(catalogue: None) -> None:
    def change(ws) -> None:  # noqa: ANN001
        ws.cell(row_of(ws, "供暖"), 4).value = "资产管理处"  # the responsible unit
        ws.cell(row_of(ws, "食堂"), 3).value = "食堂与餐饮"  # renamed
        ws.cell(row_of(ws, "绿化"), 7).value = "停用"  # retired
        ws.append(["express", "05", "快递收发", "后勤管理处", "保卫处", "快递 包裹", "在用", ""])
        ws.append(["", "express", "快递丢失", "保卫处", "", "包裹丢了", "在用", ""])

    sheet = excel.read(edited(change))
    plan = importing.plan_import(sheet)
    assert plan.ok, [(p.row.line, p.errors) for p in plan.rows if p.errors]
    assert sorted(p.action for p in plan.rows if p.action != importing.SAME) == [
        "add",
        "add",
        "reassign",
        "rename",
        "retire",
    ]
    version = importing.catalogue_import(
        actor=user("dispatcher"), sheet=sheet, based_on=plan.based_on, filename="目录.xlsx"
    )
    assert version.number == 2 and version.actor == user("dispatcher")
    assert version.changes.count() == 5
    assert Matter.objects.get(name="供暖").unit == unit("assets")
    assert not Matter.objects.get(name="绿化").is_active
    lost = Matter.objects.get(name="快递丢失")
    assert lost.parent.code == "express" and lost.unit == unit("security")
    assert list(Matter.objects.get(code="express").cohandlers.all()) == [unit("security")]
    assert selectors.search("包裹丢了")[0].name == "快递丢失"
    # The export now carries the changes, and imports back as no change.
    assert importing.plan_import(excel.read(excel.export())).changes == 0


def _bad_rows(ws) -> None:  # noqa: ANN001
    ws.cell(row_of(ws, "供暖"), 4).value = "不存在的处"
    ws.cell(row_of(ws, "食堂"), 3).value = "<script>alert(1)</script>"
    ws.cell(row_of(ws, "绿化"), 7).value = "作废"
    ws.cell(row_of(ws, "保洁"), 2).value = "no-such-parent"
    ws.cell(row_of(ws, "校园班车"), 1).value = ws.cell(row_of(ws, "宿舍维修"), 1).value
    ws.cell(row_of(ws, "后勤与校园"), 2).value = "0501"  # a category under its own matter
    ws.append(["ok-row", "05", "快递收发", "后勤管理处", "", "", "在用", ""])  # fine on its own


def test_a_bad_sheet_names_each_row_and_writes_nothing(catalogue: None) -> None:
    before = counts()
    sheet = excel.read(edited(_bad_rows))
    plan = importing.plan_import(sheet)
    errors = {p.row.name: " ".join(p.errors) for p in plan.rows if p.errors}
    assert "没有名为 不存在的处 的在用单位" in errors["供暖"]
    assert "尖括号" in errors["<script>alert(1)</script>"]
    assert "状态只能填" in errors["绿化"]
    assert "上级编码 no-such-parent" in errors["保洁"]
    assert "与第" in errors["校园班车"]
    assert "不能移到它自己" in errors["后勤与校园"]
    assert "快递收发" not in errors and not plan.ok
    with pytest.raises(CatalogueError):
        importing.catalogue_import(
            actor=user("dispatcher"), sheet=sheet, based_on=plan.based_on, filename="x"
        )
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not a workbook", "不是 Excel 工作簿"),
        (sheet_of([["a", "", "b"]], header=["编码", "上级编码", "事项名称"]), "缺少列：责任单位"),
        (sheet_of([]), "没有任何数据行"),
    ],
)
def test_an_unreadable_file_is_refused_whole(catalogue: None, data: bytes, problem: str) -> None:
    sheet = excel.read(data)
    assert problem in " ".join(sheet.problems)
    assert not importing.plan_import(sheet).ok


def test_an_import_is_refused_when_the_catalogue_changed_since_the_preview(catalogue: None) -> None:
    sheet = excel.read(edited(lambda ws: ws.append(["", "05", "快递收发", "后勤管理处", "", "", "在用", ""])))
    plan = importing.plan_import(sheet)
    importing.catalogue_import(actor=user("dispatcher"), sheet=sheet, based_on=plan.based_on, filename="a")
    with pytest.raises(CatalogueError, match="预览之后目录已被修改"):
        importing.catalogue_import(
            actor=user("dispatcher"), sheet=sheet, based_on=plan.based_on, filename="a"
        )
    assert Matter.objects.filter(name="快递收发").count() == 1
    assert MatterChange.objects.filter(action=ChangeAction.ADD, matter__name="快递收发").count() == 1
